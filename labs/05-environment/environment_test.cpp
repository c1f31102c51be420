// Tests for Lab 05: the environment as a value, read from environ and /proc/PID/environ,
// edited, and handed to execve.
#include "environment.hpp"

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"

using proc::Environment;

namespace {

const std::string kLesson = "05-environment.md";

std::string see(const std::string& anchor) {
    return harness::see_lesson(kLesson, anchor);
}

// The block /proc/PID/environ would hold for these entries: each followed by a NUL.
std::string block_of(const std::vector<std::string>& entries) {
    std::string block;
    for (const auto& e : entries)
        block += e + '\0';
    return block;
}

// Reads @p fd until end of file.
std::string read_all(int fd) {
    std::string out;
    char buffer[4096];
    for (;;) {
        ssize_t n =
            course::retry_on_eintr("read", [&] { return ::read(fd, buffer, sizeof buffer); });
        if (n == 0)
            return out;
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

// A child running `/bin/cat` with exactly @p entries as its environment (built here by
// hand, so these tests do not need Envp). Returned once cat runs: its environment is then
// in /proc/PID/environ (harness::RunningCat says why earlier is too early).
harness::RunningCat start_cat(const std::vector<std::string>& entries) {
    return harness::RunningCat::start({"/bin/cat"}, entries);
}

// Lets the cat child finish (end of file on its stdin) and checks it exited with 0.
void finish(harness::RunningCat& cat) {
    EXPECT_EXITED_WITH(cat.finish(), 0);
}

}  // namespace

// --- Task 1: parse ---

// Tests that an entry is split at its first '=': the value may contain '='.
TEST(EnvironmentParseTest, SplitsAtFirstEqualSign) {
    auto env = Environment::from_entries({"OPTS=a=1,b=2", "PATH=/usr/bin:/bin"});
    EXPECT_EQ(env.get("OPTS"), std::optional<std::string>("a=1,b=2"))
        << "A name ends at the first '=', the value is the rest. "
        << see("the-environment-is-data");
    EXPECT_EQ(env.get("PATH"), std::optional<std::string>("/usr/bin:/bin"));
    EXPECT_EQ(env.size(), 2u);
}

// Tests that `NAME=` is a variable whose value is empty, not a missing one.
TEST(EnvironmentParseTest, KeepsEmptyValues) {
    auto env = Environment::parse_block(block_of({"EMPTY=", "X=1"}));
    EXPECT_TRUE(env.contains("EMPTY"))
        << "EMPTY= sets EMPTY to \"\". " << see("the-environment-is-data");
    EXPECT_EQ(env.get("EMPTY"), std::optional<std::string>(""));
    EXPECT_FALSE(env.contains("MISSING"));
    EXPECT_EQ(env.get("MISSING"), std::nullopt) << "An unset name gives no value at all.";
}

// Tests psutil's rule: entries without '=' or with '=' first (no name) are skipped.
TEST(EnvironmentParseTest, SkipsEntriesWithoutName) {
    auto env = Environment::parse_block(block_of({"A=1", "garbage", "=nameless", "B=2"}));
    EXPECT_EQ(env.entries(), (std::vector<std::string>{"A=1", "B=2"}))
        << "'garbage' has no '=' and '=nameless' has no name: both are skipped, as psutil does. "
        << see("the-environment-is-data");
    auto listed = Environment::from_entries({"", "=", "NOEQUALS", "C=3"});
    EXPECT_EQ(listed.entries(), (std::vector<std::string>{"C=3"}));
}

// Tests that the first of two entries with the same name wins, as for getenv().
TEST(EnvironmentParseTest, FirstDuplicateWins) {
    auto env = Environment::parse_block(block_of({"LANG=C", "HOME=/root", "LANG=fr_FR.UTF-8"}));
    EXPECT_EQ(env.get("LANG"), std::optional<std::string>("C"))
        << "getenv() scans environ from the start, so a program sees the first LANG. "
        << see("the-environment-is-data");
    EXPECT_EQ(env.size(), 2u);
    auto listed = Environment::from_entries({"X=first", "X=second"});
    EXPECT_EQ(listed.get("X"), std::optional<std::string>("first"));
}

// Tests that a block ends at an empty entry and drops a last entry with no NUL after it.
TEST(EnvironmentParseTest, BlockStopsAtEmptyEntryOrTruncation) {
    std::string block = block_of({"A=1", "B=2"}) + '\0' + block_of({"AFTER=end"});
    EXPECT_EQ(Environment::parse_block(block).entries(), (std::vector<std::string>{"A=1", "B=2"}))
        << "Two NULs in a row end the block (psutil's rule). " << see("the-environment-is-data");
    EXPECT_EQ(Environment::parse_block(std::string_view("A=1\0TRUNC=x", 11)).entries(),
              (std::vector<std::string>{"A=1"}))
        << "A last entry with no NUL after it was cut short: psutil drops it, so do we.";
    EXPECT_TRUE(Environment::parse_block(std::string_view("\0A=1\0", 5)).empty())
        << "A block starting with NUL is empty.";
    EXPECT_TRUE(Environment::parse_block("").empty());
}

// Tests that iteration and entries() are sorted by name and survive a round trip.
TEST(EnvironmentParseTest, EntriesAreSortedAndRoundTrip) {
    auto env = Environment::from_entries({"ZED=last", "A=first", "MIDDLE=m=1", "EMPTY="});
    std::vector<std::string> expected{"A=first", "EMPTY=", "MIDDLE=m=1", "ZED=last"};
    EXPECT_EQ(env.entries(), expected)
        << "entries() lists NAME=value in name order. " << see("the-environment-is-data");
    std::vector<std::string> names;
    for (const auto& [name, value] : env)
        names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{"A", "EMPTY", "MIDDLE", "ZED"}));
    EXPECT_EQ(Environment::from_entries(env.entries()), env);
    EXPECT_EQ(Environment::parse_block(block_of(env.entries())), env);
}

