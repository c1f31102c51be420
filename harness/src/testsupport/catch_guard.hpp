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
#pragma once

#include <cxxabi.h>
#include <dlfcn.h>

#include <cstdlib>
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

}  // namespace
}  // namespace harness::catch_guard

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
