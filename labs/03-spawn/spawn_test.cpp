// Lab 03's tests: spawn, redirections, spawnp, and fork/vfork + exec.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "harness/testsupport.hpp"
#include "spawn.hpp"

namespace {

using proc::Child;
using proc::Redirect;
using proc::SpawnOptions;

const char* kLesson = "03-spawn.md";

// Waits for the child with waitpid (Lab 04 wraps this) and marks it reaped.
int reap(Child& child) {
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child.pid(), &status, 0); });
    child.mark_reaped();
    return status;
}

// Reads @p fd until end of file.
std::string read_all(course::UniqueFd& fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n =
            course::retry_on_eintr("read", [&] { return ::read(fd.get(), buffer, sizeof buffer); });
        if (n == 0)
            return text;
        text.append(buffer, static_cast<size_t>(n));
    }
}

void write_all(course::UniqueFd& fd, const std::string& text) {
    ASSERT_EQ(::write(fd.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

// A scratch directory, removed (with the files the test named) when the test ends.
class TempDir {
  public:
    TempDir() {
        char name[] = "/tmp/lab03-XXXXXX";
        if (::mkdtemp(name) == nullptr)
            course::throw_errno("mkdtemp");
        path_ = name;
    }
    ~TempDir() {
        for (const auto& f : files_)
            ::unlink(f.c_str());
        ::rmdir(path_.c_str());
    }
    // A path in the directory, with @p content and mode @p mode.
    std::string file(const std::string& name, const std::string& content, mode_t mode = 0644) {
        std::string p = path_ + "/" + name;
        files_.push_back(p);
        course::UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
        EXPECT_TRUE(fd) << "cannot create " << p;
        EXPECT_EQ(::write(fd.get(), content.data(), content.size()),
                  static_cast<ssize_t>(content.size()));
        ::fchmod(fd.get(), mode);
        return p;
    }
    // A path in the directory that the test will create through the child.
    std::string name(const std::string& n) {
        files_.push_back(path_ + "/" + n);
        return files_.back();
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::vector<std::string> files_;
};

// Expects @p launch to throw std::system_error with @p error, naming @p program, and to
// leave no child (not even a zombie) behind.
template <typename Launch>
void expect_spawn_error(Launch launch, int error, const std::string& program, const char* anchor) {
    try {
        Child child = launch();
        reap(child);
        ADD_FAILURE() << "Expected starting " << program << " to throw std::system_error ("
                      << std::generic_category().message(error)
                      << ") at once, but it returned a child; "
                      << harness::see_lesson(kLesson, anchor);
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), error)
            << "Expected errno " << error << " (" << std::generic_category().message(error)
            << ") but got " << e.code().value() << " (" << e.what() << "); "
            << harness::see_lesson(kLesson, anchor);
        EXPECT_NE(std::string(e.what()).find(program), std::string::npos)
            << "The message should name the program " << program << ", but it is: " << e.what();
    }
    EXPECT_TRUE(harness::children_of(::getpid()).empty())
        << "A failed spawn must leave no child and no zombie; "
        << harness::see_lesson(kLesson, anchor);
}

// A child held until the test closes its stdin: cat, reading a pipe, writing nowhere.
Child held_cat(bool new_group = false) {
    SpawnOptions options;
    options.in = Redirect::pipe();
    options.out = Redirect::null();
    options.new_process_group = new_group;
    return proc::spawn("/bin/cat", {"cat"}, {}, options);
}

// ----- Task 1: spawn ------------------------------------------------------------------

// Tests that /bin/true runs and exits 0.
TEST(SpawnTest, TrueExitsWithZero) {
    Child child = proc::spawn("/bin/true", {"true"}, {});
    EXPECT_GT(child.pid(), 0) << "spawn should return the new PID; "
                              << harness::see_lesson(kLesson, "posix_spawn-in-c");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that /bin/false runs and exits 1 (raw status 256, as in the notes).
TEST(SpawnTest, FalseExitsWithOne) {
    Child child = proc::spawn("/bin/false", {"false"}, {});
    int status = reap(child);
    EXPECT_EXITED_WITH(status, 1);
    EXPECT_EQ(status, 256) << "false's raw status is 256 in the notes too";
}

// Tests that the child gets argv as given, one string per argument.
TEST(SpawnTest, ChildReceivesArgv) {
    Child child = proc::spawn(
        "/bin/sh", {"sh", "-c", R"(test "$1" = "Hello world!")", "sh", "Hello world!"}, {});
    EXPECT_EXITED_WITH(reap(child), 0) << "the child did not see $1 = 'Hello world!'; "
                                       << harness::see_lesson(kLesson, "posix_spawn-in-c");
}

// Tests that the argument count is exactly what was passed (no extra, none lost).
TEST(SpawnTest, ChildReceivesArgumentCount) {
    Child child = proc::spawn("/bin/sh", {"sh", "-c", "exit $#", "sh", "a", "b c", ""}, {});
    EXPECT_EXITED_WITH(reap(child), 3) << "sh should count 3 arguments after $0";
}

// Tests that the child's environment is the one passed, not the parent's.
TEST(SpawnTest, ChildReceivesEnvironment) {
    ::setenv("LAB03_PARENT_ONLY", "1", 1);
    Child child = proc::spawn(
        "/bin/sh", {"sh", "-c", R"(test "$GREETING" = hi && test -z "$LAB03_PARENT_ONLY")"},
        {"GREETING=hi"});
    ::unsetenv("LAB03_PARENT_ONLY");
    EXPECT_EXITED_WITH(reap(child), 0)
        << "the child should see GREETING=hi and nothing of the parent's "
        << "environment; " << harness::see_lesson(kLesson, "posix_spawn-in-c");
}

// Tests that a missing program fails at spawn time with ENOENT, leaving no zombie.
TEST(SpawnTest, MissingProgramFailsAtSpawnTime) {
    expect_spawn_error([] { return proc::spawn("/no/such/program", {"program"}, {}); }, ENOENT,
                       "/no/such/program", "errors-at-spawn-time");
}

// Tests that a file without execute permission fails at spawn time with EACCES.
TEST(SpawnTest, NonExecutableFailsAtSpawnTime) {
    TempDir dir;
    std::string script = dir.file("not-executable", "#!/bin/sh\nexit 0\n", 0644);
    expect_spawn_error([&] { return proc::spawn(script, {"not-executable"}, {}); }, EACCES, script,
                       "errors-at-spawn-time");
}

// ----- Task 2: redirections, process group, descriptors, and the Child ----------------

// Tests that stdout can be a pipe the parent reads: echo's words arrive intact.
TEST(RedirectTest, StdoutToPipe) {
    SpawnOptions options;
    options.out = Redirect::pipe();
    Child child = proc::spawn("/bin/echo", {"echo", "Hello", "world!", "👋"}, {}, options);
    ASSERT_TRUE(child.out()) << "Child::out() should hold the read end of the stdout pipe; "
                             << harness::see_lesson(kLesson, "redirecting-the-standard-streams");
    EXPECT_EQ(read_all(child.out()), "Hello world! 👋\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that the child's environment is exactly the list passed (env prints it).
TEST(RedirectTest, EnvironmentIsExactlyTheOneGiven) {
    SpawnOptions options;
    options.out = Redirect::pipe();
    Child child = proc::spawn("/usr/bin/env", {"env"}, {"A=1", "B=two words"}, options);
    EXPECT_EQ(read_all(child.out()), "A=1\nB=two words\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that stdin can be a pipe the parent writes, and closing it gives end of file.
TEST(RedirectTest, StdinFromPipe) {
    SpawnOptions options;
    options.in = Redirect::pipe();
    options.out = Redirect::pipe();
    Child child = proc::spawn("/bin/cat", {"cat"}, {}, options);
    ASSERT_TRUE(child.in()) << "Child::in() should hold the write end of the stdin pipe";
    write_all(child.in(), "through cat\n");
    child.in().reset();  // end of file for cat
    EXPECT_EQ(read_all(child.out()), "through cat\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that stderr can be a pipe of its own, separate from stdout.
TEST(RedirectTest, StderrToPipe) {
    SpawnOptions options;
    options.out = Redirect::pipe();
    options.err = Redirect::pipe();
    Child child = proc::spawn("/bin/sh", {"sh", "-c", "echo out; echo oops >&2"}, {}, options);
    EXPECT_EQ(read_all(child.out()), "out\n");
    EXPECT_EQ(read_all(child.err()), "oops\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that stdout to a file truncates what was there.
TEST(RedirectTest, StdoutToFileTruncates) {
    TempDir dir;
    std::string file = dir.file("out.txt", "old content that is longer\n");
    SpawnOptions options;
    options.out = Redirect::file(file);
    Child child = proc::spawn("/bin/echo", {"echo", "new"}, {}, options);
    EXPECT_EXITED_WITH(reap(child), 0);
    EXPECT_EQ(course::read_file(file), "new\n")
        << harness::see_lesson(kLesson, "redirecting-the-standard-streams");
}

// Tests that stdout to a file in append mode keeps what was there, and creates a file.
TEST(RedirectTest, StdoutToFileAppends) {
    TempDir dir;
    std::string file = dir.file("log.txt", "first\n");
    std::string created = dir.name("created.txt");
    SpawnOptions options;
    options.out = Redirect::file(file, true);
    options.err = Redirect::file(created, true);
    Child child = proc::spawn("/bin/sh", {"sh", "-c", "echo second; echo made >&2"}, {}, options);
    EXPECT_EXITED_WITH(reap(child), 0);
    EXPECT_EQ(course::read_file(file), "first\nsecond\n");
    EXPECT_EQ(course::read_file(created), "made\n");
}

// Tests that stdin can come from a file.
TEST(RedirectTest, StdinFromFile) {
    TempDir dir;
    std::string file = dir.file("in.txt", "from a file\n");
    SpawnOptions options;
    options.in = Redirect::file(file);
    options.out = Redirect::pipe();
    Child child = proc::spawn("/bin/cat", {"cat"}, {}, options);
    EXPECT_EQ(read_all(child.out()), "from a file\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests /dev/null: cat reading it sees end of file at once, its output is discarded.
TEST(RedirectTest, DevNull) {
    SpawnOptions options;
    options.in = Redirect::null();
    options.out = Redirect::pipe();
    options.err = Redirect::null();
    Child child =
        proc::spawn("/bin/sh", {"sh", "-c", "cat; echo hidden >&2; echo done"}, {}, options);
    EXPECT_EQ(read_all(child.out()), "done\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that the child has only descriptors 0, 1 and 2: none of the library's pipes,
// none of the parent's files, close-on-exec or not.
TEST(RedirectTest, NoDescriptorLeaksIntoChild) {
    course::UniqueFd cloexec(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    course::UniqueFd inheritable(::open("/dev/null", O_RDONLY));
    ASSERT_TRUE(cloexec && inheritable);
    SpawnOptions options;
    options.in = Redirect::pipe();
    options.out = Redirect::pipe();
    options.err = Redirect::pipe();
    // The shell lists its own descriptors (ls, its child, inherits the same ones).
    Child child =
        proc::spawn("/bin/sh", {"sh", "-c", "ls /proc/$$/fd"}, {"PATH=/usr/bin:/bin"}, options);
    child.in().reset();
    EXPECT_EQ(read_all(child.out()), "0\n1\n2\n")
        << "the child should have exactly descriptors 0, 1, 2 (parent had " << cloexec.get()
        << " and " << inheritable.get() << " open); "
        << harness::see_lesson(kLesson, "no-descriptor-leaks");
    EXPECT_EQ(read_all(child.err()), "");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests new_process_group: the child leads a group of its own.
TEST(ProcessGroupTest, NewGroupLedByChild) {
    Child child = held_cat(true);
    EXPECT_EQ(::getpgid(child.pid()), child.pid())
        << "with new_process_group the child's PGID should be its PID; "
        << harness::see_lesson(kLesson, "process-groups");
    child.in().reset();
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that without new_process_group the child stays in the parent's group.
TEST(ProcessGroupTest, InheritsParentGroupByDefault) {
    Child child = held_cat(false);
    EXPECT_EQ(::getpgid(child.pid()), ::getpgrp());
    child.in().reset();
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that a Child going out of scope kills and reaps its process: nothing is left.
TEST(ChildTest, DestructorKillsAndReaps) {
    pid_t pid = -1;
    {
        Child child = held_cat();
        pid = child.pid();
        ASSERT_EQ(harness::children_of(::getpid()).size(), 1u);
    }
    EXPECT_TRUE(harness::children_of(::getpid()).empty())
        << "~Child should SIGKILL and reap child " << pid << "; "
        << harness::see_lesson(kLesson, "who-owns-a-child");
}

// Tests that moving a Child moves the process: the source is empty, one reap in all.
TEST(ChildTest, MoveTransfersOwnership) {
    Child first = held_cat();
    pid_t pid = first.pid();
    Child second = std::move(first);
    EXPECT_EQ(first.pid(), -1);  // NOLINT(bugprone-use-after-move): the contract says so
    EXPECT_TRUE(first.reaped());
    EXPECT_EQ(second.pid(), pid);
    second.in().reset();
    EXPECT_EXITED_WITH(reap(second), 0);
}

// Tests that assigning over a Child kills and reaps the process it owned.
TEST(ChildTest, MoveAssignReapsThePrevious) {
    Child kept = held_cat();
    Child replaced = held_cat();
    replaced = std::move(kept);
    auto left = harness::children_of(::getpid());
    ASSERT_EQ(left.size(), 1u) << "assigning over a Child should kill and reap its old process";
    EXPECT_EQ(left[0].pid, replaced.pid());
    replaced.in().reset();
    EXPECT_EXITED_WITH(reap(replaced), 0);
}

// ----- Task 3: spawnp -----------------------------------------------------------------

// Tests that spawnp finds a bare name in PATH.
TEST(SpawnpTest, SearchesPath) {
    SpawnOptions options;
    options.out = Redirect::pipe();
    Child child = proc::spawnp("echo", {"echo", "found"}, {}, options);
    EXPECT_EQ(read_all(child.out()), "found\n");
    EXPECT_EXITED_WITH(reap(child), 0);
}

// Tests that the search uses the caller's PATH, whatever the child's environment says.
TEST(SpawnpTest, UsesTheCallersPath) {
    TempDir dir;
    dir.file("lab03-probe", "#!/bin/sh\nexit 42\n", 0755);
    std::string saved = ::getenv("PATH") ? ::getenv("PATH") : "";
    ::setenv("PATH", (dir.path() + ":" + saved).c_str(), 1);
    std::optional<int> status;
    try {
        Child child = proc::spawnp("lab03-probe", {"lab03-probe"}, {"PATH=/nowhere"});
        status = reap(child);
    } catch (...) {
        ::setenv("PATH", saved.c_str(), 1);
        throw;
    }
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_EXITED_WITH(*status, 42) << harness::see_lesson(kLesson, "searching-path-spawnp");
}

// Sets PATH for the life of the object, then puts the inherited one back.
class ScopedPath {
  public:
    explicit ScopedPath(const char* path) {
        if (const char* inherited = std::getenv("PATH"))
            saved_ = inherited;
        course::check(::setenv("PATH", path, 1), "setenv");
    }
    ~ScopedPath() {
        if (saved_)
            ::setenv("PATH", saved_->c_str(), 1);
        else
            ::unsetenv("PATH");
    }
    ScopedPath(const ScopedPath&) = delete;
    ScopedPath& operator=(const ScopedPath&) = delete;

  private:
    std::optional<std::string> saved_;
};

// Tests that a name found nowhere in PATH fails at spawn time with ENOENT.
TEST(SpawnpTest, MissingCommandFailsAtSpawnTime) {
    // posix_spawnp reports EACCES instead when some PATH directory cannot be searched:
    // search only directories everyone may search, whatever PATH the test inherited.
    ScopedPath path("/usr/bin:/bin");
    expect_spawn_error([] { return proc::spawnp("lab03-no-such-command", {"x"}, {}); }, ENOENT,
                       "lab03-no-such-command", "searching-path-spawnp");
}

// Tests that a name with a slash is used as a path, not searched.
TEST(SpawnpTest, NameWithSlashIsAPath) {
    expect_spawn_error([] { return proc::spawnp("no/such/true", {"true"}, {}); }, ENOENT,
                       "no/such/true", "searching-path-spawnp");
    Child child = proc::spawnp("/bin/true", {"true"}, {});
    EXPECT_EXITED_WITH(reap(child), 0);
}

// ----- Task 4: fork + exec, vfork + exec ----------------------------------------------

using Launcher = Child (*)(const std::string&, const std::vector<std::string>&,
                           const std::vector<std::string>&, const SpawnOptions&);

// The same checks for fork_exec and vfork_exec: argv, env, status, output, group, fds.
void expect_runs_like_spawn(Launcher launch, const char* name) {
    SCOPED_TRACE(name);
    Child ok = launch("/bin/sh", {"sh", "-c", R"(test "$1" = one && test "$V" = vee)", "sh", "one"},
                      {"V=vee"}, {});
    EXPECT_EXITED_WITH(reap(ok), 0) << harness::see_lesson(kLesson, "fork-then-exec-by-hand");
    Child no = launch("/bin/false", {"false"}, {}, {});
    EXPECT_EXITED_WITH(reap(no), 1);
    SpawnOptions options;
    options.in = Redirect::null();
    options.out = Redirect::pipe();
    options.new_process_group = true;
    course::UniqueFd inheritable(::open("/dev/null", O_RDONLY));
    Child out = launch(
        "/bin/sh",
        {"sh", "-c", "ls /proc/$$/fd; set -- $(cat /proc/$$/stat); test $5 = $$ || echo no group"},
        {"PATH=/usr/bin:/bin"}, options);
    EXPECT_EQ(read_all(out.out()), "0\n1\n2\n")
        << "only 0, 1, 2 should reach the child, in its own group";
    EXPECT_EXITED_WITH(reap(out), 0);
}

// Tests that fork_exec runs programs as spawn does.
TEST(ForkExecTest, RunsLikeSpawn) {
    expect_runs_like_spawn(proc::fork_exec, "fork_exec");
}

// Tests that fork_exec reports a missing program at once, with ENOENT, and no zombie.
TEST(ForkExecTest, MissingProgramFailsAtSpawnTime) {
    expect_spawn_error([] { return proc::fork_exec("/no/such/program", {"program"}, {}); }, ENOENT,
                       "/no/such/program", "fork-then-exec-by-hand");
}

// Tests that fork_exec reports a non-executable file with EACCES.
TEST(ForkExecTest, NonExecutableFailsAtSpawnTime) {
    TempDir dir;
    std::string script = dir.file("not-executable", "#!/bin/sh\n", 0644);
    expect_spawn_error([&] { return proc::fork_exec(script, {"x"}, {}); }, EACCES, script,
                       "fork-then-exec-by-hand");
}

// Tests that vfork_exec runs programs as spawn does.
TEST(VforkExecTest, RunsLikeSpawn) {
    expect_runs_like_spawn(proc::vfork_exec, "vfork_exec");
}

// Tests that vfork_exec reports a missing program at once, with ENOENT, and no zombie.
TEST(VforkExecTest, MissingProgramFailsAtSpawnTime) {
    expect_spawn_error([] { return proc::vfork_exec("/no/such/program", {"program"}, {}); }, ENOENT,
                       "/no/such/program", "vfork-borrowing-the-parent");
}

}  // namespace
