/// @file
/// @brief The test mains' look at every exception caught in the test program, with internal
/// linkage but for the one C++ runtime function it stands in for: include it in the one
/// source file of a test main, after channel_writer.hpp.
///
/// A test framework ends a test quietly when it catches its own "already reported"
/// exception (GoogleTest's AssertionException) or, in Catch2, an exception it throws after
/// a failed REQUIRE. Lab code could throw one of its own making instead: a type_info of its
/// own class whose upcast says yes to the framework's type, a copy of a real one with
/// another name, a fake base class. Every catch in the program goes through
/// __cxa_begin_catch: this one calls the C++ runtime's, then checks the type of what was
/// caught, and tells the grader (a sealed "tampered" record: `integrity`) when that type's
/// information is not the runtime's own, or is a framework's exception the test could not
/// have thrown honestly.
///
/// A test can also end early without an exception: a jump out of the test body to its
/// caller (longjmp, setcontext), or a signal handler that rewrites the registers the
/// interrupted code resumes with. No test and no lab of the course does either: the test
/// main defines those functions too, and every handler installed with sigaction() or
/// signal() runs behind one of its own that checks where the interrupted code resumes; it
/// tells the grader when any of that happens.
#pragma once

#include <cxxabi.h>
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include <cstdarg>
#include <cstdlib>
#include <string>
#include <typeinfo>

#include "channel_writer.hpp"

namespace harness::catch_guard {
namespace {  // NOLINT: internal linkage, on purpose

/// Set by each test main: why an exception whose type is named @p name cannot have been
/// thrown honestly now (a framework's own, out of turn), or nullptr when it can.
const char* (*refused_exception)(const char* name) = nullptr;

// True when @p info's own type is one of the C++ runtime's type_info classes (compared by
// address: the runtime's objects, not names a program can copy).
bool made_by_the_runtime(const std::type_info& info) {
    const std::type_info* kind = &typeid(info);
    for (const std::type_info* known :
         {&typeid(abi::__fundamental_type_info), &typeid(abi::__array_type_info),
          &typeid(abi::__function_type_info), &typeid(abi::__enum_type_info),
          &typeid(abi::__class_type_info), &typeid(abi::__si_class_type_info),
          &typeid(abi::__vmi_class_type_info), &typeid(abi::__pointer_type_info),
          &typeid(abi::__pointer_to_member_type_info)}) {
        if (kind == known)
            return true;
    }
    return false;
}

// Why an exception of type @p type, its bases and what it points to, cannot be an honest
// one ("" when it can be).
const char* forged(const std::type_info* type, int depth) {
    constexpr int kDeepest = 32;
    if (type == nullptr)
        return "";  // a foreign exception (a thread's cancellation): not C++'s
    if (depth > kDeepest)
        return "an exception was caught whose type has a hierarchy deeper than any program's";
    if (!made_by_the_runtime(*type))
        return "an exception was caught whose type information is not the C++ runtime's (lab "
               "code made it, to pass one exception off as another)";
    if (refused_exception != nullptr) {
        if (const char* why = refused_exception(type->name()))
            return why;
    }
    if (const auto* single = dynamic_cast<const abi::__si_class_type_info*>(type))
        return forged(single->__base_type, depth + 1);
    if (const auto* many = dynamic_cast<const abi::__vmi_class_type_info*>(type)) {
        constexpr unsigned kMostBases = 64;
        for (unsigned i = 0; i < many->__base_count && i < kMostBases; ++i) {
            const char* why = forged(many->__base_info[i].__base_type, depth + 1);
            if (*why)
                return why;
        }
        return "";
    }
    if (const auto* pointer = dynamic_cast<const abi::__pbase_type_info*>(type))
        return forged(pointer->__pointee, depth + 1);
    return "";
}

// The C library's @p name, which the test main stands in for (dlsym: the next definition).
template <typename Function>
Function next_definition(const char* name) {
    auto found = reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
    if (found == nullptr)
        std::abort();  // the C library lacks it: nothing sensible can go on
    return found;
}

// Tells the grader that lab code used @p call (under the grader only).
void report_jump(const char* call) {
    if (!harness::channel::active())
        return;
    std::string why = std::string("lab code used ") + call +
                      ", which no test of the course uses (a way to leave a test body without "
                      "returning to its end)";
    harness::channel::send_tampered(why);
}

// Reports @p shown (report_jump), then makes the C library's jump @p name: one of the
// longjmp family, all of one signature.
[[noreturn]] void jump_on(const char* name, const char* shown, struct __jmp_buf_tag* env,
                          int value) {
    using Real = void (*)(struct __jmp_buf_tag*, int);
    Real real = next_definition<Real>(name);  // looked up each time: a jump is rare
    report_jump(shown);
    real(env, value);
    std::abort();  // the C library's jump does not return
}

// What a program asked sigaction() for, per signal: the test main installs a handler of
// its own in its place (checked_handler) and calls this one from it.
struct Installed {
    struct sigaction asked {};
    bool ours = false;  // the kernel holds checked_handler for this signal
};
Installed installed[NSIG];

// Where the interrupted code will resume: its instruction and stack pointers.
std::pair<unsigned long long, unsigned long long> resume_point(const void* raw) {
    const auto* context = static_cast<const ucontext_t*>(raw);
#if defined(__x86_64__)
    return {static_cast<unsigned long long>(context->uc_mcontext.gregs[REG_RIP]),
            static_cast<unsigned long long>(context->uc_mcontext.gregs[REG_RSP])};
#elif defined(__aarch64__)
    return {context->uc_mcontext.pc, context->uc_mcontext.sp};
#endif
}

// Calls the program's handler for @p signal; tells the grader when it changed where the
// interrupted code resumes (a handler never needs to: it is how a test body is left).
void checked_handler(int signal, siginfo_t* info, void* context) {
    const struct sigaction& asked = installed[signal].asked;
    auto before = resume_point(context);
    if (asked.sa_flags & SA_SIGINFO)
        asked.sa_sigaction(signal, info, context);
    else if (asked.sa_handler != SIG_DFL && asked.sa_handler != SIG_IGN)
        asked.sa_handler(signal);
    if (resume_point(context) != before && harness::channel::active()) {
        harness::channel::send_tampered(
            "a signal handler changed where the interrupted code resumes, which no test of "
            "the course does (a test body left without returning to its end)");
    }
}

// The C library's sigaction.
int real_sigaction(int signal, const struct sigaction* action, struct sigaction* old) {
    using Real = int (*)(int, const struct sigaction*, struct sigaction*);
    static const Real real = next_definition<Real>("sigaction");
    return real(signal, action, old);
}

}  // namespace
}  // namespace harness::catch_guard