// --- Task 2: edit ---

// Tests that set() adds or replaces and unset() removes, saying whether it did.
TEST(EnvironmentEditTest, SetReplacesAndUnsetRemoves) {
    auto env = Environment::from_entries({"HOME=/root"});
    env.set("HOME", "/home/ada");
    env.set("LANG", "C.UTF-8");
    EXPECT_EQ(env.entries(), (std::vector<std::string>{"HOME=/home/ada", "LANG=C.UTF-8"}))
        << "set() replaces a value or adds the name. " << see("editing-a-copy");
    EXPECT_TRUE(env.unset("HOME"));
    EXPECT_FALSE(env.unset("HOME")) << "unset() of a name that is not there returns false.";
    EXPECT_EQ(env.entries(), (std::vector<std::string>{"LANG=C.UTF-8"}));
    env.set("EMPTY", "");
    EXPECT_EQ(env.get("EMPTY"), std::optional<std::string>(""));
}

// Tests that set() refuses the names setenv(3) refuses: empty, or containing '='.
TEST(EnvironmentEditTest, SetRejectsBadNames) {
    Environment env;
    EXPECT_THROW(env.set("", "x"), std::invalid_argument)
        << "An empty name could never be read back. " << see("editing-a-copy");
    EXPECT_THROW(env.set("A=B", "x"), std::invalid_argument)
        << "'A=B' as a name would be read back as A with value 'B=x'.";
    EXPECT_TRUE(env.empty());
}

// Tests that merge() copies the other environment over this one, the other winning.
TEST(EnvironmentEditTest, MergeLetsOtherWin) {
    auto base = Environment::from_entries({"HOME=/root", "PATH=/bin", "TERM=xterm"});
    auto extra = Environment::from_entries({"PATH=/opt/bin:/bin", "DEBUG=1"});
    Environment& result = base.merge(extra);
    EXPECT_EQ(&result, &base) << "merge() returns *this, so calls can be chained.";
    EXPECT_EQ(base.entries(), (std::vector<std::string>{"DEBUG=1", "HOME=/root",
                                                        "PATH=/opt/bin:/bin", "TERM=xterm"}))
        << "Where both have a name, the merged-in value wins. " << see("editing-a-copy");
    EXPECT_EQ(extra.size(), 2u) << "merge() leaves its argument alone.";
}

