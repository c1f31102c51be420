// Tests of harness_sys, the harness's own systems layer: each primitive on the hostile
// cases it exists for (names with ") (", folders made unsearchable, FIFOs, /dev/zero,
// processes that never end, grandchildren holding the pipe).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"
#include "hsys/io.hpp"
#include "hsys/parallel.hpp"
#include "hsys/pidfd.hpp"
#include "hsys/proc.hpp"
#include "hsys/run.hpp"
#include "hsys/signals.hpp"
#include "hsys/spawn.hpp"
#include "hsys/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

// A /proc/PID/stat line for process 42 named @p name, started at tick 777.
std::string stat_line(const std::string& name) {
    return "42 (" + name + ") S 7 40 41 34816 40 4194304 1 2 3 4 5 6 7 8 20 0 1 0 777 100 200\n";
}

// Runs @p body and returns the std::system_error it throws (fails if it throws none).
template <class Body>
std::system_error thrown_by(Body body) {
    try {
        body();
    } catch (const std::system_error& error) {
        return error;
    }
    ADD_FAILURE() << "no std::system_error was thrown";
    return std::system_error(0, std::generic_category());
}

// Reads one line (without its '\n') from @p fd, byte by byte, blocking.
std::string read_line(int fd) {
    std::string line;
    char c = 0;
    while (hsys::retry_eintr([&] { return ::read(fd, &c, 1); }) == 1 && c != '\n')
        line += c;
    return line;
}

// A child that exited and was reaped: its PID names no process any more.
pid_t reaped_pid() {
    pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

// Runs a suite as a subreaper, as the grader does, so that orphans come back to us and the
// test can reap (and assert on) them.
class SubreaperTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0); }
};

