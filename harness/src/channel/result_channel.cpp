#include "harness/result_channel.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "course/sys.hpp"
#include "harness/siphash.hpp"

namespace harness::channel {
namespace {

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

// The tag of record @p seq: SipHash over the sequence number and the payload.
std::uint64_t tag_of(const Secret& secret, std::uint64_t seq, std::string_view payload) {
    SipHasher hasher(load_le64(secret.key.data()), load_le64(secret.key.data() + 8));
    unsigned char number[8];
    for (int i = 0; i < 8; ++i)
        number[i] = static_cast<unsigned char>(seq >> (8 * i));
    hasher.update(number, sizeof number);
    hasher.update(payload.data(), payload.size());
    return hasher.finish();
}

constexpr std::size_t kHeader = 4;
constexpr std::size_t kTag = 8;

}  // namespace

std::uint64_t siphash24(const std::array<std::uint8_t, 16>& key, const void* data,
                        std::size_t size) noexcept {
    SipHasher hasher(load_le64(key.data()), load_le64(key.data() + 8));
    hasher.update(data, size);
    return hasher.finish();
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
    for (auto& byte : bytes)  // no copy of the key left behind on this frame
        *static_cast<volatile std::uint8_t*>(&byte) = 0;
    return secret;
}

std::string serialize(const Secret& secret) {
    return std::string(reinterpret_cast<const char*>(secret.key.data()), secret.key.size());
}

bool deserialize(std::string_view bytes, Secret& secret) noexcept {
    if (bytes.size() != kSecretSize)
        return false;
    std::memcpy(secret.key.data(), bytes.data(), secret.key.size());
    return true;
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
