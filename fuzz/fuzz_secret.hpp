/// @file
/// @brief The fixed secret and test name the channel's fuzz target and its seeds share.
#pragma once

#include <cstdint>

#include "harness/result_channel.hpp"

namespace course_fuzz {

/// The test the channel fuzz target asks for.
inline constexpr const char* kTest = "ProcessTest.ReadsItsOwnPid";

/// Key 00 01 .. 0f.
inline const harness::channel::Secret& secret() {
    static const harness::channel::Secret fixed = [] {
        harness::channel::Secret s;
        for (int i = 0; i < 16; ++i)
            s.key[i] = static_cast<std::uint8_t>(i);
        return s;
    }();
    return fixed;
}

}  // namespace course_fuzz
