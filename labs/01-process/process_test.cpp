// Tests for Lab 01 (process identity): parsing /proc/PID/stat, the status names, the
// Process handle on ourselves and on children in known states (held at a gate, stopped,
// zombie, reaped), the name rule, exe and cmdline, the text form, and agreement with
// psutil itself when /usr/bin/python3 has it.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"
#include "process.hpp"

namespace {

const char* const kLesson = "01-process-identity.md";

// A stat line as the kernel writes it, with @p head (fields 1-4) and starttime 4242.
std::string stat_line(const std::string& head) {
    return head + " 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 4242 23 24 25\n";
}

// A PID no process can have: above the kernel's limit.
pid_t impossible_pid() {
    return static_cast<pid_t>(std::stol(course::read_file("/proc/sys/kernel/pid_max")) + 1);
}

// Blocks until the other end of @p fd is closed or a byte arrives.
void read_one(const course::UniqueFd& fd) {
    char byte;
    course::retry_on_eintr("read", [&] { return ::read(fd.get(), &byte, 1); });
}

// Forks a child that renames itself @p name (prctl PR_SET_NAME), tells the test so
// through a pipe, then waits at @p gate. Returns once the rename is done.
harness::TestChild named_child(const std::string& name, harness::Gate& gate) {
    course::Pipe ready = course::make_pipe();
    harness::TestChild child = harness::TestChild::fork([&] {
        gate.child_side();
        ready.read.reset();
        course::check(::prctl(PR_SET_NAME, name.c_str()), "prctl");
        ready.write.reset();  // end of file on the test's side: "renamed"
        gate.wait();
    });
    ready.write.reset();
    read_one(ready.read);
    return child;
}

// Starts `cat` as @p argv (argv[0] a path to it, a link or a copy) and returns once it runs:
// its name, exe and command line are then in /proc/PID (harness::RunningCat says why the
// end of a close-on-exec pipe comes too early for that).
harness::RunningCat start_cat(const std::vector<std::string>& argv) {
    return harness::RunningCat::start(argv);
}

// Stops @p child and waits until the kernel says it is stopped.
void stop(harness::TestChild& child) {
    child.kill(SIGSTOP);
    child.wait_until_stopped();
}

// Kills @p child and reaps it, expecting death by SIGKILL.
void kill_and_reap(harness::TestChild& child) {
    child.kill(SIGKILL);
    EXPECT_KILLED_BY(child.wait(), SIGKILL);
}

// A symlink with a name longer than 15 bytes to the cat program, removed at the end.
struct LongNamedCat {
    std::filesystem::path dir;
    std::filesystem::path link;
    LongNamedCat() {
        char pattern[] = "/tmp/lab01-XXXXXX";
        if (::mkdtemp(pattern) == nullptr)
            course::throw_errno("mkdtemp");
        dir = pattern;
        link = dir / "a-long-program-name-for-cat";
        std::filesystem::create_symlink(std::filesystem::canonical("/bin/cat"), link);
    }
    ~LongNamedCat() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
};

// The local time of @p seconds in strftime @p format.
std::string local_time(double seconds, const char* format) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char text[64];
    return std::string(text, std::strftime(text, sizeof text, format, &tm));
}

}  // namespace

// Tests that the pid, name, state, parent and start time come out of a plain stat line.
TEST(ParseStatTest, ReadsPidCommStateParentAndStartTime) {
    proc::StatFields f = proc::parse_stat(stat_line("1234 (bash) S 1000"));
    EXPECT_EQ(f.pid, 1234);
    EXPECT_EQ(f.comm, "bash") << "the name is field 2 without its parentheses; "
                              << harness::see_lesson(kLesson, "reading-procpidstat");
    EXPECT_EQ(f.state, 'S');
    EXPECT_EQ(f.ppid, 1000);
    EXPECT_EQ(f.starttime, 4242u) << "starttime is field 22; "
                                  << harness::see_lesson(kLesson, "reading-procpidstat");
}

// Tests that a name holding ") (" ends at the last ')', not the first.
TEST(ParseStatTest, NameWithParentheses) {
    const std::string hint =
        "in \"42 (a) (b) S 1\" the name is \"a) (b\": it runs from the first '(' to the "
        "LAST ')'; " +
        harness::see_lesson(kLesson, "reading-procpidstat");
    proc::StatFields f{};
    ASSERT_NO_THROW(f = proc::parse_stat(stat_line("42 (a) (b) S 1"))) << hint;
    EXPECT_EQ(f.comm, "a) (b") << hint;
    EXPECT_EQ(f.state, 'S');
    EXPECT_EQ(f.ppid, 1);
    EXPECT_EQ(f.starttime, 4242u);
}

