/// @file
/// @brief SipHash-2-4 (Aumasson and Bernstein, 2012), fed in pieces, with internal linkage.
///
/// The one implementation of the MAC that seals the result channel's records: the grader
/// checks tags with it (result_channel.cpp) and the test main makes them (channel_writer.hpp).
/// Everything here has internal linkage on purpose: in a test program, lab code must find no
/// symbol of the sealing code to call or to replace, and the hasher calls no function (not
/// even memcpy) that lab code could define, so the key it holds never reaches lab code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace harness::channel {
namespace {  // NOLINT: internal linkage in every includer, on purpose (see above)

/// A SipHash-2-4 computation: construct with the key's two halves, update() with the message
/// in pieces, finish() for the tag. wipe() clears its state (the key can be computed from it).
class SipHasher {
  public:
    SipHasher(std::uint64_t k0, std::uint64_t k1) noexcept
        : v0_(k0 ^ 0x736f6d6570736575ULL),
          v1_(k1 ^ 0x646f72616e646f6dULL),
          v2_(k0 ^ 0x6c7967656e657261ULL),
          v3_(k1 ^ 0x7465646279746573ULL) {}
    SipHasher(const SipHasher&) = delete;
    SipHasher& operator=(const SipHasher&) = delete;
    ~SipHasher() { wipe(); }

    /// Absorbs @p size bytes at @p data.
    void update(const void* data, std::size_t size) noexcept {
        const auto* in = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            pending_ |= static_cast<std::uint64_t>(in[i]) << (8 * (length_ % 8));
            if (++length_ % 8 == 0) {
                absorb(pending_);
                pending_ = 0;
            }
        }
    }

    /// The tag of everything absorbed. Call once.
    std::uint64_t finish() noexcept {
        absorb(pending_ | (static_cast<std::uint64_t>(length_ & 0xff) << 56));
        v2_ ^= 0xff;
        for (int i = 0; i < 4; ++i)
            round();
        return v0_ ^ v1_ ^ v2_ ^ v3_;
    }

    /// Clears the state through volatile stores the compiler cannot drop.
    void wipe() noexcept {
        for (std::uint64_t* word : {&v0_, &v1_, &v2_, &v3_, &pending_})
            *static_cast<volatile std::uint64_t*>(word) = 0;
    }

  private:
    static std::uint64_t rotate(std::uint64_t x, int bits) noexcept {
        return (x << bits) | (x >> (64 - bits));
    }
    void round() noexcept {
        v0_ += v1_, v1_ = rotate(v1_, 13), v1_ ^= v0_, v0_ = rotate(v0_, 32);
        v2_ += v3_, v3_ = rotate(v3_, 16), v3_ ^= v2_;
        v0_ += v3_, v3_ = rotate(v3_, 21), v3_ ^= v0_;
        v2_ += v1_, v1_ = rotate(v1_, 17), v1_ ^= v2_, v2_ = rotate(v2_, 32);
    }
    void absorb(std::uint64_t m) noexcept {
        v3_ ^= m;
        round();
        round();
        v0_ ^= m;
    }

    std::uint64_t v0_, v1_, v2_, v3_;
    std::uint64_t pending_ = 0;  // the bytes of an unfinished 8-byte word
    std::uint64_t length_ = 0;
};

/// The 64-bit little-endian number in the 8 bytes at @p p.
[[maybe_unused]] std::uint64_t load_le64(const unsigned char* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

}  // namespace
}  // namespace harness::channel