// Tests parsing a plain stat line: every field the harness uses.
TEST(StatLineTest, ParsesFields) {
    auto stat = hsys::parse_stat_line(stat_line("bash"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->pid, 42);
    EXPECT_EQ(stat->comm, "bash");
    EXPECT_EQ(stat->state, 'S');
    EXPECT_EQ(stat->ppid, 7);
    EXPECT_EQ(stat->pgrp, 40);
    EXPECT_EQ(stat->session, 41);
    EXPECT_EQ(stat->starttime, 777u);
}

// Tests that a name runs to the LAST ')': a process may call itself "a) (b" or "x) R 1 2".
TEST(StatLineTest, NameWithParenthesesSpacesAndNewline) {
    for (std::string name : {"a) (b", "x) R 1 2 3", "two words", "line\nbreak", ")", "(", ""}) {
        auto stat = hsys::parse_stat_line(stat_line(name));
        ASSERT_TRUE(stat) << name;
        EXPECT_EQ(stat->comm, name);
        EXPECT_EQ(stat->state, 'S') << name;
        EXPECT_EQ(stat->ppid, 7) << name;
        EXPECT_EQ(stat->starttime, 777u) << name;
    }
}

// Tests that what is not a whole stat line is refused rather than half-parsed.
TEST(StatLineTest, RefusesMalformedLines) {
    EXPECT_FALSE(hsys::parse_stat_line(""));
    EXPECT_FALSE(hsys::parse_stat_line("42 bash S 7 40 41"));
    EXPECT_FALSE(hsys::parse_stat_line("42 (bash) S 7 40 41 0"));  // cut before field 22
    EXPECT_FALSE(hsys::parse_stat_line("x (bash) S 7 40 41 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9"));
    EXPECT_FALSE(hsys::parse_stat_line("42 (bash) S seven 40 41 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9"));
}

// Tests reading our own stat, and that a process that is gone gives nullopt.
TEST(ProcTest, ReadsOwnStatAndNothingForGone) {
    auto self = hsys::read_stat(::getpid());
    ASSERT_TRUE(self);
    EXPECT_EQ(self->pid, ::getpid());
    EXPECT_EQ(self->ppid, ::getppid());
    EXPECT_EQ(self->pgrp, ::getpgrp());
    EXPECT_EQ(self->session, ::getsid(0));
    EXPECT_FALSE(hsys::read_stat(reaped_pid()));
}

// Tests that the scan of /proc sees init and us, and who our parent is.
TEST(ProcTest, ListsPidsAndParents) {
    auto pids = hsys::list_pids();
    EXPECT_NE(std::find(pids.begin(), pids.end(), ::getpid()), pids.end());
    EXPECT_NE(std::find(pids.begin(), pids.end(), 1), pids.end());
    auto parents = hsys::parent_map();
    ASSERT_TRUE(parents.count(::getpid()));
    EXPECT_EQ(parents.at(::getpid()), ::getppid());
}

using ProcTreeTest = SubreaperTest;

// Tests that descendants_of finds a child and the grandchild it started.
TEST_F(ProcTreeTest, DescendantsIncludeGrandchild) {
    auto pipe = course::make_pipe();
    pid_t child = hsys::spawn({.argv = {"/bin/sh", "-c", "sleep 1000 & echo $!; wait"},
                               .stdout_fd = pipe.write.get(),
                               .new_process_group = true});
    pipe.write.reset();
    const pid_t grandchild = std::stoi(read_line(pipe.read.get()));
    auto ours = hsys::descendants_of(::getpid());
    auto childs = hsys::descendants_of(child);
    ::kill(-child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    // The shell is gone, so its orphan is ours (we are a subreaper): reap it too.
    EXPECT_EQ(hsys::retry_eintr([&] { return ::waitpid(grandchild, nullptr, 0); }), grandchild);
    EXPECT_NE(std::find(ours.begin(), ours.end(), child), ours.end());
    EXPECT_NE(std::find(ours.begin(), ours.end(), grandchild), ours.end());
    EXPECT_EQ(childs, std::vector<pid_t>{grandchild});
}

// Tests that a TempDir is made, named with its prefix, and removed with its contents.
TEST(TempDirTest, MadeAndRemoved) {
    fs::path path;
    {
        hsys::TempDir dir("hsys-test");
        path = dir.path();
        EXPECT_TRUE(fs::is_directory(path));
        EXPECT_EQ(path.filename().string().rfind("hsys-test-", 0), 0u) << path;
        std::ofstream(path / "file") << "text";
        fs::create_directories(path / "a" / "b");
    }
    EXPECT_FALSE(fs::exists(path));
}

// Tests removal of a folder a test made unsearchable, and that a link to a file or a
// folder outside is removed as a link: what it points to survives.
TEST(TempDirTest, RemovesUnsearchableFoldersNotLinkTargets) {
    hsys::TempDir outside("hsys-outside");
    std::ofstream(outside.path() / "keep") << "keep";
    fs::create_directory(outside.path() / "keep-dir");
    std::ofstream(outside.path() / "keep-dir" / "inside") << "keep";
    fs::path path;
    {
        hsys::TempDir dir("hsys-test");
        path = dir.path();
        fs::create_directories(path / "locked" / "deeper");
        std::ofstream(path / "locked" / "deeper" / "file") << "text";
        fs::create_symlink(outside.path() / "keep", path / "locked" / "link");
        fs::create_directory_symlink(outside.path() / "keep-dir", path / "dir-link");
        ASSERT_EQ(::chmod((path / "locked" / "deeper").c_str(), 0), 0);
        ASSERT_EQ(::chmod((path / "locked").c_str(), 0), 0);
        ASSERT_EQ(::chmod(path.c_str(), 0), 0);
    }
    EXPECT_FALSE(fs::exists(fs::symlink_status(path)));
    EXPECT_TRUE(fs::exists(outside.path() / "keep"));
    EXPECT_TRUE(fs::exists(outside.path() / "keep-dir" / "inside"));
}

// Tests release() (the folder is kept), moves, and the error for a missing parent.
TEST(TempDirTest, ReleaseMoveAndErrors) {
    hsys::TempDir parent("hsys-test");
    fs::path kept;
    {
        hsys::TempDir dir(parent.path(), "kept");
        hsys::TempDir moved(std::move(dir));
        EXPECT_TRUE(dir.path().empty());
        kept = moved.release();
    }
    EXPECT_TRUE(fs::is_directory(kept));
    auto error = thrown_by([&] { hsys::TempDir(parent.path() / "missing", "x"); });
    EXPECT_EQ(error.code().value(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("mkdtemp "), std::string::npos) << error.what();
}

// Makes a chain of @p levels folders named "d" in @p root, the way a test can: one
// descriptor at a time, whatever the depth.
void make_chain(const fs::path& root, int levels) {
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    for (int i = 0; i < levels; ++i) {
        int next = -1;
        if (::mkdirat(fd, "d", 0700) == 0)
            next = ::openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ::close(fd);
        ASSERT_GE(next, 0) << "level " << i << ": " << std::strerror(errno);
        fd = next;
    }
    ::close(fd);
}

// Makes @p count entries in @p root: files, and folders holding a file, alternately.
void make_wide(const fs::path& root, int count) {
    for (int i = 0; i < count; ++i) {
        fs::path entry = root / std::to_string(i);
        if (i % 2 == 0) {
            ASSERT_TRUE(std::ofstream(entry).good()) << entry;
        } else {
            ASSERT_EQ(::mkdir(entry.c_str(), 0700), 0) << entry;
            ASSERT_TRUE(std::ofstream(entry / "f").good()) << entry;
        }
    }
}

// A temporary folder for a big tree: in /dev/shm when there is one (a tmpfs: the tree costs
// no disk writes, which on a busy machine take minutes), else in the usual place.
hsys::TempDir big_tree_dir(const std::string& prefix) {
    if (fs::is_directory("/dev/shm") && ::access("/dev/shm", W_OK) == 0)
        return hsys::TempDir("/dev/shm", prefix);
    return hsys::TempDir(prefix);
}

// Runs remove_tree(@p path) in a child limited to 64 descriptors, on a thread with a
// 256 KiB stack: what the grader would meet in a container with an 8 MiB stack, scaled
// down. @returns the child's exit status: 0 when the tree is gone, 1 when it is not, 2
// when the child could not set itself up (a crash: the stack or the descriptors ran out).
int remove_in_small_child(const fs::path& path) {
    pid_t child = ::fork();
    if (child == 0) {
        rlimit files{64, 64};
        pthread_attr_t attr;
        pthread_t thread;
        static bool removed = false;
        static const fs::path* target = nullptr;
        target = &path;
        if (::setrlimit(RLIMIT_NOFILE, &files) != 0 || ::pthread_attr_init(&attr) != 0 ||
            ::pthread_attr_setstacksize(&attr, 256 * 1024) != 0 ||
            ::pthread_create(
                &thread, &attr,
                [](void*) -> void* {
                    removed = hsys::remove_tree(*target);
                    return nullptr;
                },
                nullptr) != 0 ||
            ::pthread_join(thread, nullptr) != 0)
            ::_exit(2);
        ::_exit(removed ? 0 : 1);
    }
    int status = 0;
    if (child < 0 || hsys::retry_eintr([&] { return ::waitpid(child, &status, 0); }) != child)
        return -1;
    return status;
}

// Tests that a chain of 100,000 folders (deeper than any stack allows a recursion, more
// levels than descriptors) is removed with 64 descriptors and a 256 KiB stack.
TEST(TempDirTest, RemovesADeepChainInLittleStackAndFewDescriptors) {
    hsys::TempDir dir = big_tree_dir("hsys-deep");
    ASSERT_NO_FATAL_FAILURE(make_chain(dir.path(), 100'000));
    EXPECT_EQ(remove_in_small_child(dir.path()), 0) << "0: removed, 1: left, else a crash";
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir.path())));
}

// Tests that a folder of 50,000 entries, half of them folders that are not empty, is
// removed with 64 descriptors and a 256 KiB stack.
TEST(TempDirTest, RemovesAWideFolderInLittleStackAndFewDescriptors) {
    hsys::TempDir dir = big_tree_dir("hsys-wide");
    ASSERT_NO_FATAL_FAILURE(make_wide(dir.path(), 50'000));
    EXPECT_EQ(remove_in_small_child(dir.path()), 0) << "0: removed, 1: left, else a crash";
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir.path())));
}

// Tests that removal stops after its budget of entries, says so (false) and leaves the rest
// in place, and that a second removal with a fresh budget finishes the job.
TEST(TempDirTest, StopsAtItsBudgetAndSaysSo) {
    hsys::TempDir dir("hsys-budget");
    ASSERT_NO_FATAL_FAILURE(make_wide(dir.path(), 1000));
    ASSERT_NO_FATAL_FAILURE(make_chain(dir.path(), 1000));
    EXPECT_FALSE(hsys::remove_tree(dir.path(), 100));
    EXPECT_TRUE(fs::exists(dir.path() / "d"));
    EXPECT_TRUE(hsys::remove_tree(dir.path()));
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir.path())));
}