/// sigaction() as the C library's, but a handler runs behind checked_handler(), and what
/// was asked for is what a query returns.
extern "C" int sigaction(int signal, const struct sigaction* __restrict action,
                         struct sigaction* __restrict old) noexcept {
    using namespace harness::catch_guard;
    bool known = signal > 0 && signal < NSIG;
    struct sigaction previous {};
    struct sigaction wrapped {};
    const struct sigaction* given = action;
    if (known && action != nullptr && action->sa_handler != SIG_DFL &&
        action->sa_handler != SIG_IGN) {
        wrapped = *action;
        wrapped.sa_flags |= SA_SIGINFO;
        wrapped.sa_sigaction = &checked_handler;
        given = &wrapped;
    }
    Installed before = known ? installed[signal] : Installed{};
    if (known && action != nullptr) {  // before the kernel can deliver to it
        installed[signal].asked = *action;
        installed[signal].ours = given == &wrapped;
    }
    int result = real_sigaction(signal, given, &previous);
    if (result != 0 && known)
        installed[signal] = before;
    if (result == 0 && old != nullptr) {
        bool was_ours = known && previous.sa_sigaction == &checked_handler;
        *old = was_ours ? before.asked : previous;
        if (was_ours)
            old->sa_mask = previous.sa_mask;
    }
    return result;
}

