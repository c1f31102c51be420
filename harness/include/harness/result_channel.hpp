/// @file
/// @brief The authenticated channel that carries a test's result to the grader.
///
/// Lab code runs inside the test's process, so a result written by that process can be
/// forged by it. The grader therefore hands each test process a fresh secret through a
/// pipe that the test-support library reads (and closes) before any lab code runs, and
/// accepts only records sealed with that secret: each record is framed as
///
///     u32 length (little-endian) | payload (JSON text) | u64 SipHash-2-4 tag
///
/// where the tag covers the record's sequence number (0, 1, 2, ...) and its payload, so a
/// record cannot be forged, altered, replayed from another run, reordered or dropped from
/// the middle without the grader noticing. The test main also runs a canary, a test that must
/// fail, in the same process after the graded one; its name is the test main's own random
/// choice, given to no one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harness::channel {

/// The descriptor the grader puts the secret's pipe on, in the test's process.
inline constexpr int kSecretFd = 3;
/// The descriptor the grader reads results from, in the test's process.
inline constexpr int kResultFd = 4;
/// Set by the grader ("3,4") when the two descriptors above are there.
inline constexpr const char* kEnvironmentVariable = "COURSE_RESULT_CHANNEL";
/// The largest payload a record may carry (a longer message is cut by the writer).
inline constexpr std::size_t kMaxPayload = 60 * 1024;

/// One run's secret: the MAC key, nothing else (nothing that names or reveals it is given to
/// the test in its arguments, environment or descriptors).
struct Secret {
    std::array<std::uint8_t, 16> key{};  ///< The SipHash key that seals every record.
};
/// The bytes of a Secret on the pipe: the key.
inline constexpr std::size_t kSecretSize = 16;

/// SipHash-2-4 of @p size bytes at @p data under @p key (harness/siphash.hpp).
std::uint64_t siphash24(const std::array<std::uint8_t, 16>& key, const void* data,
                        std::size_t size) noexcept;

/// A fresh secret from the kernel's random source (getrandom).
/// @throws std::system_error naming `getrandom`.
Secret make_secret();

/// The secret as the bytes the grader writes to the pipe (kSecretSize of them).
std::string serialize(const Secret& secret);
/// Reads a secret back from @p bytes into @p secret.
/// @returns false when @p bytes is not exactly kSecretSize long.
bool deserialize(std::string_view bytes, Secret& secret) noexcept;

/// The canary's GoogleTest suite: "CourseCanary" (its test name is random, per run).
inline std::string canary_suite() {
    return "CourseCanary";
}

/// The bytes of record number @p seq carrying @p payload (at most kMaxPayload bytes).
std::string seal(const Secret& secret, std::uint64_t seq, std::string_view payload);

/// What a stream of records turned out to hold.
struct Opened {
    std::vector<std::string> payloads;  ///< In order, each authenticated.
    std::string problem;                ///< Why the stream is not trustworthy ("" if it is).
    bool cut_short = false;             ///< It ends inside a record (the writer died mid-write).
};

/// Checks and unpacks every record of @p stream; stops at the first one that does not
/// authenticate (a wrong tag, a wrong sequence number, an impossible length). Reads only
/// within @p stream whatever its bytes claim; never throws (out of memory: `problem`).
Opened open(const Secret& secret, std::string_view stream) noexcept;

}  // namespace harness::channel