// Tests that a deep chain ending in an unsearchable folder and links to the outside is
// removed without touching what the links point to.
TEST(TempDirTest, DeepChainWithLinksAndLockedFolders) {
    hsys::TempDir outside("hsys-outside");
    std::ofstream(outside.path() / "keep") << "keep";
    hsys::TempDir dir("hsys-deep");
    ASSERT_NO_FATAL_FAILURE(make_chain(dir.path(), 2000));
    fs::path bottom = dir.path();
    for (int i = 0; i < 10; ++i)
        bottom /= "d";
    fs::create_directory_symlink(outside.path(), bottom / "up");
    fs::create_directories(bottom / "locked" / "inner");
    std::ofstream(bottom / "locked" / "inner" / "f") << "x";
    ASSERT_EQ(::chmod((bottom / "locked" / "inner").c_str(), 0), 0);
    ASSERT_EQ(::chmod((bottom / "locked").c_str(), 0), 0);
    EXPECT_TRUE(hsys::remove_tree(dir.path()));
    EXPECT_TRUE(fs::exists(outside.path() / "keep"));
}

// Tests write_all and read_all through a pipe with more than its capacity, and the cap.
TEST(IoTest, WriteAllReadAllThroughPipe) {
    const std::string data(300'000, 'x');
    for (std::size_t cap : {std::size_t{1} << 20, data.size(), std::size_t{1000}}) {
        auto pipe = course::make_pipe();
        std::thread writer([&] {
            hsys::write_all(pipe.write.get(), data);
            pipe.write.reset();
        });
        bool truncated = true;
        auto got = hsys::read_all(pipe.read.get(), cap, &truncated);
        writer.join();
        EXPECT_EQ(got, data.substr(0, cap));
        EXPECT_EQ(truncated, cap < data.size()) << cap;
    }
}

// Tests that read_some on an empty non-blocking pipe returns 0 at once, not end of file.
TEST(IoTest, ReadSomeDoesNotBlock) {
    auto pipe = course::make_pipe();
    ASSERT_EQ(::fcntl(pipe.read.get(), F_SETFL, O_NONBLOCK), 0);
    std::string into;
    bool eof = false;
    EXPECT_EQ(hsys::read_some(pipe.read.get(), into, 10, eof), 0u);
    EXPECT_FALSE(eof);
    hsys::write_all(pipe.write.get(), "0123456789abc");
    EXPECT_EQ(hsys::read_some(pipe.read.get(), into, 10, eof), 13u);
    EXPECT_EQ(into, "0123456789");
    pipe.write.reset();
    EXPECT_EQ(hsys::read_some(pipe.read.get(), into, 10, eof), 0u);
    EXPECT_TRUE(eof);
}

// Tests that read_file_bounded refuses a FIFO (without blocking on it), a symbolic link
// and /dev/zero, and caps a big regular file.
TEST(IoTest, ReadFileBoundedRefusesWhatIsNotARegularFile) {
    hsys::TempDir dir("hsys-test");
    const auto fifo = (dir.path() / "fifo").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto error = thrown_by([&] { hsys::read_file_bounded(fifo, 100); });
    EXPECT_EQ(error.code().value(), EINVAL);
    EXPECT_NE(std::string(error.what()).find("not a regular file"), std::string::npos);
    EXPECT_EQ(thrown_by([&] { hsys::read_file_bounded("/dev/zero", 100); }).code().value(), EINVAL);
    std::ofstream(dir.path() / "file") << std::string(100'000, 'y');
    fs::create_symlink(dir.path() / "file", dir.path() / "link");
    error = thrown_by([&] { hsys::read_file_bounded((dir.path() / "link").string(), 100); });
    EXPECT_EQ(error.code().value(), ELOOP);
    EXPECT_NE(std::string(error.what()).find("link"), std::string::npos) << error.what();
    bool truncated = false;
    EXPECT_EQ(hsys::read_file_bounded((dir.path() / "file").string(), 1000, &truncated),
              std::string(1000, 'y'));
    EXPECT_TRUE(truncated);
    EXPECT_EQ(hsys::read_file_bounded((dir.path() / "file").string(), 100'000, &truncated).size(),
              100'000u);
    EXPECT_FALSE(truncated);
}

// Tests that copy_file_atomically copies a regular file whole over an existing one,
// refuses a link, a FIFO and a device as its source, and leaves no temporary file behind.
TEST(IoTest, CopyFileAtomicallyTakesOnlyRegularFiles) {
    hsys::TempDir dir("hsys-test");
    const auto from = (dir.path() / "from").string(), to = (dir.path() / "to").string();
    std::string content(200'000, 'o');
    content += "end";
    std::ofstream(from) << content;
    std::ofstream(to) << "old";
    hsys::copy_file_atomically(from, to);
    EXPECT_EQ(hsys::read_file_bounded(to, 1 << 20), content);
    fs::create_symlink(from, dir.path() / "link");
    EXPECT_EQ(thrown_by([&] { hsys::copy_file_atomically((dir.path() / "link").string(), to); })
                  .code()
                  .value(),
              ELOOP);
    const auto fifo = (dir.path() / "fifo").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(thrown_by([&] { hsys::copy_file_atomically(fifo, to); }).code().value(), EINVAL);
    EXPECT_EQ(thrown_by([&] { hsys::copy_file_atomically("/dev/zero", to); }).code().value(),
              EINVAL);
    EXPECT_EQ(hsys::read_file_bounded(to, 1 << 20), content);  // the refusals left it whole
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"fifo", "from", "link", "to"}));
}

// Tests signal names, and the fallback for a number without one.
TEST(SignalsTest, Names) {
    EXPECT_EQ(hsys::signal_name(SIGSEGV), "SIGSEGV");
    EXPECT_EQ(hsys::signal_name(SIGKILL), "SIGKILL");
    EXPECT_EQ(hsys::signal_name(1000), "signal 1000");
    EXPECT_EQ(hsys::signal_name(-1), "signal -1");
}

// Tests pidfd_open on us, and errno for a PID that names nothing.
TEST(PidfdTest, OpensLiveProcessOnly) {
    auto self = hsys::pidfd_open(::getpid());
    if (!self && errno == ENOSYS)
        GTEST_SKIP() << "this kernel has no pidfd_open";
    EXPECT_TRUE(self);
    EXPECT_FALSE(hsys::pidfd_open(reaped_pid()));
    EXPECT_EQ(errno, ESRCH);
}

// Tests that spawn names the program it could not start, and refuses an empty argv.
TEST(SpawnTest, BadProgramThrowsNamingIt) {
    auto error = thrown_by([] { hsys::spawn({.argv = {"hsys-no-such-program"}}); });
    EXPECT_EQ(error.code().value(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("posix_spawnp hsys-no-such-program"),
              std::string::npos)
        << error.what();
    error = thrown_by([] { hsys::spawn({.argv = {"/hsys/no/such", "x"}, .search_path = false}); });
    EXPECT_NE(std::string(error.what()).find("posix_spawn /hsys/no/such"), std::string::npos);
    EXPECT_EQ(thrown_by([] { hsys::spawn({}); }).code().value(), EINVAL);
}

// Tests that find_in_path finds what execvp would: the first executable of that name in
// PATH, a name with a '/' as it is, and "" for what is not there or not executable.
TEST(SpawnTest, FindInPathLikeExecvp) {
    hsys::TempDir first("hsys-path"), second("hsys-path");
    auto make = [](const std::filesystem::path& path, std::filesystem::perms mode) {
        std::ofstream(path) << "#!/bin/sh\n";
        std::filesystem::permissions(path, mode);
    };
    make(first.path() / "tool", std::filesystem::perms::owner_read);  // not executable
    make(second.path() / "tool", std::filesystem::perms::owner_all);
    std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (first.path().string() + "::" + second.path().string()).c_str(), 1);
    std::string found = hsys::find_in_path("tool");
    std::string missing = hsys::find_in_path("hsys-no-such-tool");
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_EQ(found, (second.path() / "tool").string());
    EXPECT_EQ(missing, "");
    EXPECT_EQ(hsys::find_in_path("/bin/sh"), "/bin/sh");
    EXPECT_EQ(hsys::find_in_path("/hsys/no/such"), "");
}

// Tests that argv[0] can be a name other than the file run (a shell's messages use it).
TEST(SpawnTest, ProgramOtherThanArgvZero) {
    auto out = course::make_pipe();
    pid_t pid = hsys::spawn({.argv = {"named", "-c", "echo $0"},
                             .stdout_fd = out.write.get(),
                             .search_path = false,
                             .program = "/bin/sh"});
    out.write.reset();
    auto printed = hsys::read_all(out.read.get(), 4096);
    ::waitpid(pid, nullptr, 0);
    EXPECT_EQ(printed, "named\n");
}

// Tests the working directory, the environment, the redirections and the process group.
TEST(SpawnTest, SetsDirectoryEnvironmentDescriptorsAndGroup) {
    hsys::TempDir dir("hsys-test");
    auto out = course::make_pipe();
    auto err = course::make_pipe();
    pid_t pid = hsys::spawn({.argv = {"/bin/sh", "-c", "pwd; echo \"$HSYS_VALUE\" >&2"},
                             .env = std::vector<std::string>{"HSYS_VALUE=42"},
                             .cwd = dir.path().string(),
                             .stdout_fd = out.write.get(),
                             .stderr_fd = err.write.get(),
                             .new_process_group = true});
    const pid_t group = ::getpgid(pid);  // posix_spawn returns after the exec: set already
    out.write.reset();
    err.write.reset();
    auto printed = hsys::read_all(out.read.get(), 4096);
    auto errors = hsys::read_all(err.read.get(), 4096);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_EQ(group, pid);
    EXPECT_EQ(printed, fs::canonical(dir.path()).string() + "\n");
    EXPECT_EQ(errors, "42\n");
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

using RunTest = SubreaperTest;

// Tests the exit status, merged output, and stderr kept apart when asked.
TEST_F(RunTest, StatusAndOutput) {
    auto run = hsys::run_with_deadline({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
    EXPECT_FALSE(run.timed_out);
    EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 3) << run.status;
    EXPECT_EQ(run.output, "out\nerr\n");
    EXPECT_FALSE(run.output_truncated);
    run = hsys::run_with_deadline(
        {.argv = {"sh", "-c", "echo out; echo err >&2; read x; echo \"[$x]\""},
         .merge_stderr = false});
    EXPECT_EQ(run.output, "out\n[]\n");  // stdin is /dev/null
    EXPECT_EQ(run.error_output, "err\n");
}

// Tests the output cap: kept up to it, and flagged when more came.
TEST_F(RunTest, OutputCapped) {
    auto run = hsys::run_with_deadline(
        {.argv = {"head", "-c", "200000", "/dev/zero"}, .output_cap = 1000});
    EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.status;
    EXPECT_EQ(run.output, std::string(1000, '\0'));
    EXPECT_TRUE(run.output_truncated);
    run = hsys::run_with_deadline({.argv = {"printf", "12345"}, .output_cap = 5});
    EXPECT_EQ(run.output, "12345");
    EXPECT_FALSE(run.output_truncated);
}

// Tests that a process that never ends is killed at the deadline and reported so.
TEST_F(RunTest, NeverEndingChildTimesOut) {
    auto run = hsys::run_with_deadline({.argv = {"sleep", "1000"}, .wall_seconds = 0.5});
    EXPECT_TRUE(run.timed_out);
    EXPECT_TRUE(WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL) << run.status;
}

// Tests that a grandchild holding the output pipe neither holds up the run nor survives it.
TEST_F(RunTest, GrandchildHoldingPipeIsKilledWithGroup) {
    auto run =
        hsys::run_with_deadline({.argv = {"sh", "-c", "sleep 1000 & echo $!"}, .wall_seconds = 30});
    EXPECT_FALSE(run.timed_out);
    EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.status;
    ASSERT_FALSE(run.output.empty());
    const pid_t grandchild = std::stoi(run.output);
    // The shell's orphan came to us; it must already have been sent SIGKILL.
    int status = 0;
    ASSERT_EQ(hsys::retry_eintr([&] { return ::waitpid(grandchild, &status, 0); }), grandchild);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
}

// Tests that waiting for what is not our child throws without signalling it (a kill here
// would end this very test), and that PIDs kill() reads as groups are refused.
TEST(WaitTest, RefusesWhatIsNotOurChild) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto error =
        thrown_by([&] { hsys::wait_with_deadline(::getpid(), {}, deadline, SIGKILL, false); });
    EXPECT_EQ(error.code().value(), ECHILD);
    for (pid_t pid : {1, 0, -1})
        EXPECT_EQ(thrown_by([&] { hsys::wait_with_deadline(pid, {}, deadline); }).code().value(),
                  EINVAL)
            << pid;
}

// Tests that a program that cannot start is an error naming it, not a status 127.
TEST_F(RunTest, StartFailureThrows) {
    auto error = thrown_by([] { hsys::run_with_deadline({.argv = {"hsys-no-such-program"}}); });
    EXPECT_NE(std::string(error.what()).find("hsys-no-such-program"), std::string::npos);
}

}  // namespace

// Tests that every index is done exactly once, on as many threads as asked, all of them
// there before the first call (the sandbox's thread guard relies on it).
TEST(ForEachIndexTest, EveryIndexOnceEveryThreadFirst) {
    std::vector<std::atomic<int>> done(40);
    std::atomic<std::size_t> fewest_threads{1000};
    hsys::for_each_index(done.size(), 3, [&](std::size_t i) {
        ++done[i];
        std::size_t threads = hsys::list_threads(::getpid()).size();
        for (std::size_t seen = fewest_threads; threads < seen;)
            fewest_threads.compare_exchange_weak(seen, threads);
    });
    for (std::size_t i = 0; i < done.size(); ++i)
        EXPECT_EQ(done[i], 1) << "index " << i;
    EXPECT_GE(fewest_threads.load(), 3u) << "a call ran before every thread existed";
}

// Tests that one thread means in order, on the calling thread.
TEST(ForEachIndexTest, OneThreadIsInOrderHere) {
    std::vector<std::size_t> order;
    auto caller = std::this_thread::get_id();
    hsys::for_each_index(5, 1, [&](std::size_t i) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
        order.push_back(i);
    });
    EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

// Tests that an exception reaches the caller once every other index is done.
TEST(ForEachIndexTest, ExceptionAfterTheRestIsDone) {
    std::atomic<int> done{0};
    EXPECT_THROW(hsys::for_each_index(20, 2,
                                      [&](std::size_t i) {
                                          if (i == 3)
                                              throw std::runtime_error("index 3");
                                          ++done;
                                      }),
                 std::runtime_error);
    EXPECT_EQ(done, 19);
}