// --- Task 3: read a process's environment ---

// Tests that current() holds exactly what getenv() returns for each name.
TEST(EnvironmentReadTest, CurrentMatchesGetenv) {
    auto env = Environment::current();
    ASSERT_FALSE(env.empty()) << "This test runs with a non-empty environment.";
    for (const auto& [name, value] : env) {
        const char* seen = std::getenv(name.c_str());
        ASSERT_NE(seen, nullptr) << name << " is in current() but getenv() does not know it. "
                                 << see("reading-environ-and-procpidenviron");
        EXPECT_EQ(value, seen) << "current() and getenv() disagree on " << name;
    }
}

// Tests that current() reads environ now, so it sees setenv() and unsetenv().
TEST(EnvironmentReadTest, CurrentSeesSetenv) {
    course::check(::setenv("COURSE_LAB05_PROBE", "a=b", 1), "setenv");
    auto with = Environment::current();
    course::check(::unsetenv("COURSE_LAB05_PROBE"), "unsetenv");
    auto without = Environment::current();
    EXPECT_EQ(with.get("COURSE_LAB05_PROBE"), std::optional<std::string>("a=b"))
        << "setenv() changes environ; current() must read environ each time. "
        << see("reading-environ-and-procpidenviron");
    EXPECT_FALSE(without.contains("COURSE_LAB05_PROBE"));
}

// Tests that of_process() reads the environment a child was exec'ed with.
TEST(EnvironmentReadTest, OfProcessShowsExecEnvironment) {
    std::vector<std::string> given{"GREETING=hello world", "EMPTY=", "EQ=a=b", "NONAME", "=x"};
    auto cat = start_cat(given);
    auto env = Environment::of_process(cat.pid());
    finish(cat);
    EXPECT_EQ(env.entries(), (std::vector<std::string>{"EMPTY=", "EQ=a=b", "GREETING=hello world"}))
        << "/proc/PID/environ holds what execve was given (malformed entries included; the "
           "parser skips them). "
        << see("reading-environ-and-procpidenviron");
}

// Tests that a duplicate name given to execve reads back as its first value.
TEST(EnvironmentReadTest, OfProcessKeepsFirstDuplicate) {
    auto cat = start_cat({"DUP=first", "DUP=second"});
    auto env = Environment::of_process(cat.pid());
    finish(cat);
    EXPECT_EQ(env.get("DUP"), std::optional<std::string>("first"))
        << "The kernel keeps both; getenv() in the child would find the first. "
        << see("the-environment-is-data");
}

// Tests that a PID no process can have gives ESRCH and a message naming it.
TEST(EnvironmentReadTest, OfProcessUnknownPidNamesIt) {
    // PIDs are always below pid_max, so pid_max itself names no process.
    pid_t missing = std::stoi(course::read_file("/proc/sys/kernel/pid_max"));
    try {
        Environment::of_process(missing);
        ADD_FAILURE() << "of_process(" << missing << ") returned, but there is no such process.";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_process)
            << "Expected ESRCH, got " << e.what() << ". "
            << see("reading-environ-and-procpidenviron");
        EXPECT_NE(std::string(e.what()).find("no process with PID " + std::to_string(missing)),
                  std::string::npos)
            << "The message should say 'no process with PID N', got: " << e.what();
    }
}

// A process whose real user differs from ours (from the "Uid:" line of
// /proc/PID/status), or 0 when every visible process is ours.
pid_t process_of_another_user() {
    std::string mine = std::to_string(::getuid());
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream status(entry.path() / "status");
        std::string line;
        while (std::getline(status, line)) {
            if (line.rfind("Uid:", 0) != 0)
                continue;
            std::istringstream fields(line.substr(4));
            std::string real_uid;
            fields >> real_uid;
            if (real_uid != mine)
                return static_cast<pid_t>(std::stoi(name));
            break;
        }
    }
    return 0;
}

