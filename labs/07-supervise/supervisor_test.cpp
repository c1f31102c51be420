// Lab 07's tests, task 3: a supervisor with backoff, a start limit and a clean stop.
// Time is fake: the clock is a variable and "sleeping" adds to it, so backoff sequences
// are checked exactly and instantly. The tasks are real (forked) processes.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "course/todo.hpp"
#include "harness/testsupport.hpp"
#include "supervisor.hpp"
#include "test_children.hpp"

namespace {

using namespace std::chrono_literals;
using proc::SupervisorOutcome;

const char* kLesson = "07-forever-tasks.md";
const char* kSection = "supervisors-restart-back-off-give-up";

// A fake clock, the sleeps the supervisor asked for, and everything it logged.
struct FakeWorld {
    double now = 0;
    std::vector<double> sleeps;
    std::vector<std::string> log;
    bool stop_during_sleep = false;

    proc::SupervisorOptions options() {
        proc::SupervisorOptions options;
        options.name = "task";
        options.clock = [this] { return now; };
        options.sleep_for = [this](double seconds, int) {
            sleeps.push_back(seconds);
            now += seconds;
            return !stop_during_sleep;
        };
        options.log = [this](const std::string& line) { log.push_back(line); };
        return options;
    }
};

// A launch whose task exits at once with @p code; records the PIDs it started.
proc::Supervisor::Launch failing_task(std::vector<pid_t>& pids, int code = 1) {
    return [&pids, code] {
        auto child = lab07::fork_in_group([code] { ::_exit(code); });
        pids.push_back(child.pid());
        return child;
    };
}

// Tests the backoff formula: doubling from the initial delay, capped.
TEST(BackoffTest, DoublesAndIsCapped) {
    proc::SupervisorOptions options;
    options.initial_backoff = 0.1;
    options.backoff_factor = 2;
    options.max_backoff = 0.5;
    std::vector<double> delays;
    for (int deaths = 1; deaths <= 5; ++deaths)
        delays.push_back(proc::backoff_delay(options, deaths));
    ASSERT_EQ(delays.size(), 5u);
    EXPECT_DOUBLE_EQ(delays[0], 0.1);
    EXPECT_DOUBLE_EQ(delays[1], 0.2);
    EXPECT_DOUBLE_EQ(delays[2], 0.4);
    EXPECT_DOUBLE_EQ(delays[3], 0.5)
        << "never more than max_backoff; " << harness::see_lesson(kLesson, "exponential-backoff");
    EXPECT_DOUBLE_EQ(delays[4], 0.5);
}

// Tests that a task that always fails is restarted max_restarts times, then given up on.
TEST(SupervisorTest, GivesUpAfterMaxRestarts) {
    FakeWorld world;
    auto options = world.options();
    options.max_restarts = 3;
    std::vector<pid_t> pids;
    auto result = proc::Supervisor(failing_task(pids), options).run();
    EXPECT_EQ(result.outcome, SupervisorOutcome::gave_up) << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(result.starts, 4) << "the first start plus 3 restarts";
    ASSERT_TRUE(result.last_status.has_value());
    EXPECT_EXITED_WITH(result.last_status->raw(), 1);
    EXPECT_EQ(world.sleeps, (std::vector<double>{0.1, 0.2, 0.4}));
    EXPECT_TRUE(harness::children_of(::getpid()).empty()) << "every task must be reaped";
}

// Tests every log line of a run that gives up, word for word.
TEST(SupervisorTest, LogsEveryEventExactly) {
    FakeWorld world;
    auto options = world.options();
    options.max_restarts = 1;
    options.window = 60;
    std::vector<pid_t> pids;
    proc::Supervisor(failing_task(pids, 2), options).run();
    ASSERT_EQ(pids.size(), 2u);
    auto task = [&](int i) { return "task (pid " + std::to_string(pids[i]) + ")"; };
    std::vector<std::string> expected{
        "started " + task(0),
        task(0) + " exited with code 2",
        "restarting task in 0.1 s",
        "started " + task(1),
        task(1) + " exited with code 2",
        "giving up on task: it failed 2 times in 60 s (exited with code 2 each time)"};
    EXPECT_EQ(world.log, expected) << "the log lines are in supervisor.hpp's class comment";
}

// Tests the backoff sequence over many restarts, capped at max_backoff.
TEST(SupervisorTest, BackoffSequenceIsExactAndCapped) {
    FakeWorld world;
    auto options = world.options();
    options.max_restarts = 6;
    options.max_backoff = 0.5;
    std::vector<pid_t> pids;
    proc::Supervisor(failing_task(pids), options).run();
    EXPECT_EQ(world.sleeps, (std::vector<double>{0.1, 0.2, 0.4, 0.5, 0.5, 0.5}))
        << harness::see_lesson(kLesson, "exponential-backoff");
}

// Tests that deaths older than the window are forgotten: the count, and the backoff,
// start again after a long healthy run.
TEST(SupervisorTest, DeathsOutsideWindowDoNotCount) {
    FakeWorld world;
    auto options = world.options();
    options.max_restarts = 3;
    options.window = 10;
    std::vector<pid_t> pids;
    auto launch = failing_task(pids);
    auto result = proc::Supervisor(
                      [&] {
                          if (pids.size() == 2)
                              world.now += 20;  // the 3rd run lasts 20 s
                          return launch();
                      },
                      options)
                      .run();
    // Deaths at 0, 0.1 (forgotten by 20.3), then 20.3, 20.4, 20.6, 21.0: four in 10 s.
    EXPECT_EQ(world.sleeps, (std::vector<double>{0.1, 0.2, 0.1, 0.2, 0.4}))
        << "after 20 s of running, the two early deaths are out of the 10 s window; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(result.starts, 6);
    EXPECT_EQ(result.outcome, SupervisorOutcome::gave_up);
}

// Tests the give-up message when the task died in different ways.
TEST(SupervisorTest, GiveUpMessageNamesLastStatusWhenTheyDiffer) {
    FakeWorld world;
    auto options = world.options();
    options.max_restarts = 1;
    std::vector<pid_t> pids;
    int code = 0;
    auto result = proc::Supervisor(
                      [&] {
                          auto child = lab07::fork_in_group([c = ++code] { ::_exit(c); });
                          pids.push_back(child.pid());
                          return child;
                      },
                      options)
                      .run();
    EXPECT_EQ(result.outcome, SupervisorOutcome::gave_up);
    ASSERT_FALSE(world.log.empty());
    EXPECT_EQ(world.log.back(),
              "giving up on task: it failed 2 times in 60 s (last time: exited with code 2)");
}

// Tests stop(): the running task gets SIGTERM, cleans up, and the supervisor returns.
TEST(SupervisorTest, StopTerminatesTaskCleanly) {
    FakeWorld world;
    auto options = world.options();
    auto stop = course::make_pipe();
    auto words = course::make_pipe();
    options.stop_fd = stop.read.get();
    pid_t pid = -1;
    auto launch = [&] {
        auto child = lab07::fork_in_group([&] {
            lab07::block_signal(SIGTERM);
            lab07::put(words.write.get(), "ready\n");
            lab07::clean_shutdown_on_term(words.write.get());
        });
        pid = child.pid();
        EXPECT_EQ(lab07::get_line(words.read.get()), "ready");
        lab07::put(stop.write.get(), "x");  // "stop now": the stop descriptor is readable
        return child;
    };
    auto result = proc::Supervisor(launch, options).run();
    words.write.reset();
    EXPECT_EQ(result.outcome, SupervisorOutcome::stopped) << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(result.starts, 1);
    EXPECT_EQ(lab07::get_line(words.read.get()), "cleaned up") << "stopping sends SIGTERM first";
    ASSERT_TRUE(result.last_status.has_value());
    EXPECT_KILLED_BY(result.last_status->raw(), SIGTERM);
    std::string task = "task (pid " + std::to_string(pid) + ")";
    EXPECT_EQ(world.log,
              (std::vector<std::string>{"started " + task, "stopping " + task,
                                        task + " ended after SIGTERM: killed by SIGTERM"}));
    EXPECT_TRUE(harness::children_of(::getpid()).empty());
}

// Tests that a task ignoring SIGTERM is killed after the grace period when stopping.
TEST(SupervisorTest, StopKillsTaskIgnoringSigterm) {
    FakeWorld world;
    auto options = world.options();
    options.grace = 10ms;
    auto stop = course::make_pipe();
    auto hold = course::make_pipe();
    options.stop_fd = stop.read.get();
    auto launch = [&] {
        auto ready = course::make_pipe();
        auto child = lab07::fork_in_group([&] {
            ::signal(SIGTERM, SIG_IGN);
            lab07::put(ready.write.get(), "ready\n");
            lab07::hold_forever(hold.read.get());
        });
        ready.write.reset();
        EXPECT_EQ(lab07::get_line(ready.read.get()), "ready");
        lab07::put(stop.write.get(), "x");
        return child;
    };
    auto result = proc::Supervisor(launch, options).run();
    EXPECT_EQ(result.outcome, SupervisorOutcome::stopped);
    ASSERT_TRUE(result.last_status.has_value());
    EXPECT_KILLED_BY(result.last_status->raw(), SIGKILL) << harness::see_lesson(kLesson, kSection);
    ASSERT_FALSE(world.log.empty());
    EXPECT_NE(world.log.back().find("killed by SIGKILL after the grace period"), std::string::npos)
        << world.log.back();
}

// Tests a stop that arrives during the backoff: no new start, a clear log line.
TEST(SupervisorTest, StopDuringBackoffStartsNothingMore) {
    FakeWorld world;
    world.stop_during_sleep = true;
    std::vector<pid_t> pids;
    auto result = proc::Supervisor(failing_task(pids), world.options()).run();
    EXPECT_EQ(result.outcome, SupervisorOutcome::stopped);
    EXPECT_EQ(result.starts, 1);
    ASSERT_FALSE(world.log.empty());
    EXPECT_EQ(world.log.back(), "stopped while waiting to restart task");
}

// Tests that an exception from launch comes out of run(), after reaping what ran before.
TEST(SupervisorTest, LaunchFailurePropagates) {
    FakeWorld world;
    std::vector<pid_t> pids;
    auto launch = failing_task(pids);
    proc::Supervisor supervisor(
        [&] {
            if (!pids.empty())
                throw std::runtime_error("cannot start");
            return launch();
        },
        world.options());
    EXPECT_THROW(supervisor.run(), std::runtime_error);
    EXPECT_EQ(pids.size(), 1u);
    EXPECT_TRUE(harness::children_of(::getpid()).empty());
}

// Tests the real sleep: woken at once by a readable stop descriptor, else it sleeps.
TEST(SupervisorTest, RealSleepWakesOnStopDescriptor) {
    auto stop = course::make_pipe();
    EXPECT_TRUE(proc::real_sleep_for(0.001, stop.read.get())) << "nothing to read: it sleeps";
    lab07::put(stop.write.get(), "x");
    EXPECT_FALSE(proc::real_sleep_for(3600, stop.read.get()))
        << "a readable stop descriptor must end the sleep at once; "
        << harness::see_lesson(kLesson, kSection);
}

// Tests launch_command with a real command: `sh -c 'exit 3'`, given up on at once.
TEST(SupervisorTest, SupervisesARealCommand) {
    FakeWorld world;
    auto options = world.options();
    options.name = "sh";
    options.max_restarts = 0;
    auto result = proc::Supervisor(proc::launch_command({"sh", "-c", "exit 3"}), options).run();
    EXPECT_EQ(result.outcome, SupervisorOutcome::gave_up);
    EXPECT_EQ(result.starts, 1);
    ASSERT_FALSE(world.log.empty());
    EXPECT_EQ(world.log.back(),
              "giving up on sh: it failed once in 60 s (exited with code 3 each time)");
}

}  // namespace
