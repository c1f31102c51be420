// Lab 02 tests: every PID, the table snapshot, the PID-reuse guard, parents, children,
// the drawn tree, and an orphan re-parented for real. Live tests use children of the
// test process held at a harness::Gate; the others use crafted tables, so that what
// they expect is exact whatever else runs on the machine.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"
#include "hierarchy.hpp"

namespace {

using proc::Process;
using proc::ProcessTable;
using proc::StatFields;

const char* const kLesson = "02-hierarchy.md";

bool contains(const std::vector<pid_t>& list, pid_t pid) {
    return std::find(list.begin(), list.end(), pid) != list.end();
}

std::vector<pid_t> pids_of(const std::vector<Process>& processes) {
    std::vector<pid_t> out;
    for (const Process& p : processes)
        out.push_back(p.pid());
    return out;
}

StatFields entry(pid_t pid, const std::string& comm, pid_t ppid, unsigned long long start) {
    StatFields fields;
    fields.pid = pid;
    fields.comm = comm;
    fields.state = 'S';
    fields.ppid = ppid;
    fields.starttime = start;
    return fields;
}

// A machine in miniature. stale(600) claims bash(812) as its parent, but started before
// bash did: its real parent died and bash was later given the recycled PID 812.
ProcessTable crafted_table() {
    ProcessTable table;
    table.entries = {entry(1, "init", 0, 0),       entry(600, "stale", 812, 5),
                     entry(640, "sshd", 1, 10),    entry(700, "cron", 1, 15),
                     entry(812, "bash", 1, 20),    entry(990, "proc", 812, 30),
                     entry(991, "vim", 812, 31),   entry(995, "sleep", 990, 40),
                     entry(1200, "sshd", 640, 50), entry(1300, "sshd", 640, 60)};
    return table;
}

// The comm of the calling process, as its own /proc/self/stat says.
std::string own_comm() {
    return proc::parse_stat(course::read_file("/proc/self/stat")).comm;
}

// Sends one PID down a pipe (from a child to the test).
void send_pid(int fd, pid_t pid) {
    course::retry_on_eintr("write", [&] { return ::write(fd, &pid, sizeof pid); });
}

// Receives one PID sent by send_pid.
pid_t receive_pid(int fd) {
    pid_t pid = 0;
    ssize_t n = course::retry_on_eintr("read", [&] { return ::read(fd, &pid, sizeof pid); });
    if (n != static_cast<ssize_t>(sizeof pid))
        throw std::runtime_error("child sent no PID");
    return pid;
}

// Forks a child that forks a grandchild; both wait at @p gate. The grandchild's PID
// comes back through a pipe. The middle child reaps the grandchild before exiting.
harness::TestChild fork_with_grandchild(harness::Gate& gate, pid_t& grandchild) {
    course::Pipe report = course::make_pipe();
    harness::TestChild middle = harness::TestChild::fork([&] {
        gate.child_side();
        pid_t pid = course::check(::fork(), "fork");
        if (pid == 0) {
            gate.wait();
            ::_exit(0);
        }
        send_pid(report.write.get(), pid);
        gate.wait();
        int status = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    });
    report.write.reset();
    grandchild = receive_pid(report.read.get());
    return middle;
}

// Makes the test process a child subreaper for one test, then restores what it was.
class SubreaperScope {
  public:
    SubreaperScope() {
        course::check(::prctl(PR_GET_CHILD_SUBREAPER, &before_), "prctl PR_GET_CHILD_SUBREAPER");
        course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl PR_SET_CHILD_SUBREAPER");
    }
    ~SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, before_); }
    SubreaperScope(const SubreaperScope&) = delete;
    SubreaperScope& operator=(const SubreaperScope&) = delete;

  private:
    int before_ = 0;
};

// Owns an adopted orphan (a child by re-parenting, so no TestChild): kills and reaps it
// at the end unless the test reaped it.
class Adopted {
  public:
    /// Takes charge of child @p pid.
    explicit Adopted(pid_t pid) : pid_(pid) {}
    ~Adopted() {
        if (pid_ <= 0)
            return;
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    Adopted(const Adopted&) = delete;
    Adopted& operator=(const Adopted&) = delete;
    /// Waits for and reaps the orphan. @returns the raw status.
    int wait() {
        int status = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid_, &status, 0); });
        pid_ = -1;
        return status;
    }

  private:
    pid_t pid_;
};

