#include "harness/result_channel.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "course/sys.hpp"

namespace harness::channel {
namespace {

std::uint64_t rotate(std::uint64_t x, int bits) noexcept {
    return (x << bits) | (x >> (64 - bits));
}

std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

void store_le(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t load_le(std::string_view in, std::size_t at, int bytes) noexcept {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | static_cast<std::uint8_t>(in[at + i]);
    return v;
}

struct SipState {
    std::uint64_t v0, v1, v2, v3;
    void round() noexcept {
        v0 += v1, v1 = rotate(v1, 13), v1 ^= v0, v0 = rotate(v0, 32);
        v2 += v3, v3 = rotate(v3, 16), v3 ^= v2;
        v0 += v3, v3 = rotate(v3, 21), v3 ^= v0;
        v2 += v1, v1 = rotate(v1, 17), v1 ^= v2, v2 = rotate(v2, 32);
    }
    void absorb(std::uint64_t m) noexcept {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

// The tag of record @p seq: SipHash over the sequence number and the payload.
std::uint64_t tag_of(const Secret& secret, std::uint64_t seq, std::string_view payload) {
    std::string message;
    store_le(message, seq, 8);
    message.append(payload);
    return siphash24(secret.key, message.data(), message.size());
}

constexpr std::size_t kHeader = 4;
constexpr std::size_t kTag = 8;

}  // namespace

std::uint64_t siphash24(const std::array<std::uint8_t, 16>& key, const void* data,
                        std::size_t size) noexcept {
    const auto* in = static_cast<const std::uint8_t*>(data);
    std::uint64_t k0 = load_le64(key.data()), k1 = load_le64(key.data() + 8);
    SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
               k1 ^ 0x7465646279746573ULL};
    std::size_t whole = size - size % 8;
    for (std::size_t i = 0; i < whole; i += 8)
        s.absorb(load_le64(in + i));
    std::uint64_t last = static_cast<std::uint64_t>(size & 0xff) << 56;
    for (std::size_t i = 0; i < size % 8; ++i)
        last |= static_cast<std::uint64_t>(in[whole + i]) << (8 * i);
    s.absorb(last);
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; ++i)
        s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

Secret make_secret() {
    Secret secret;
    std::uint8_t bytes[kSecretSize];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            course::throw_errno("getrandom");
        got += static_cast<std::size_t>(n);
    }
    std::memcpy(secret.key.data(), bytes, secret.key.size());
    std::memcpy(secret.nonce.data(), bytes + secret.key.size(), secret.nonce.size());
    return secret;
}

std::string serialize(const Secret& secret) {
    std::string bytes(reinterpret_cast<const char*>(secret.key.data()), secret.key.size());
    bytes.append(reinterpret_cast<const char*>(secret.nonce.data()), secret.nonce.size());
    return bytes;
}

bool deserialize(std::string_view bytes, Secret& secret) noexcept {
    if (bytes.size() != kSecretSize)
        return false;
    std::memcpy(secret.key.data(), bytes.data(), secret.key.size());
    std::memcpy(secret.nonce.data(), bytes.data() + secret.key.size(), secret.nonce.size());
    return true;
}

std::string canary_suite() {
    return "CourseCanary";
}

std::string canary_name(const Secret& secret) {
    static const char hex[] = "0123456789abcdef";
    std::string name = "MustFail_";
    for (auto byte : secret.nonce) {
        name.push_back(hex[byte >> 4]);
        name.push_back(hex[byte & 15]);
    }
    return name;
}

std::string seal(const Secret& secret, std::uint64_t seq, std::string_view payload) {
    if (payload.size() > kMaxPayload)
        payload = payload.substr(0, kMaxPayload);
    std::string record;
    store_le(record, payload.size(), kHeader);
    record.append(payload);
    store_le(record, tag_of(secret, seq, payload), kTag);
    return record;
}

namespace {

// open() without the guard against running out of memory.
Opened open_records(const Secret& secret, std::string_view stream) {
    Opened opened;
    std::size_t at = 0;
    for (std::uint64_t seq = 0; at < stream.size(); ++seq) {
        if (stream.size() - at < kHeader) {
            opened.cut_short = true;
            break;
        }
        std::size_t length = load_le(stream, at, kHeader);
        if (length > kMaxPayload) {
            opened.problem = "record " + std::to_string(seq) + " claims an impossible length";
            break;
        }
        if (stream.size() - at < kHeader + length + kTag) {
            opened.cut_short = true;
            break;
        }
        std::string_view payload = stream.substr(at + kHeader, length);
        std::uint64_t tag = load_le(stream, at + kHeader + length, kTag);
        if (tag != tag_of(secret, seq, payload)) {
            opened.problem = "record " + std::to_string(seq) +
                             " is not sealed with this run's secret (forged, altered, "
                             "replayed or out of order)";
            break;
        }
        opened.payloads.emplace_back(payload);
        at += kHeader + length + kTag;
    }
    return opened;
}

}  // namespace

Opened open(const Secret& secret, std::string_view stream) noexcept {
    try {
        return open_records(secret, stream);
    } catch (const std::exception&) {  // out of memory: nothing is trusted, and it says why
        Opened failed;
        try {
            failed.problem = "the records could not be read (out of memory)";
        } catch (const std::exception&) {
            failed.cut_short = true;  // no words left: the run looks cut short, never sound
        }
        return failed;
    }
}

}  // namespace harness::channel
