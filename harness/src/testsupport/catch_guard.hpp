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
/// caller (longjmp, setcontext). No test and no lab of the course jumps so; the test
/// main defines those functions too, and tells the grader when one is called.
#pragma once

#include <cxxabi.h>
#include <dlfcn.h>
#include <setjmp.h>
#include <ucontext.h>

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

// Tells the grader that lab code jumped by @p call (under the grader only).
void report_jump(const char* call) {
    if (!harness::channel::active())
        return;
    std::string why = std::string("lab code jumped with ") + call +
                      ", which no test of the course does (a test body left without returning "
                      "to its end, or returned into a frame that was not its caller)";
    harness::channel::send_tampered(why);
}

}  // namespace
}  // namespace harness::catch_guard

// The jumps a program can make without an exception. Each is the C library's, after the
// grader was told (report_jump). Defined once, by the test main: no lab code may define
// them (object_inspection.hpp).
extern "C" [[noreturn]] void longjmp(struct __jmp_buf_tag env[1], int value) noexcept {
    using Real = void (*)(struct __jmp_buf_tag*, int);
    static const Real real = harness::catch_guard::next_definition<Real>("longjmp");
    harness::catch_guard::report_jump("longjmp");
    real(env, value);
    std::abort();
}
extern "C" [[noreturn]] void _longjmp(struct __jmp_buf_tag env[1], int value) noexcept {
    using Real = void (*)(struct __jmp_buf_tag*, int);
    static const Real real = harness::catch_guard::next_definition<Real>("_longjmp");
    harness::catch_guard::report_jump("_longjmp");
    real(env, value);
    std::abort();
}
extern "C" [[noreturn]] void siglongjmp(struct __jmp_buf_tag env[1], int value) noexcept {
    using Real = void (*)(struct __jmp_buf_tag*, int);
    static const Real real = harness::catch_guard::next_definition<Real>("siglongjmp");
    harness::catch_guard::report_jump("siglongjmp");
    real(env, value);
    std::abort();
}
extern "C" [[noreturn]] void __longjmp_chk(struct __jmp_buf_tag env[1], int value) noexcept {
    using Real = void (*)(struct __jmp_buf_tag*, int);
    static const Real real = harness::catch_guard::next_definition<Real>("__longjmp_chk");
    harness::catch_guard::report_jump("longjmp");
    real(env, value);
    std::abort();
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