// --- Task 1: pids() ---

// Tests that the calling process is among pids().
TEST(PidsTest, ContainsSelf) {
    EXPECT_TRUE(contains(proc::pids(), ::getpid()))
        << "pids() should list every numeric entry of /proc, this process (" << ::getpid()
        << ") included; " << harness::see_lesson(kLesson, "every-pid-on-the-machine");
}

// Tests that pids() is sorted ascending with no duplicates.
TEST(PidsTest, IsSortedWithoutDuplicates) {
    std::vector<pid_t> all = proc::pids();
    EXPECT_FALSE(all.empty()) << "pids() found no process at all";
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end()))
        << "pids() should be sorted ascending (readdir's order is not PID order); "
        << harness::see_lesson(kLesson, "every-pid-on-the-machine");
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end())
        << "pids() lists a PID twice; " << harness::see_lesson(kLesson, "every-pid-on-the-machine");
    EXPECT_GT(all.front(), 0) << "PIDs are positive: 'self' and other names are not PIDs";
}

// Tests that a child started just now is in pids().
TEST(PidsTest, ContainsNewChild) {
    harness::Gate gate;
    auto child = harness::TestChild::fork([&] {
        gate.child_side();
        gate.wait();
    });
    EXPECT_TRUE(contains(proc::pids(), child.pid()))
        << "a child started before the call (PID " << child.pid() << ") should be listed; "
        << harness::see_lesson(kLesson, "every-pid-on-the-machine");
    gate.open();
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// --- Task 2: scan_processes() and ProcessTable::find ---

// Tests that find() looks up a crafted table by PID and returns nullptr for a gap.
TEST(TableTest, FindLooksUpByPid) {
    ProcessTable table = crafted_table();
    const StatFields* found = table.find(812);
    ASSERT_NE(found, nullptr) << "find(812) should return the entry with pid 812; "
                              << harness::see_lesson(kLesson, "one-snapshot-of-the-table");
    EXPECT_EQ(found->comm, "bash");
    EXPECT_EQ(table.find(813), nullptr) << "find() of a PID not in the table returns nullptr";
    EXPECT_EQ(table.find(0), nullptr) << "find(0): no entry, nullptr";
    EXPECT_EQ(table.find(5000), nullptr) << "find() past the last entry returns nullptr";
}

// Tests that the snapshot holds this process, with its real parent, sorted by PID.
TEST(TableTest, HoldsSelfSortedByPid) {
    ProcessTable table = proc::scan_processes();
    const StatFields* me = table.find(::getpid());
    ASSERT_NE(me, nullptr) << "scan_processes() should hold an entry for this process; "
                           << harness::see_lesson(kLesson, "one-snapshot-of-the-table");
    EXPECT_EQ(me->ppid, ::getppid()) << "the entry's ppid is field 4 of /proc/PID/stat";
    EXPECT_EQ(me->comm, own_comm());
    EXPECT_TRUE(std::is_sorted(table.entries.begin(), table.entries.end(),
                               [](const auto& a, const auto& b) { return a.pid < b.pid; }))
        << "entries must be sorted by PID (find() relies on it)";
}

// Tests that a child held at a gate and a zombie child are both in the snapshot.
TEST(TableTest, HoldsLiveChildAndZombie) {
    harness::Gate gate;
    auto waiting = harness::TestChild::fork([&] {
        gate.child_side();
        gate.wait();
    });
    auto ended = harness::TestChild::fork([] {});
    ended.wait_until_zombie();
    ProcessTable table = proc::scan_processes();
    const StatFields* live = table.find(waiting.pid());
    const StatFields* zombie = table.find(ended.pid());
    ASSERT_NE(live, nullptr) << "a child waiting at a gate should be in the table; "
                             << harness::see_lesson(kLesson, "one-snapshot-of-the-table");
    EXPECT_EQ(live->ppid, ::getpid());
    ASSERT_NE(zombie, nullptr) << "a zombie still has /proc/PID/stat: it belongs in the table";
    EXPECT_EQ(zombie->state, 'Z');
    gate.open();
    EXPECT_EXITED_WITH(waiting.wait(), 0);
    EXPECT_EXITED_WITH(ended.wait(), 0);
}

// --- Task 3: may_be_parent() ---

// Tests that a parent that started before (or in the same tick as) its child passes.
TEST(ParentTest, GuardAcceptsOlderParent) {
    EXPECT_TRUE(proc::may_be_parent(entry(10, "a", 1, 100), entry(11, "b", 10, 150)))
        << "a parent started at tick 100, its child at 150: a real parent; "
        << harness::see_lesson(kLesson, "pid-reuse-and-the-guard");
    EXPECT_TRUE(proc::may_be_parent(entry(10, "a", 1, 100), entry(11, "b", 10, 100)))
        << "start times are in clock ticks: a child forked in its parent's first tick has "
           "the same start time, and psutil accepts it (<=)";
}

// Tests that a "parent" younger than its child is rejected: its PID was recycled.
TEST(ParentTest, GuardRejectsYoungerParent) {
    EXPECT_FALSE(proc::may_be_parent(entry(10, "a", 1, 200), entry(11, "b", 10, 150)))
        << "PID 10 started at tick 200, after its supposed child (150): it is a newer process "
           "that got the dead parent's PID; "
        << harness::see_lesson(kLesson, "pid-reuse-and-the-guard");
}

// Tests that the guard checks the link itself: the child's ppid must be the parent's PID.
TEST(ParentTest, GuardRejectsOtherPid) {
    EXPECT_FALSE(proc::may_be_parent(entry(10, "a", 1, 100), entry(11, "b", 12, 150)))
        << "a process whose ppid is 12 is not a child of PID 10; "
        << harness::see_lesson(kLesson, "pid-reuse-and-the-guard");
}

// --- Task 4: parent() and parents() ---

// Tests that our parent() is the process getppid() names.
TEST(ParentTest, ParentOfSelfIsGetppid) {
    std::optional<Process> parent = proc::parent(Process::self());
    if (::getppid() == 0) {
        EXPECT_FALSE(parent.has_value()) << "getppid() is 0: this process is a tree's top";
        return;
    }
    ASSERT_TRUE(parent.has_value()) << "parent() should find PID " << ::getppid() << "; "
                                    << harness::see_lesson(kLesson, "your-parent");
    EXPECT_EQ(parent->pid(), ::getppid());
}

// Tests that a child's parent() is this process.
TEST(ParentTest, ParentOfChildIsSelf) {
    harness::Gate gate;
    auto child = harness::TestChild::fork([&] {
        gate.child_side();
        gate.wait();
    });
    std::optional<Process> parent = proc::parent(Process(child.pid()));
    ASSERT_TRUE(parent.has_value()) << "the child's parent() should be this process; "
                                    << harness::see_lesson(kLesson, "your-parent");
    EXPECT_EQ(parent->pid(), ::getpid());
    gate.open();
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that parents() starts at getppid(), follows ppid links, and ends at a top.
TEST(ParentsTest, FollowsPpidToTheTop) {
    std::vector<Process> chain = proc::parents(Process::self());
    if (::getppid() == 0) {
        EXPECT_TRUE(chain.empty()) << "getppid() is 0: no parents";
        return;
    }
    ASSERT_FALSE(chain.empty()) << "parents() should start with our parent; "
                                << harness::see_lesson(kLesson, "up-the-chain-to-pid-1");
    EXPECT_EQ(chain.front().pid(), ::getppid());
    for (size_t i = 1; i < chain.size(); ++i) {
        EXPECT_EQ(chain[i].pid(), chain[i - 1].ppid())
            << "link " << i << " of parents() should be the ppid of link " << i - 1;
    }
    EXPECT_FALSE(proc::parent(chain.back()).has_value())
        << "parents() stops only at a process with no parent (PID " << chain.back().pid()
        << " has one); " << harness::see_lesson(kLesson, "up-the-chain-to-pid-1");
}

// Tests that a child's chain is this process followed by this process's own chain.
TEST(ParentsTest, ChildChainExtendsOurs) {
    harness::Gate gate;
    auto child = harness::TestChild::fork([&] {
        gate.child_side();
        gate.wait();
    });
    std::vector<pid_t> ours = pids_of(proc::parents(Process::self()));
    ours.insert(ours.begin(), ::getpid());
    EXPECT_EQ(pids_of(proc::parents(Process(child.pid()))), ours)
        << "the child's parents() should be [this process] + this process's parents(); "
        << harness::see_lesson(kLesson, "up-the-chain-to-pid-1");
    gate.open();
    EXPECT_EXITED_WITH(child.wait(), 0);
}

// --- Task 5: child_pids() and children() ---

// Tests direct and recursive children in a crafted table, reused PID excluded.
TEST(ChildrenTest, ChildPidsOfCraftedTable) {
    ProcessTable table = crafted_table();
    EXPECT_EQ(proc::child_pids(table, 812, false), (std::vector<pid_t>{990, 991}))
        << "bash(812)'s children are 990 and 991; stale(600) says ppid 812 but started "
           "before bash: not its child; "
        << harness::see_lesson(kLesson, "pid-reuse-and-the-guard");
    EXPECT_EQ(proc::child_pids(table, 1, true),
              (std::vector<pid_t>{640, 1200, 1300, 700, 812, 990, 995, 991}))
        << "recursive: depth first, each child followed by its descendants; "
        << harness::see_lesson(kLesson, "children");
    EXPECT_TRUE(proc::child_pids(table, 995, true).empty()) << "a leaf has no children";
}

// Tests that child_pids() of a PID the table lacks raises NoSuchProcess.
TEST(ChildrenTest, ChildPidsOfUnknownPidThrows) {
    EXPECT_THROW(proc::child_pids(crafted_table(), 4242, false), proc::NoSuchProcess)
        << "PID 4242 is not in the table; " << harness::see_lesson(kLesson, "children");
}

// Tests that children() lists exactly the children this test started.
TEST(ChildrenTest, ListsExactlyOurChildren) {
    harness::Gate gate;
    std::vector<harness::TestChild> started;
    std::vector<pid_t> expected;
    for (int i = 0; i < 3; ++i) {
        started.push_back(harness::TestChild::fork([&] {
            gate.child_side();
            gate.wait();
        }));
        expected.push_back(started.back().pid());
    }
    std::vector<pid_t> found = pids_of(proc::children(Process::self()));
    std::sort(expected.begin(), expected.end());
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, expected) << "children() should list the three children, no more; "
                               << harness::see_lesson(kLesson, "children");
    EXPECT_TRUE(proc::children(Process(expected[0])).empty()) << "a child that forked nothing";
    gate.open();
    for (auto& child : started)
        EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that children(true) reaches a grandchild, after its parent.
TEST(ChildrenTest, RecursiveFindsGrandchild) {
    // If the test fails, the middle child is killed; as a subreaper we adopt the
    // grandchild, so the test main can reap it instead of leaving a zombie to PID 1.
    SubreaperScope subreaper;
    harness::Gate gate;
    pid_t grandchild = 0;
    auto middle = fork_with_grandchild(gate, grandchild);
    EXPECT_EQ(pids_of(proc::children(Process::self(), false)), (std::vector<pid_t>{middle.pid()}))
        << "without recursive, only the direct child; " << harness::see_lesson(kLesson, "children");
    EXPECT_EQ(pids_of(proc::children(Process::self(), true)),
              (std::vector<pid_t>{middle.pid(), grandchild}))
        << "recursive: the child, then its child (the grandchild); "
        << harness::see_lesson(kLesson, "children");
    gate.open();
    EXPECT_EXITED_WITH(middle.wait(), 0);
}

// --- Re-parenting, seen with Tasks 4 and 5 ---

// Tests that an orphan is adopted by the nearest subreaper: this process.
TEST(ReparentTest, OrphanIsAdoptedBySubreaper) {
    SubreaperScope subreaper;
    harness::Gate gate;
    course::Pipe report = course::make_pipe();
    auto middle = harness::TestChild::fork([&] {
        gate.child_side();
        pid_t pid = course::check(::fork(), "fork");
        if (pid == 0) {
            gate.wait();
            ::_exit(0);
        }
        send_pid(report.write.get(), pid);  // and exit at once: the grandchild is orphaned
    });
    report.write.reset();
    pid_t orphan = receive_pid(report.read.get());
    Adopted adopted(orphan);
    // Once the middle child is reaped, it has exited, and exiting re-parented its child.
    EXPECT_EXITED_WITH(middle.wait(), 0);
    EXPECT_EQ(Process(orphan).ppid(), ::getpid())
        << "the orphan's ppid should now be this process, the nearest subreaper; "
        << harness::see_lesson(kLesson, "orphans-and-re-parenting");
    std::optional<Process> parent = proc::parent(Process(orphan));
    ASSERT_TRUE(parent.has_value()) << "the adopted orphan has a parent: this process";
    EXPECT_EQ(parent->pid(), ::getpid());
    EXPECT_TRUE(contains(pids_of(proc::children(Process::self())), orphan))
        << "the adopted orphan is now one of our children; "
        << harness::see_lesson(kLesson, "orphans-and-re-parenting");
    gate.open();
    EXPECT_EXITED_WITH(adopted.wait(), 0);
}

// --- Task 6: roots() and render_tree() ---

// Tests the exact drawing of a crafted table.
TEST(TreeTest, DrawsCraftedTable) {
    const std::string expected =
        "init(1)─┬─sshd(640)─┬─sshd(1200)\n"
        "        │           └─sshd(1300)\n"
        "        ├─cron(700)\n"
        "        └─bash(812)─┬─proc(990)───sleep(995)\n"
        "                    └─vim(991)\n";
    EXPECT_EQ(proc::render_tree(crafted_table(), 1), expected)
        << "children by PID; one child joined with ───, several with ─┬─ ├─ └─, │ continuing "
           "a branch; stale(600) is not bash's child; "
        << harness::see_lesson(kLesson, "drawing-the-tree");
}

// Tests that a subtree can be drawn from any process, and a leaf is one line.
TEST(TreeTest, DrawsSubtreeAndLeaf) {
    ProcessTable table = crafted_table();
    EXPECT_EQ(proc::render_tree(table, 990), "proc(990)───sleep(995)\n")
        << harness::see_lesson(kLesson, "drawing-the-tree");
    EXPECT_EQ(proc::render_tree(table, 700), "cron(700)\n") << "a leaf is its label alone";
}

// Tests that drawing a PID the table lacks raises NoSuchProcess.
TEST(TreeTest, UnknownRootThrows) {
    EXPECT_THROW(proc::render_tree(crafted_table(), 4242), proc::NoSuchProcess)
        << harness::see_lesson(kLesson, "drawing-the-tree");
}

// Tests that roots() are the entries with no valid parent in the table.
TEST(TreeTest, RootsHaveNoValidParent) {
    EXPECT_EQ(proc::roots(crafted_table()), (std::vector<pid_t>{1, 600}))
        << "init(1) has ppid 0; stale(600)'s ppid 812 is a younger process, so stale is a "
           "top too; "
        << harness::see_lesson(kLesson, "drawing-the-tree");
}

// Tests the drawing of this process with two children, from a live snapshot.
TEST(TreeTest, DrawsOurChildren) {
    harness::Gate gate;
    auto first = harness::TestChild::fork([&] {
        gate.child_side();
        gate.wait();
    });
    auto second = harness::TestChild::fork([&] {
        gate.child_side();
        gate.wait();
    });
    std::string drawing = proc::render_tree(proc::scan_processes(), ::getpid());
    std::string comm = own_comm();  // forked children keep the parent's name
    std::string label = comm + "(" + std::to_string(::getpid()) + ")";
    pid_t low = std::min(first.pid(), second.pid()), high = std::max(first.pid(), second.pid());
    std::string expected = label + "─┬─" + comm + "(" + std::to_string(low) + ")\n" +
                           std::string(label.size(), ' ') + " └─" + comm + "(" +
                           std::to_string(high) + ")\n";
    EXPECT_EQ(drawing, expected) << harness::see_lesson(kLesson, "drawing-the-tree");
    gate.open();
    EXPECT_EXITED_WITH(first.wait(), 0);
    EXPECT_EXITED_WITH(second.wait(), 0);
}

}  // namespace
