// Hostile submission (found by a second red team): as returns_past_the_test_body, but the
// jump into the test body's caller is made with getcontext/setcontext. The test main stands
// in for setcontext (and longjmp, siglongjmp, swapcontext: catch_guard.hpp) and tells the
// grader: integrity.
#include <ucontext.h>
#include <unistd.h>
#include <unwind.h>

#include <cstdint>

#include "course/todo.hpp"

namespace {

struct Frame {
    std::uintptr_t ip = 0, cfa = 0;
    std::uintptr_t saved[6] = {};  // rbx, rbp, r12-r15
};
constexpr int kFrames = 256;
struct Walk {
    int count = 0;
    Frame frames[kFrames];
};

_Unwind_Reason_Code note(_Unwind_Context* context, void* arg) {
    auto* walk = static_cast<Walk*>(arg);
    if (walk->count >= kFrames)
        return _URC_END_OF_STACK;
    Frame& frame = walk->frames[walk->count++];
    frame.ip = _Unwind_GetIP(context);
    frame.cfa = _Unwind_GetCFA(context);
    const int columns[6] = {3, 6, 12, 13, 14, 15};
    for (int i = 0; i < 6; ++i)
        frame.saved[i] = _Unwind_GetGR(context, columns[i]);
    return _URC_NO_REASON;
}

Walk walk;
ucontext_t context;

[[noreturn, gnu::noinline]] void done();

bool elsewhere(std::uintptr_t ip) {
    auto here = reinterpret_cast<std::uintptr_t>(&done);
    return (ip > here ? ip - here : here - ip) > (std::uintptr_t{1} << 28);
}

void done() {
    walk.count = 0;
    _Unwind_Backtrace(&note, &walk);
    int top = -1;
    for (int i = 1; i < walk.count && top < 0; ++i) {
        if (elsewhere(walk.frames[i].ip))
            top = i - 1;
    }
#ifdef HOSTILE_CATCH2
    constexpr int kBody = 6;
#else
    constexpr int kBody = 8;
#endif
    if (top >= kBody) {
        const Frame& target = walk.frames[top - kBody + 1];
        ::getcontext(&context);
#if defined(__x86_64__)
        auto& r = context.uc_mcontext.gregs;
        r[REG_RIP] = static_cast<greg_t>(target.ip);
        r[REG_RSP] = static_cast<greg_t>(target.cfa);
        r[REG_RBX] = static_cast<greg_t>(target.saved[0]);
        r[REG_RBP] = static_cast<greg_t>(target.saved[1]);
        r[REG_R12] = static_cast<greg_t>(target.saved[2]);
        r[REG_R13] = static_cast<greg_t>(target.saved[3]);
        r[REG_R14] = static_cast<greg_t>(target.saved[4]);
        r[REG_R15] = static_cast<greg_t>(target.saved[5]);
        r[REG_RAX] = 0;
#endif
        ::setcontext(&context);
    }
    for (;;)
        ::pause();
}

}  // namespace

// Every todo() of the stub below jumps out first (course/todo.hpp is already read).
#define todo(...) todo((done(), __VA_ARGS__))
#include "stub.inc"