// Tests that spaces and a newline inside the name are kept as they are.
TEST(ParseStatTest, NameWithSpacesAndNewline) {
    const std::string hint = "the name is everything between the first '(' and the LAST ')'; " +
                             harness::see_lesson(kLesson, "reading-procpidstat");
    proc::StatFields f{};
    ASSERT_NO_THROW(f = proc::parse_stat(stat_line("7 (my prog\n) x) R 3"))) << hint;
    EXPECT_EQ(f.pid, 7);
    EXPECT_EQ(f.comm, "my prog\n) x") << hint;
    EXPECT_EQ(f.state, 'R');
    EXPECT_EQ(f.ppid, 3);
}

// Tests that malformed text is refused with std::invalid_argument.
TEST(ParseStatTest, RejectsMalformedText) {
    for (std::string bad : {std::string(""), std::string("42 bash S 1"), stat_line("42 (bash) S x"),
                            stat_line("x (bash) S 1"), std::string("42 (bash) S 1 5 6 7\n")}) {
        EXPECT_THROW(proc::parse_stat(bad), std::invalid_argument)
            << "for text '" << bad << "'; " << harness::see_lesson(kLesson, "reading-procpidstat");
    }
}

// Tests that the stat file of the test itself parses to our own PID and parent.
TEST(ParseStatTest, ParsesOwnStatFile) {
    proc::StatFields f = proc::parse_stat(course::read_file("/proc/self/stat"));
    EXPECT_EQ(f.pid, ::getpid());
    EXPECT_EQ(f.ppid, ::getppid());
    EXPECT_EQ(f.state, 'R') << "a process reading its own stat is running";
}

// Tests that every letter the kernel uses maps to psutil's name.
TEST(StatusTest, EveryKernelLetterHasItsPsutilName) {
    const std::map<char, std::string> expected = {
        {'R', "running"},      {'S', "sleeping"}, {'D', "disk-sleep"}, {'T', "stopped"},
        {'t', "tracing-stop"}, {'Z', "zombie"},   {'X', "dead"},       {'x', "dead"},
        {'K', "wake-kill"},    {'W', "waking"},   {'P', "parked"},     {'I', "idle"}};
    for (const auto& [letter, name] : expected) {
        EXPECT_EQ(proc::to_string(proc::status_from_letter(letter)), name)
            << "for state letter '" << letter << "'; "
            << harness::see_lesson(kLesson, "status-letters");
    }
}

// Tests that a letter the kernel never writes is refused.
TEST(StatusTest, RejectsUnknownLetter) {
    for (char letter : {'Q', 'r', '?', ' '}) {
        EXPECT_THROW(proc::status_from_letter(letter), std::invalid_argument)
            << "for letter '" << letter << "'; " << harness::see_lesson(kLesson, "status-letters");
    }
}

// Tests that Process::self() is the calling process, running, with our parent.
TEST(ProcessTest, SelfIsTheCallingProcess) {
    proc::Process me = proc::Process::self();
    EXPECT_EQ(me.pid(), ::getpid());
    EXPECT_EQ(me.stat().pid, ::getpid());
    EXPECT_EQ(me.ppid(), ::getppid());
    EXPECT_EQ(me.status(), proc::Status::running)
        << "we are running while we read our own state; "
        << harness::see_lesson(kLesson, "a-psutil-like-process");
}

