/// @file
/// @brief The test process's side of the result channel (harness/result_channel.hpp), with
/// internal linkage: include it in the one source file of a test main, nowhere else.
///
/// Lab code runs in the same process, so this code is written for a neighbour that reads
/// the course's sources (harness/README.md, "Trust"):
///
/// - Nothing here is a symbol a lab could declare and call or define in its place: every
///   function and variable has internal linkage, and the secret is handled with raw system
///   calls (raw_syscall.hpp) and code that calls no library function at all.
/// - The secret is taken from descriptor kSecretFd by the program's first `.preinit_array`
///   entry, before any constructor of lab code, and the descriptor closed.
/// - The key never lies whole in memory. It is split into two 16-byte shares at random
///   offsets of a region of random bytes (mapped wipe-on-fork: a child the test forks gets
///   zeros there), one share also masked with this build's own constants
///   (`sealer_layout.hpp`, written once per build folder from /dev/urandom); the region's
///   address and the offsets are kept masked too. So neither a scan of the process's memory
///   nor what was learnt from another build (a student's own) finds it; the key exists
///   only in registers and the hasher's state while a record is sealed, and is wiped then.
/// - The records' JSON is written here, by this code, into a buffer of its own that is wiped
///   after each record, with the tag.
/// - Only the process that took the secret writes: a forked child that runs on into the
///   framework (a fork whose child forgot to exit) sends nothing.
///
/// What remains (said in harness/README.md): code in the same process can, in the end,
/// reverse-engineer the running program to rebuild the key. object_inspection.hpp looks
/// for the tools that takes.
#pragma once

#include <sys/mman.h>
#include <sys/uio.h>

#include <fcntl.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "harness/result_channel.hpp"
#include "harness/siphash.hpp"
#include "raw_syscall.hpp"
#include "sealer_layout.hpp"  // this build's constants, generated (harness/CMakeLists.txt)