// Tests that reading another user's environment gives EACCES with a clear message.
TEST(EnvironmentReadTest, OfProcessRefusedIsAccessError) {
    if (::geteuid() != 0) {
        // Not root (as in the grader's sandbox): any process of another user will do.
        pid_t other = process_of_another_user();
        if (other == 0)
            GTEST_SKIP() << "no process of another user is visible here, and not root";
        try {
            Environment::of_process(other);
            ADD_FAILURE() << "Reading the environment of PID " << other
                          << " (another user's) should be refused. "
                          << see("reading-environ-and-procpidenviron");
        } catch (const std::system_error& e) {
            if (e.code() == std::errc::no_such_process)
                GTEST_SKIP() << "PID " << other << " ended while the test ran";
            EXPECT_EQ(e.code(), std::errc::permission_denied) << e.what();
            EXPECT_NE(std::string(e.what()).find("not allowed"), std::string::npos)
                << "The message should say the read is not allowed; it was: " << e.what();
        }
        return;
    }
    pid_t parent = ::getpid();
    auto child = harness::TestChild::fork([parent] {
        // Become "nobody": it may not read root's /proc/PID/environ (mode 0400).
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(4);
        try {
            Environment::of_process(parent);
            ::_exit(1);
        } catch (const std::system_error& e) {
            bool clear = std::string(e.what()).find("not allowed") != std::string::npos;
            ::_exit(e.code() == std::errc::permission_denied ? (clear ? 0 : 3) : 2);
        } catch (...) {
            ::_exit(5);
        }
    });
    int status = child.wait();
    EXPECT_EXITED_WITH(status, 0)
        << "Codes: 1 = read succeeded, 2 = not EACCES, 3 = message lacks 'not allowed', "
           "4 = could not become nobody, 5 = another exception. "
        << see("reading-environ-and-procpidenviron");
}

// --- Task 4: hand it to execve ---

// Tests that an Envp is a NULL-terminated array of the NAME=value strings, in order.
TEST(EnvpTest, IsNullTerminatedArrayOfEntries) {
    auto env = Environment::from_entries({"B=2", "A=1"});
    proc::Envp envp = env.envp();
    ASSERT_EQ(envp.size(), 2u);
    char* const* p = envp.data();
    EXPECT_STREQ(p[0], "A=1") << "envp() lists entries in name order. "
                              << see("passing-an-environment-to-a-child");
    EXPECT_STREQ(p[1], "B=2");
    EXPECT_EQ(p[2], nullptr) << "execve finds the end of envp by its null pointer.";
    proc::Envp empty = Environment().envp();
    EXPECT_EQ(empty.size(), 0u);
    EXPECT_EQ(empty.data()[0], nullptr) << "An empty environment is an array holding only nullptr.";
}

// Tests that moving an Envp keeps its pointers valid (short strings included).
TEST(EnvpTest, SurvivesMove) {
    proc::Envp first(std::vector<std::string>{"A=1", "LONG=" + std::string(100, 'x')});
    proc::Envp moved(std::move(first));
    EXPECT_STREQ(moved.data()[0], "A=1")
        << "After a move the pointers must still point at the strings it owns. "
        << see("passing-an-environment-to-a-child");
    EXPECT_EQ(std::string(moved.data()[1]), "LONG=" + std::string(100, 'x'));
    EXPECT_EQ(moved.data()[2], nullptr);
}

// Tests that execve with envp() gives the child exactly that environment (`env` prints it).
TEST(EnvpTest, ExecveGivesChildExactlyThis) {
    auto env = Environment::from_entries({"ZZ=last", "GREETING=hi there", "EMPTY=", "EQ=x=y"});
    proc::Envp envp = env.envp();
    char* argv[] = {const_cast<char*>("env"), nullptr};
    course::Pipe output = course::make_pipe();
    auto child = harness::TestChild::fork([&] {
        ::dup2(output.write.get(), STDOUT_FILENO);
        ::execve("/usr/bin/env", argv, envp.data());
        ::_exit(127);
    });
    output.write.reset();
    std::string printed = read_all(output.read.get());
    EXPECT_EXITED_WITH(child.wait(), 0);
    EXPECT_EQ(printed, "EMPTY=\nEQ=x=y\nGREETING=hi there\nZZ=last\n")
        << "`env` prints its environment in order: it should be exactly envp(). "
        << see("passing-an-environment-to-a-child");
}