// Tests that a child's handle names the test as its parent.
TEST(ProcessTest, ChildHasTestAsParent) {
    harness::Gate gate;
    harness::TestChild child = named_child("child", gate);
    proc::Process p(child.pid());
    EXPECT_EQ(p.pid(), child.pid());
    EXPECT_EQ(p.ppid(), ::getpid()) << harness::see_lesson(kLesson, "a-psutil-like-process");
    proc::Status s = p.status();
    EXPECT_TRUE(s == proc::Status::sleeping || s == proc::Status::running)
        << "a child waiting at a gate is sleeping (or about to), got " << proc::to_string(s);
    gate.open();
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that a child that has exited but was not waited for is a zombie.
TEST(ProcessTest, ExitedChildIsZombieUntilWaited) {
    harness::TestChild child = harness::TestChild::fork([] {});
    child.wait_until_zombie();
    EXPECT_EQ(proc::Process(child.pid()).status(), proc::Status::zombie)
        << "an ended child stays a zombie until its parent waits; "
        << harness::see_lesson(kLesson, "zombies-a-preview");
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that status() reads now while stat() keeps the snapshot until refresh().
TEST(ProcessTest, StatusIsLiveSnapshotIsNot) {
    harness::Gate gate;
    harness::TestChild child = named_child("child", gate);
    proc::Process p(child.pid());
    ASSERT_NE(p.stat().state, 'T');
    stop(child);
    EXPECT_EQ(p.status(), proc::Status::stopped)
        << "status() must read /proc again; " << harness::see_lesson(kLesson, "status-letters");
    EXPECT_NE(p.stat().state, 'T') << "the snapshot changes only on refresh()";
    p.refresh();
    EXPECT_EQ(p.stat().state, 'T') << "refresh() must take a new snapshot";
    kill_and_reap(child);
}

// Tests that a PID above pid_max gives NoSuchProcess naming that PID.
TEST(ProcessTest, NonexistentPidThrowsNoSuchProcess) {
    pid_t pid = impossible_pid();
    try {
        proc::Process p(pid);
        ADD_FAILURE() << "Process(" << pid << ") should throw proc::NoSuchProcess";
    } catch (const proc::NoSuchProcess& e) {
        EXPECT_EQ(e.pid(), pid);
        EXPECT_NE(std::string(e.what()).find(std::to_string(pid)), std::string::npos)
            << "the message should name the PID: " << e.what();
    }
}

// Tests that a handle to a process that has been reaped throws NoSuchProcess.
TEST(ProcessTest, ReapedProcessThrowsNoSuchProcess) {
    harness::TestChild child = harness::TestChild::fork([] {});
    proc::Process p(child.pid());
    EXPECT_EXITED_WITH(child.wait(), 0);
    EXPECT_THROW(p.status(), proc::NoSuchProcess)
        << harness::see_lesson(kLesson, "zombies-a-preview");
    EXPECT_THROW(p.ppid(), proc::NoSuchProcess);
    EXPECT_THROW(p.refresh(), proc::NoSuchProcess);
}

// Tests create_time(): ticks after boot over CLK_TCK plus the btime of /proc/stat.
TEST(ProcessTest, CreateTimeIsBootTimePlusTicks) {
    std::string stat = course::read_file("/proc/stat");
    double btime = std::stod(stat.substr(stat.find("\nbtime ") + 7));
    EXPECT_EQ(proc::boot_time(), btime) << harness::see_lesson(kLesson, "when-did-it-start");
    proc::Process me = proc::Process::self();
    double expected =
        static_cast<double>(me.stat().starttime) / static_cast<double>(::sysconf(_SC_CLK_TCK)) +
        btime;
    EXPECT_EQ(me.create_time(), expected) << harness::see_lesson(kLesson, "when-did-it-start");
    harness::TestChild child = harness::TestChild::fork([] {});
    child.wait_until_zombie();
    double child_time = proc::Process(child.pid()).create_time();
    EXPECT_GE(child_time, me.create_time()) << "a child starts after its parent";
    EXPECT_LE(child_time, static_cast<double>(std::time(nullptr)) + 1);
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that a short name (even with parentheses) is the comm field as set by prctl.
TEST(ProcessNameTest, ShortNameIsComm) {
    harness::Gate gate;
    harness::TestChild child = named_child("x) (y", gate);
    proc::Process p(child.pid());
    EXPECT_EQ(p.stat().comm, "x) (y") << harness::see_lesson(kLesson, "reading-procpidstat");
    EXPECT_EQ(p.name(), "x) (y") << harness::see_lesson(kLesson, "names-are-cut-at-15-bytes");
    gate.open();
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that a comm cut at 15 bytes is completed from cmdline[0]'s basename.
TEST(ProcessNameTest, LongNameCompletedFromCmdline) {
    LongNamedCat program;
    harness::RunningCat cat = start_cat({program.link.string(), "-"});
    proc::Process p(cat.pid());
    EXPECT_EQ(p.stat().comm, "a-long-program-") << "the kernel keeps 15 bytes of the name";
    EXPECT_EQ(p.name(), "a-long-program-name-for-cat")
        << harness::see_lesson(kLesson, "names-are-cut-at-15-bytes");
    kill_and_reap(cat.child());
}

// Tests that a 15-byte comm stays as it is when cmdline[0] does not start with it.
TEST(ProcessNameTest, LongNameKeptWhenCmdlineDiffers) {
    harness::Gate gate;
    harness::TestChild child = named_child("fifteen-chars-x", gate);
    EXPECT_EQ(proc::Process(child.pid()).name(), "fifteen-chars-x")
        << harness::see_lesson(kLesson, "names-are-cut-at-15-bytes");
    gate.open();
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests exe() and cmdline() of a child that ran /bin/cat.
TEST(ExeCmdlineTest, ExecedChild) {
    harness::RunningCat cat = start_cat({"/bin/cat", "-"});
    proc::Process p(cat.pid());
    EXPECT_EQ(p.exe(), std::filesystem::canonical("/bin/cat").string())
        << "exe() is the target of /proc/PID/exe; "
        << harness::see_lesson(kLesson, "exe-and-cmdline");
    EXPECT_EQ(p.cmdline(), (std::vector<std::string>{"/bin/cat", "-"}))
        << harness::see_lesson(kLesson, "exe-and-cmdline");
    kill_and_reap(cat.child());
}

// Tests that a program whose file was deleted keeps its path, without " (deleted)".
TEST(ExeCmdlineTest, DeletedProgramKeepsItsPath) {
    LongNamedCat dir;
    std::filesystem::path copy = dir.dir / "cat-copy";
    std::filesystem::copy_file(std::filesystem::canonical("/bin/cat"), copy);
    harness::RunningCat cat = start_cat({copy.string(), "-"});
    std::filesystem::remove(copy);
    EXPECT_EQ(proc::Process(cat.pid()).exe(), copy.string())
        << "psutil drops the kernel's \" (deleted)\" suffix; "
        << harness::see_lesson(kLesson, "exe-and-cmdline");
    kill_and_reap(cat.child());
}

// Tests that the test's own command line is the argv it was started with.
TEST(ExeCmdlineTest, SelfCmdlineIsArgv) {
    EXPECT_EQ(proc::Process::self().cmdline(), ::testing::internal::GetArgvs())
        << harness::see_lesson(kLesson, "exe-and-cmdline");
    EXPECT_EQ(proc::Process::self().exe(),
              std::filesystem::read_symlink("/proc/self/exe").string());
}

// Tests that a zombie has an empty exe and cmdline, as psutil reports.
TEST(ExeCmdlineTest, ZombieHasNoExeNorCmdline) {
    harness::TestChild child = harness::TestChild::fork([] {});
    child.wait_until_zombie();
    proc::Process p(child.pid());
    EXPECT_EQ(p.exe(), "") << "a zombie has no program any more; "
                           << harness::see_lesson(kLesson, "exe-and-cmdline");
    EXPECT_TRUE(p.cmdline().empty()) << harness::see_lesson(kLesson, "exe-and-cmdline");
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that exe() and cmdline() of a reaped process throw NoSuchProcess.
TEST(ExeCmdlineTest, ReapedProcessThrowsNoSuchProcess) {
    harness::TestChild child = harness::TestChild::fork([] {});
    proc::Process p(child.pid());
    EXPECT_EXITED_WITH(child.wait(), 0);
    EXPECT_THROW(p.exe(), proc::NoSuchProcess) << harness::see_lesson(kLesson, "exe-and-cmdline");
    EXPECT_THROW(p.cmdline(), proc::NoSuchProcess);
}

// Tests psutil's splitting of /proc/PID/cmdline, rewritten command lines included.
TEST(ExeCmdlineTest, SplitCmdlineLikePsutil) {
    using args = std::vector<std::string>;
    using namespace std::string_view_literals;
    EXPECT_EQ(proc::split_cmdline(""sv), args{}) << "kernel threads and zombies";
    EXPECT_EQ(proc::split_cmdline("ls\0-l\0/tmp\0"sv), (args{"ls", "-l", "/tmp"}))
        << harness::see_lesson(kLesson, "exe-and-cmdline");
    EXPECT_EQ(proc::split_cmdline("a\0\0"sv), (args{"a", ""})) << "an empty last argument";
    EXPECT_EQ(proc::split_cmdline("a b\0c\0"sv), (args{"a b", "c"}));
    EXPECT_EQ(proc::split_cmdline("nginx: worker process"sv), (args{"nginx:", "worker", "process"}))
        << "no trailing NUL: a rewritten title, split on spaces";
    EXPECT_EQ(proc::split_cmdline("postgres: writer \0"sv), (args{"postgres:", "writer", ""}))
        << "a single NUL-ended argument with spaces is split on spaces too";
}

// Tests that is_running() holds for a live child and a zombie, and not once reaped.
TEST(ProcessTextTest, IsRunningUntilReaped) {
    harness::Gate gate;
    harness::TestChild child = named_child("child", gate);
    proc::Process p(child.pid());
    EXPECT_TRUE(p.is_running()) << harness::see_lesson(kLesson, "is-it-still-the-same-process");
    gate.open();
    child.wait_until_zombie();
    EXPECT_TRUE(p.is_running()) << "a zombie still exists; "
                                << harness::see_lesson(kLesson, "is-it-still-the-same-process");
    EXPECT_EXITED_WITH(child.wait(), 0);
    EXPECT_FALSE(p.is_running()) << "a reaped process is gone";
}

// Tests psutil's rule for `started`: time only when less than a day old.
TEST(ProcessTextTest, FormatStartTime) {
    double t = 1700000000.75;
    EXPECT_EQ(proc::format_start_time(t, t + 10), local_time(t, "%H:%M:%S"))
        << harness::see_lesson(kLesson, "the-text-form");
    EXPECT_EQ(proc::format_start_time(t, t + 86399), local_time(t, "%H:%M:%S"));
    EXPECT_EQ(proc::format_start_time(t, t + 86400), local_time(t, "%Y-%m-%d %H:%M:%S"))
        << "a day or more ago shows the date; " << harness::see_lesson(kLesson, "the-text-form");
}

// Tests the text form of the test process itself, and operator<<.
TEST(ProcessTextTest, SelfText) {
    proc::Process me = proc::Process::self();
    std::string expected = "Process(pid=" + std::to_string(::getpid()) + ", name='" + me.name() +
                           "', status='running', started='" +
                           proc::format_start_time(me.create_time(), std::time(nullptr)) + "')";
    EXPECT_EQ(me.to_string(), expected) << harness::see_lesson(kLesson, "the-text-form");
    std::ostringstream out;
    out << me;
    EXPECT_EQ(out.str(), expected);
}

// Tests that names are quoted as Python's repr() quotes them.
TEST(ProcessTextTest, NamesQuotedLikePython) {
    harness::Gate gate;
    harness::TestChild parens = named_child("x) (y", gate);
    harness::TestChild quote = named_child("it's", gate);
    stop(parens);
    stop(quote);
    std::string a = proc::Process(parens.pid()).to_string();
    std::string b = proc::Process(quote.pid()).to_string();
    EXPECT_NE(a.find(", name='x) (y', status='stopped', started='"), std::string::npos)
        << a << "; " << harness::see_lesson(kLesson, "the-text-form");
    EXPECT_NE(b.find(", name=\"it's\", status='stopped'"), std::string::npos)
        << b << ": Python uses double quotes for a name holding a single quote";
    kill_and_reap(parens);
    kill_and_reap(quote);
}

// Tests that the text form of a process that has gone says status='terminated'.
TEST(ProcessTextTest, GoneProcessIsTerminated) {
    harness::TestChild child = harness::TestChild::fork([] {});
    proc::Process p(child.pid());
    EXPECT_EXITED_WITH(child.wait(), 0);
    EXPECT_NE(p.to_string().find("status='terminated'"), std::string::npos)
        << p.to_string() << "; " << harness::see_lesson(kLesson, "the-text-form");
}

namespace {

// What psutil says about one process: the fields of one line the script prints.
struct PsutilView {
    pid_t ppid = 0;
    std::string status, name, exe, repr;
    double create_time = 0;
    std::vector<std::string> cmdline;
};

std::string unhex(const std::string& text) {  // "x" + hex digits -> bytes
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); i += 2) {
        out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
    }
    return out;
}

// A zombie has no program and no command line left: psutil 5.9 (Debian 12, Ubuntu 22.04)
// says '' and [], psutil 7 (Debian 13) raises ZombieProcess instead; either reads as empty.
const char* const kPsutilScript = R"(
import sys, psutil
h = lambda s: 'x' + s.encode('utf-8', 'surrogateescape').hex()
def unless_zombie(field, empty):
    try:
        return field()
    except psutil.ZombieProcess:
        return empty
for pid in map(int, sys.argv[1:]):
    p = psutil.Process(pid)
    c = unless_zombie(p.cmdline, [])
    print(pid, p.ppid(), p.status(), repr(p.create_time()), h(p.name()),
          h(unless_zombie(p.exe, '')), len(c), h('\0'.join(c)),
          h(str(p).replace('psutil.', '', 1)))
)";

// Runs psutil over @p pids through a pipe; an empty map if psutil is missing.
std::map<pid_t, PsutilView> ask_psutil(const std::vector<pid_t>& pids) {
    std::vector<std::string> argv = {"/usr/bin/python3", "-c", kPsutilScript};
    for (pid_t pid : pids)
        argv.push_back(std::to_string(pid));
    course::Pipe out = course::make_pipe();
    harness::TestChild python = harness::TestChild::fork([&] {
        course::check(::dup2(out.write.get(), STDOUT_FILENO), "dup2");
        harness::exec_or_exit(argv);
    });
    out.write.reset();
    std::string text;
    char buffer[4096];
    while (ssize_t n = course::retry_on_eintr(
               "read", [&] { return ::read(out.read.get(), buffer, sizeof buffer); })) {
        text.append(buffer, static_cast<size_t>(n));
    }
    EXPECT_EXITED_WITH(python.wait(), 0) << "the psutil script failed";
    std::map<pid_t, PsutilView> views;
    std::istringstream lines(text);
    pid_t pid;
    PsutilView v;
    size_t count;
    std::string cmd;
    while (lines >> pid >> v.ppid >> v.status >> v.create_time >> v.name >> v.exe >> count >> cmd >>
           v.repr) {
        v.name = unhex(v.name), v.exe = unhex(v.exe), v.repr = unhex(v.repr);
        v.cmdline.clear();
        if (count > 0) {
            std::istringstream args(unhex(cmd));
            for (std::string arg; std::getline(args, arg, '\0');)
                v.cmdline.push_back(arg);
            if (v.cmdline.size() < count)
                v.cmdline.push_back("");
        }
        views[pid] = v;
    }
    return views;
}

bool psutil_available() {
    harness::TestChild check =
        harness::TestChild::exec({"/usr/bin/python3", "-c", "import psutil"});
    int status = check.wait();
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

// Tests that every field agrees with psutil for ourselves and for children in known states.
TEST(PsutilAgreementTest, SelfAndChildrenAgreeWithPsutil) {
    if (!psutil_available())
        GTEST_SKIP() << "/usr/bin/python3 cannot import psutil";
    harness::Gate gate;
    harness::TestChild renamed = named_child("x) (y", gate);
    LongNamedCat program;
    harness::RunningCat cat = start_cat({program.link.string(), "-"});
    harness::TestChild& reader = cat.child();  // blocked reading its input
    harness::TestChild zombie = harness::TestChild::fork([] {});
    stop(renamed);
    stop(reader);
    zombie.wait_until_zombie();
    std::vector<pid_t> pids = {::getpid(), renamed.pid(), reader.pid(), zombie.pid()};
    std::map<pid_t, PsutilView> psutil = ask_psutil(pids);
    for (pid_t pid : pids) {
        SCOPED_TRACE("PID " + std::to_string(pid) + "; " +
                     harness::see_lesson(kLesson, "a-psutil-like-process"));
        ASSERT_EQ(psutil.count(pid), 1u) << "psutil printed nothing for this PID";
        const PsutilView& theirs = psutil[pid];
        proc::Process ours(pid);
        EXPECT_EQ(ours.ppid(), theirs.ppid);
        EXPECT_EQ(ours.name(), theirs.name);
        EXPECT_NEAR(ours.create_time(), theirs.create_time, 0.01);
        EXPECT_EQ(ours.exe(), theirs.exe);
        EXPECT_EQ(ours.cmdline(), theirs.cmdline);
        if (pid == ::getpid())
            continue;  // we run now; psutil saw us sleeping on the pipe
        EXPECT_EQ(proc::to_string(ours.status()), theirs.status);
        EXPECT_EQ(ours.to_string(), theirs.repr);
    }
    kill_and_reap(renamed);
    kill_and_reap(reader);
    EXPECT_EXITED_WITH(zombie.wait(), 0);
}