/// signal() as the C library's (BSD semantics: SA_RESTART), through sigaction() above.
extern "C" sighandler_t signal(int number, sighandler_t handler) noexcept {
    struct sigaction action {};
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, number);
    struct sigaction old {};
    if (sigaction(number, &action, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

/// sysv_signal() and bsd_signal(), the C library's other names for it, through sigaction()
/// above too (with their semantics: reset after one delivery, or BSD's).
extern "C" sighandler_t sysv_signal(int number, sighandler_t handler) noexcept {
    struct sigaction action {};
    action.sa_handler = handler;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    struct sigaction old {};
    if (sigaction(number, &action, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}
extern "C" sighandler_t bsd_signal(int number, sighandler_t handler) noexcept {
    return signal(number, handler);
}

/// sigset(), an old way to install a handler that the C library makes without sigaction()
/// above: no test of the course uses it, so the grader is told, then it is the C library's.
extern "C" sighandler_t sigset(int number, sighandler_t handler) noexcept {
    using Real = sighandler_t (*)(int, sighandler_t);
    static const Real real = harness::catch_guard::next_definition<Real>("sigset");
    harness::catch_guard::report_jump("sigset (a signal handler installed past the check)");
    return real(number, handler);
}

/// syscall(), the C library's, after the grader is told of a signal handler installed with
/// the raw system call (past sigaction() above).
extern "C" long syscall(long number, ...) noexcept {
    va_list given;
    va_start(given, number);
    long arguments[6];
    for (long& argument : arguments)  // a system call takes at most six
        argument = va_arg(given, long);
    va_end(given);
    using Real = long (*)(long, ...);
    static const Real real = harness::catch_guard::next_definition<Real>("syscall");
    if (number == SYS_rt_sigaction)
        harness::catch_guard::report_jump(
            "rt_sigaction (a signal handler installed past the check)");
    return real(number, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4],
                arguments[5]);
}

// The jumps a program can make without an exception. Each is the C library's, after the
// grader was told (report_jump). Defined once, by the test main: no lab code may define
// them (object_inspection.hpp).
extern "C" [[noreturn]] void longjmp(struct __jmp_buf_tag env[1], int value) noexcept {
    harness::catch_guard::jump_on("longjmp", "longjmp", env, value);
}
extern "C" [[noreturn]] void _longjmp(struct __jmp_buf_tag env[1], int value) noexcept {
    harness::catch_guard::jump_on("_longjmp", "_longjmp", env, value);
}
extern "C" [[noreturn]] void siglongjmp(struct __jmp_buf_tag env[1], int value) noexcept {
    harness::catch_guard::jump_on("siglongjmp", "siglongjmp", env, value);
}
extern "C" [[noreturn]] void __longjmp_chk(struct __jmp_buf_tag env[1], int value) noexcept {
    harness::catch_guard::jump_on("__longjmp_chk", "longjmp", env, value);
}
extern "C" int setcontext(const ucontext_t* context) noexcept {
    using Real = int (*)(const ucontext_t*);
    static const Real real = harness::catch_guard::next_definition<Real>("setcontext");
    harness::catch_guard::report_jump("setcontext");
    return real(context);
}
extern "C" int swapcontext(ucontext_t* __restrict save,
                           const ucontext_t* __restrict context) noexcept {
    using Real = int (*)(ucontext_t*, const ucontext_t*);
    static const Real real = harness::catch_guard::next_definition<Real>("swapcontext");
    harness::catch_guard::report_jump("swapcontext");
    return real(save, context);
}

/// The C++ runtime's __cxa_begin_catch, then the check above (under the grader only).
/// Defined once, by the test main: no lab code may define it (object_inspection.hpp).
extern "C" void* __cxa_begin_catch(void* exception) noexcept {
    using Real = void* (*)(void*) noexcept;
    static const Real real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "__cxa_begin_catch"));
    if (real == nullptr)
        std::abort();  // no C++ runtime to catch with: nothing sensible can go on
    void* caught = real(exception);
    if (harness::channel::active()) {
        const char* why = harness::catch_guard::forged(abi::__cxa_current_exception_type(), 0);
        if (*why)
            harness::channel::send_tampered(why);
    }
    return caught;
}