namespace harness::channel {
namespace {  // NOLINT: internal linkage, on purpose (see above)

/// The words of the canary test's failure: a canary whose failure lacks them did not fail
/// as it must (something rewrote or swallowed it).
constexpr const char* kCanaryWords = "the course's canary: this failure must be seen";

/// The most bytes of failure text a test main puts into one result record.
constexpr std::size_t kMessageCap = 16 * 1024;
/// The most bytes of a test's process timeline a test main puts into one result record.
constexpr std::size_t kTimelineCap = 8 * 1024;

/// A test's outcome, as the test main decided it.
enum class Outcome { pass, fail, skip };

// Stores a byte through a volatile pointer, so that a wipe is never optimised away.
void wipe(void* data, std::size_t size) noexcept {
    auto* bytes = static_cast<volatile unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = 0;
}

// The state of the channel in this process. Everything that leads to the key is masked.
struct ChannelState {
    bool open = false;                 // the secret was taken: results go to the grader
    long owner = 0;                    // the process that took it
    std::uint64_t next_seq = 0;        // the next record's sequence number
    std::uintptr_t masked_vault = 0;   // the vault's address ^ kVaultAddressMask
    std::uint64_t masked_offsets = 0;  // (share_a | share_b << 32) ^ kVaultOffsetsMask
};
ChannelState channel_state;

constexpr std::size_t kVaultSize = kVaultPages * 4096;

// Keeps @p key in a fresh vault (see the file's comment). @returns false when no memory
// or randomness could be had: the channel then stays closed.
bool store_key(const unsigned char* key) noexcept {
    long address =
        raw::map_anonymous(kVaultSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    if (address < 0 && address > -4096)
        return false;
    auto* vault = reinterpret_cast<unsigned char*>(address);
    raw::madvise(vault, kVaultSize, 18 /* MADV_WIPEONFORK, Linux 4.14 */);
    raw::madvise(vault, kVaultSize, MADV_DONTDUMP);
    std::uint32_t offsets[2];
    if (raw::getrandom(vault, kVaultSize) != 0 || raw::getrandom(offsets, sizeof offsets) != 0)
        return false;
    std::size_t half = kVaultSize / 2;
    std::size_t a = offsets[0] % (half - 16), b = half + offsets[1] % (half - 16);
    for (std::size_t i = 0; i < 16; ++i)
        vault[b + i] = static_cast<unsigned char>(key[i] ^ vault[a + i] ^ kKeyMask[i]);
    channel_state.masked_vault = reinterpret_cast<std::uintptr_t>(vault) ^ kVaultAddressMask;
    channel_state.masked_offsets = (a | (static_cast<std::uint64_t>(b) << 32)) ^ kVaultOffsetsMask;
    wipe(offsets, sizeof offsets);
    return true;
}

// The SipHash tag of record @p seq carrying @p payload, under the vault's key.
std::uint64_t tag_of(std::uint64_t seq, const unsigned char* payload, std::size_t size) noexcept {
    const auto* vault =
        reinterpret_cast<const unsigned char*>(channel_state.masked_vault ^ kVaultAddressMask);
    std::uint64_t offsets = channel_state.masked_offsets ^ kVaultOffsetsMask;
    std::size_t a = offsets & 0xffffffffu, b = offsets >> 32;
    std::uint64_t k0 = 0, k1 = 0;
    for (int i = 15; i >= 0; --i) {
        std::uint64_t byte = vault[a + i] ^ vault[b + i] ^ kKeyMask[i];
        (i >= 8 ? k1 : k0) = ((i >= 8 ? k1 : k0) << 8) | byte;
    }
    SipHasher hasher(k0, k1);  // its destructor wipes its state
    wipe(&k0, sizeof k0);
    wipe(&k1, sizeof k1);
    wipe(&offsets, sizeof offsets);
    unsigned char number[8];
    for (int i = 0; i < 8; ++i)
        number[i] = static_cast<unsigned char>(seq >> (8 * i));
    hasher.update(number, sizeof number);
    hasher.update(payload, size);
    return hasher.finish();
}

// Writes every byte of @p pieces (3 of them) to kResultFd. @returns false when a write fails.
bool write_pieces(struct iovec (&pieces)[3]) noexcept {
    int first = 0;
    while (first < 3) {
        long n = raw::writev(kResultFd, pieces + first, 3 - first);
        if (n <= 0)
            return false;
        auto done = static_cast<std::size_t>(n);
        while (first < 3 && done >= pieces[first].iov_len)
            done -= pieces[first++].iov_len;
        if (first < 3) {
            pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + done;
            pieces[first].iov_len -= done;
        }
    }
    return true;
}

// The record being written: its JSON text, built here (Record below), sealed, then wiped.
struct RecordBuffer {
    unsigned char bytes[kMaxPayload];
    std::size_t size = 0;
};
RecordBuffer record_buffer;

// Seals record_buffer as the next record, writes it, and wipes it and its tag.
bool send_record() noexcept {
    bool sent = false;
    if (channel_state.open && raw::getpid() == channel_state.owner) {
        std::uint64_t seq = channel_state.next_seq++;
        std::uint64_t tag = tag_of(seq, record_buffer.bytes, record_buffer.size);
        unsigned char header[4], sealed[8];
        for (int i = 0; i < 4; ++i)
            header[i] = static_cast<unsigned char>(record_buffer.size >> (8 * i));
        for (int i = 0; i < 8; ++i)
            sealed[i] = static_cast<unsigned char>(tag >> (8 * i));
        struct iovec pieces[3] = {{header, sizeof header},
                                  {record_buffer.bytes, record_buffer.size},
                                  {sealed, sizeof sealed}};
        sent = write_pieces(pieces);
        wipe(&tag, sizeof tag);
        wipe(sealed, sizeof sealed);
    }
    wipe(record_buffer.bytes, record_buffer.size);
    record_buffer.size = 0;
    return sent;
}

// Appends @p text to the record as it is (the JSON's own punctuation and names); drops it
// when it does not fit (append_string() leaves room for every record's end).
void append_raw(std::string_view text) noexcept {
    if (record_buffer.size + text.size() > sizeof record_buffer.bytes)
        return;
    for (char c : text)
        record_buffer.bytes[record_buffer.size++] = static_cast<unsigned char>(c);
}

// The length of the well-formed UTF-8 sequence at @p text[at], or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t at) noexcept {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    std::size_t length = lead < 0x80                   ? 1
                         : lead >= 0xc2 && lead < 0xe0 ? 2
                         : lead >= 0xe0 && lead < 0xf0 ? 3
                         : lead >= 0xf0 && lead < 0xf5 ? 4
                                                       : 0;
    if (length == 0 || at + length > text.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80)
            return 0;
    }
    // Overlong three- and four-byte forms, surrogates, and code points past U+10FFFF.
    if ((lead == 0xe0 && byte(at + 1) < 0xa0) || (lead == 0xed && byte(at + 1) >= 0xa0) ||
        (lead == 0xf0 && byte(at + 1) < 0x90) || (lead == 0xf4 && byte(at + 1) >= 0x90))
        return 0;
    return length;
}

// Appends @p text as a JSON string: quoted, escaped, broken UTF-8 replaced by U+FFFD, cut
// after @p cap bytes of text, or where the record would leave too little room for its end.
void append_string(std::string_view text, std::size_t cap) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    constexpr std::size_t kRoom = 72;  // the longest escape, the quote and the record's end
    append_raw("\"");
    for (std::size_t at = 0; at < text.size() && at < cap;) {
        if (record_buffer.size + kRoom > sizeof record_buffer.bytes)
            break;
        auto c = static_cast<unsigned char>(text[at]);
        std::size_t length = utf8_length(text, at);
        if (c == '"' || c == '\\') {
            const char escaped[2] = {'\\', static_cast<char>(c)};
            append_raw(std::string_view(escaped, 2));
        } else if (c < 0x20) {
            const char escaped[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            append_raw(std::string_view(escaped, 6));
        } else if (length == 0) {
            append_raw("\xef\xbf\xbd");  // U+FFFD for a byte that starts no character
        } else {
            append_raw(text.substr(at, length));
        }
        at += length == 0 ? 1 : length;
    }
    append_raw("\"");
}

// Appends the decimal @p value.
[[maybe_unused]] void append_number(int value) noexcept {
    char digits[12];
    int n = 0;
    unsigned magnitude =
        value < 0 ? 0u - static_cast<unsigned>(value) : static_cast<unsigned>(value);
    do {
        digits[n++] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        append_raw("-");
    while (n > 0)
        append_raw(std::string_view(&digits[--n], 1));
}

// This build's padding (sealer_layout.hpp), placed in the test main's object: everything
// linked after it (GoogleTest, Catch2, the test support) lies at offsets of this build's
// own, so that addresses learnt from another build (a student's) find nothing here.
#define COURSE_STRINGIFY_(x) #x
#define COURSE_STRINGIFY(x) COURSE_STRINGIFY_(x)
__asm__(
    ".pushsection .text\n.balign 16\n.skip " COURSE_STRINGIFY(COURSE_TEXT_PADDING) "\n.popsection");
[[gnu::used]] char data_padding[kDataPadding] = {1};
[[gnu::used]] const char rodata_padding[kRodataPadding] = {1};
[[gnu::used]] char bss_padding[kBssPadding];

// ---- What the test mains call (each may go unused in an includer: [[maybe_unused]]) -----

// Takes the secret when the grader set kEnvironmentVariable ("3,4") in @p envp (the
// environment the program started with), removes the variable from @p envp, closes
// kSecretFd and marks kResultFd close-on-exec. Does nothing in a run without the grader.
void take_secret(char** envp) noexcept {
    static constexpr std::string_view name = kEnvironmentVariable;
    bool marked = false;
    for (char** var = envp; var != nullptr && *var != nullptr; ++var) {
        std::string_view entry = *var;
        if (entry.substr(0, name.size()) != name || entry.substr(name.size(), 1) != "=")
            continue;
        marked = entry.substr(name.size() + 1) == "3,4";
        for (char** rest = var; *rest != nullptr; ++rest)  // libc's unsetenv may not be ready
            rest[0] = rest[1];
        break;
    }
    if (!marked || raw::lseek(kSecretFd, 0, SEEK_CUR) != -ESPIPE ||
        raw::lseek(kResultFd, 0, SEEK_CUR) != -ESPIPE)
        return;
    unsigned char key[kSecretSize + 1];
    std::size_t got = 0;
    for (long n = 1; n > 0 && got<sizeof key; got += n> 0 ? static_cast<std::size_t>(n) : 0)
        n = raw::read(kSecretFd, key + got, sizeof key - got);  // written whole, then closed
    raw::close(kSecretFd);
    bool stored = got == kSecretSize && store_key(key);
    wipe(key, sizeof key);
    if (!stored)
        return;
    raw::fcntl(kResultFd, F_SETFD, FD_CLOEXEC);  // programs the tests start never get it
    channel_state.owner = raw::getpid();
    channel_state.open = true;
}

// Runs before every constructor of the program, lab code's included (.preinit_array),
// so that no lab code ever sees the secret's descriptor.
void take_the_grader_secret(int, char**, char** envp) {
    take_secret(envp);
}
[[gnu::section(".preinit_array"),
  gnu::used]] void (*const preinit_entry)(int, char**, char**) = &take_the_grader_secret;

// True when the secret was taken: results go to the grader.
[[maybe_unused]] bool active() noexcept {
    return channel_state.open;
}

// This run's canary test name (random, never given to anyone): "MustFail_<16 hex digits>".
[[maybe_unused]] const std::string& canary_test() {
    static const std::string name = [] {
        static constexpr char hex[] = "0123456789abcdef";
        unsigned char bytes[8] = {};
        raw::getrandom(bytes, sizeof bytes);
        std::string made = "MustFail_";
        for (unsigned char byte : bytes)
            made += {hex[byte >> 4], hex[byte & 15]};
        return made;
    }();
    return name;
}

// The begin record of @p test.
[[maybe_unused]] bool send_begin(std::string_view test) noexcept {
    append_raw("{\"kind\":\"begin\",\"test\":");
    append_string(test, 4096);
    append_raw("}");
    return send_record();
}

// The result record of @p test: its outcome and, cut to kMessageCap, its message; and, when
// not empty, cut to kTimelineCap, the timeline of its processes (process_timeline.hpp).
[[maybe_unused]] bool send_result(std::string_view test, Outcome outcome, std::string_view message,
                                  std::string_view timeline = {}) noexcept {
    append_raw("{\"kind\":\"result\",\"test\":");
    append_string(test, 4096);
    append_raw(",\"message\":");
    append_string(message, kMessageCap);
    if (!timeline.empty()) {
        append_raw(",\"timeline\":");
        append_string(timeline, kTimelineCap);
    }
    append_raw(outcome == Outcome::pass   ? ",\"outcome\":\"pass\"}"
               : outcome == Outcome::skip ? ",\"outcome\":\"skip\"}"
                                          : ",\"outcome\":\"fail\"}");
    return send_record();
}

// A record saying what the test main saw lab code do to the framework (catch_guard.hpp):
// the grader's verdict is integrity, with @p why.
[[maybe_unused]] bool send_tampered(std::string_view why) noexcept {
    append_raw("{\"kind\":\"tampered\",\"reason\":");
    append_string(why, 512);
    append_raw("}");
    return send_record();
}

// The canary's record: whether it failed as it must.
[[maybe_unused]] bool send_canary(bool failed) noexcept {
    append_raw(failed ? "{\"kind\":\"canary\",\"failed\":true}"
                      : "{\"kind\":\"canary\",\"failed\":false}");
    return send_record();
}

// Ends the run under the grader: sends the end record with exit code 0 when @p all_good
// (every graded test passed or skipped, the canary failed) and 1 otherwise, flushes the
// standard streams and ends the process at once, so that no `atexit` handler or static
// destructor of lab code runs after the results are sealed.
[[noreturn, maybe_unused]] void end_run(bool all_good) noexcept {
    int code = all_good ? 0 : 1;
    append_raw("{\"kind\":\"end\",\"exit_code\":");
    append_number(code);
    append_raw("}");
    send_record();
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    raw::exit_group(code);
}

}  // namespace
}  // namespace harness::channel
