// Tests the test process's side of the result channel (src/testsupport/channel_writer.hpp):
// the records it seals open with the grader's reader, the key never lies whole in the
// process's memory, and a forked child finds zeros where the key's shares were.
#include <gtest/gtest.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../src/testsupport/channel_writer.hpp"
#include "harness/result_channel.hpp"

namespace {

namespace channel = harness::channel;

// A key as the test keeps it: masked, so that the search below does not find the test's own
// copy. (masked[i] ^ mask[i] is the key's byte i.)
struct MaskedKey {
    unsigned char mask[16];
    unsigned char masked[16];
};

// True when the whole key lies in some readable, writable mapping of this process.
bool lies_in_memory(const MaskedKey& key) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        unsigned long start = 0, end = 0;
        char perms[5] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %4s", &start, &end, perms) != 3)
            continue;
        if (perms[0] != 'r' || perms[1] != 'w' || line.find("[v") != std::string::npos)
            continue;
        const auto* bytes = reinterpret_cast<const unsigned char*>(start);
        for (unsigned long at = 0; at + 16 <= end - start; ++at) {
            int i = 0;
            while (i < 16 && (bytes[at + i] ^ key.mask[i]) == key.masked[i])
                ++i;
            if (i == 16)
                return true;
        }
    }
    return false;
}

// The tag at the end of a sealed record.
std::uint64_t tag_of_record(const std::string& record) {
    std::uint64_t tag = 0;
    for (int i = 7; i >= 0; --i)
        tag = (tag << 8) | static_cast<unsigned char>(record[record.size() - 8 + i]);
    return tag;
}

// Tests that a record the test main seals has the tag the grader's reader expects, and that
// the key it was given lies nowhere in memory afterwards (only as masked shares).
TEST(ChannelWriterTest, SealsWhatTheGraderOpensAndKeepsNoWholeKey) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer maps terabytes of shadow memory, some of it unreadable: "
                    "the search of the whole memory runs in the ordinary build";
#endif
    auto secret = channel::make_secret();
    MaskedKey kept{};
    ASSERT_EQ(::getrandom(kept.mask, sizeof kept.mask, 0), 16);
    for (int i = 0; i < 16; ++i)
        kept.masked[i] = static_cast<unsigned char>(secret.key[i] ^ kept.mask[i]);
    std::string expected = channel::seal(secret, 7, "{\"kind\":\"x\"}");
    ASSERT_TRUE(lies_in_memory(kept)) << "the search misses the key where it does lie";
    ASSERT_TRUE(channel::store_key(secret.key.data()));
    channel::wipe(secret.key.data(), secret.key.size());

    channel::append_raw("{\"kind\":\"x\"}");
    std::uint64_t tag =
        channel::tag_of(7, channel::record_buffer.bytes, channel::record_buffer.size);
    channel::wipe(channel::record_buffer.bytes, channel::record_buffer.size);
    channel::record_buffer.size = 0;
    EXPECT_EQ(tag, tag_of_record(expected));
    EXPECT_FALSE(lies_in_memory(kept)) << "the key lies whole in the test process's memory";
}

// Tests that a child the test process forks finds zeros in the vault (MADV_WIPEONFORK): a
// fork that runs on into the framework cannot read the key's shares.
TEST(ChannelWriterTest, AForkedChildFindsTheVaultWiped) {
    auto secret = channel::make_secret();
    ASSERT_TRUE(channel::store_key(secret.key.data()));
    const auto* vault = reinterpret_cast<const unsigned char*>(channel::channel_state.masked_vault ^
                                                               channel::kVaultAddressMask);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        for (std::size_t i = 0; i < channel::kVaultSize; ++i) {
            if (vault[i] != 0)
                ::_exit(1);
        }
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "the child saw the vault's bytes (status " << status << ")";
}

// Tests that the records' JSON is whole and valid whatever the text: quotes, controls,
// broken UTF-8, and text longer than a record.
TEST(ChannelWriterTest, WritesValidJsonForAnyText) {
    std::string nasty = "q\"b\\s\x01\x7f\xff\xc3(\xe2\x82\xf0\x9f\x98\x80 ok";
    channel::append_raw("{\"m\":");
    channel::append_string(nasty + std::string(200000, '"'), 1 << 20);
    channel::append_raw("}");
    std::string text(reinterpret_cast<const char*>(channel::record_buffer.bytes),
                     channel::record_buffer.size);
    channel::record_buffer.size = 0;
    auto json = nlohmann::json::parse(text, nullptr, false);
    ASSERT_TRUE(json.is_object()) << text.substr(0, 200);
    std::string m = json["m"];
    EXPECT_EQ(m.substr(0, 8), "q\"b\\s\x01\x7f\xef");
    EXPECT_LE(text.size(), channel::kMaxPayload);
}

}  // namespace
