// Hostile submission (found by a second red team): the stub, each todo() preceded by a jump
// out of the test body into the frame that called it, as if the body had returned: the
// unwinder walks the stack to that frame (a fixed number of frames below main), and a
// signal handler rewrites the interrupted registers to resume there. No exception, nothing
// of the framework or the course named, the records all genuine. The test mains run every
// handler behind one of their own that sees the resume point change: integrity (and the
// inspection flags the unwinder's names for review).
#include <signal.h>
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
const Frame* target = nullptr;

#if defined(__x86_64__)
void resume(int, siginfo_t*, void* raw) {
    auto& r = static_cast<ucontext_t*>(raw)->uc_mcontext.gregs;
    r[REG_RIP] = static_cast<greg_t>(target->ip);
    r[REG_RSP] = static_cast<greg_t>(target->cfa);
    r[REG_RBX] = static_cast<greg_t>(target->saved[0]);
    r[REG_RBP] = static_cast<greg_t>(target->saved[1]);
    r[REG_R12] = static_cast<greg_t>(target->saved[2]);
    r[REG_R13] = static_cast<greg_t>(target->saved[3]);
    r[REG_R14] = static_cast<greg_t>(target->saved[4]);
    r[REG_R15] = static_cast<greg_t>(target->saved[5]);
    r[REG_RAX] = 0;
}
#else
void resume(int, siginfo_t*, void*) {}  // x86_64 only: elsewhere the stub's failures stand
#endif

[[noreturn, gnu::noinline]] void done();

bool elsewhere(std::uintptr_t ip) {
    auto here = reinterpret_cast<std::uintptr_t>(&done);
    return (ip > here ? ip - here : here - ip) > (std::uintptr_t{1} << 28);
}

void done() {
    walk.count = 0;
    _Unwind_Backtrace(&note, &walk);
    int top = -1;  // main: the last frame before the C library's
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
        target = &walk.frames[top - kBody + 1];  // the test body's caller
        struct sigaction action = {};
        action.sa_sigaction = &resume;
        action.sa_flags = SA_SIGINFO | SA_NODEFER;
        ::sigaction(SIGUSR2, &action, nullptr);
        ::raise(SIGUSR2);
    }
    for (;;)
        ::pause();
}

}  // namespace

// Every todo() of the stub below jumps out first (course/todo.hpp is already read).
#define todo(...) todo((done(), __VA_ARGS__))
#include "stub.inc"
