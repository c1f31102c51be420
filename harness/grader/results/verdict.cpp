#include "results/verdict.hpp"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <fmt/format.h>

#include "harness/resource_events.hpp"
#include "hsys/signals.hpp"
#include "sandbox/resource_event_reader.hpp"

namespace grader {
namespace {

using hsys::signal_name;

// The test ran out of memory: its cgroup's OOM killer ended one of its processes, or an
// allocation failed and the test program said so (a resource event, never its words).
bool ran_out_of_memory(const Outcome& run) {
    return run.memory_limit_kills > 0 || run.resource_event(harness::kOutOfMemoryEvent);
}

// The test hit a process limit: fork, a thread or spawn refused with EAGAIN (a resource
// event, or its cgroup's pids.max refusing), or the sandbox counted about as many
// processes and threads started as its limits allow.
bool ran_out_of_processes(const Outcome& run) {
    return run.process_limit_reached || run.process_limit_refusals > 0 ||
           run.resource_event(harness::kTooManyProcessesEvent);
}

std::string out_of_memory(const Outcome& run) {
    if (run.memory_limit_kills > 0) {
        return fmt::format(
            "ran out of memory: its processes together reached the test's memory limit ({} MiB) "
            "and the kernel killed {} of them. Is something allocating in a loop, or leaking?",
            run.memory_max >> 20, run.memory_limit_kills);
    }
    std::string limit =
        run.address_space ? fmt::format(" ({} MiB of address space)", run.address_space >> 20) : "";
    return "ran out of memory: an allocation failed at the test's memory limit" + limit +
           ". Is something allocating in a loop, or leaking?";
}
const char* kTooManyProcesses =
    "hit the limit on processes (fork or thread creation failed with EAGAIN): is there a "
    "loop that forks, or starts threads, without end?";

std::string describe_signal(const Outcome& run, int sig) {
    if (sig == SIGXFSZ) {
        return "crashed: killed by SIGXFSZ: it wrote a file larger than the limit per file "
               "(RLIMIT_FSIZE). Is something writing a file in a loop?";
    }
    std::string text = "crashed: killed by " + signal_name(sig) +
                       (WCOREDUMP(run.raw_status) ? " (core dumped)" : "");
    if (sig == SIGKILL) {
        text +=
            " (sent by the test's own code, e.g. kill(0, SIGKILL), or by the kernel when "
            "memory ran out)";
    }
    return text;
}

void judge_abnormal_end(const Outcome& run, const LabSpec& lab, TestResult& result) {
    if (!run.sandbox_error.empty()) {
        result.verdict = Verdict::fail;
        result.message = "the grader could not start the test in its sandbox: " + run.sandbox_error;
    } else if (run.timed_out) {
        result.verdict = Verdict::timeout;
        result.message = fmt::format(
            "timed out: still running after {:g} s (the lab's time limit). Look for a loop "
            "that never ends, or a wait for a child or a pipe that never comes.",
            lab.time_limit);
    } else if (WIFSIGNALED(run.raw_status)) {
        int sig = WTERMSIG(run.raw_status);
        if (ran_out_of_memory(run)) {
            result.verdict = Verdict::out_of_memory;
            result.message = out_of_memory(run) + " It was killed by " + signal_name(sig) + ".";
        } else if (ran_out_of_processes(run)) {
            // At the cap, a crash is most likely a failed fork or thread unhandled.
            result.verdict = Verdict::too_many_processes;
            result.message =
                std::string(kTooManyProcesses) + " It was killed by " + signal_name(sig) + ".";
        } else {
            result.verdict = Verdict::crash;
            result.message = describe_signal(run, sig);
        }
    } else if (ran_out_of_processes(run)) {
        result.verdict = Verdict::too_many_processes;
        result.message = kTooManyProcesses;
    } else if (ran_out_of_memory(run)) {
        result.verdict = Verdict::out_of_memory;
        result.message = out_of_memory(run);
    } else {
        result.verdict = Verdict::premature_exit;
        result.message = fmt::format(
            "the test program exited (code {}) before the test finished: did the code under "
            "test call exit() or _exit()? (Closing descriptor 4, which carries the result to the "
            "grader, has the same effect.)",
            WIFEXITED(run.raw_status) ? WEXITSTATUS(run.raw_status) : -1);
    }
}

// GoogleTest 1.12 leaves a skip's message out of its JSON; its console output has it,
// between "Skipped" and the "[  SKIPPED ]" line.
std::string skip_reason_from_console(const std::string& output) {
    auto start = output.find("Skipped\n");
    if (start == std::string::npos)
        return "";
    start += 8;
    auto end = output.find("[  SKIPPED ]", start);
    auto reason = output.substr(start, end == std::string::npos ? end : end - start);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
        reason.pop_back();
    return reason;
}

// GoogleTest reports an exception that escaped a test as
//   unknown file
//   C++ exception with description "WHAT" thrown in the test body.
// Say it as a sentence instead: WHAT, and that an exception escaped.
std::string plain_failure(const std::string& message) {
    const std::string prefix = "unknown file\nC++ exception with description \"";
    const std::string suffix = "\" thrown in the test body.";
    std::string out = message;
    for (auto at = out.find(prefix); at != std::string::npos; at = out.find(prefix, at)) {
        auto end = out.find(suffix, at + prefix.size());
        if (end == std::string::npos)
            break;
        std::string what = out.substr(at + prefix.size(), end - at - prefix.size());
        std::string sentence = "an exception escaped the test: " + what;
        out.replace(at, end + suffix.size() - at, sentence);
        at += sentence.size();
    }
    return out;
}

// Why a sealed result cannot be trusted, or "": its records were forged or out of order,
// or they disagree with how the process really ended.
std::string why_distrusted(const Outcome& run, const FrameworkResult& reported) {
    if (!reported.sealed)
        return "";
    if (!reported.integrity.empty())
        return reported.integrity;
    auto events = decode_resource_events(run.resource_events, run.resource_events_cut);
    if (!events.problem.empty())
        return std::string(events.problem);
    bool exited = !run.timed_out && WIFEXITED(run.raw_status);
    if (!exited)
        return "";  // a crash or a timeout is judged as such: it earns nothing anyway
    int code = WEXITSTATUS(run.raw_status);
    if (!reported.began && !reported.ended && code == 0)
        return "the test program exited with success without a word on its result channel";
    if (reported.ended && reported.end_code != code) {
        return fmt::format("the test program exited with code {} after announcing code {}", code,
                           reported.end_code);
    }
    if (reported.ended && reported.found && (reported.passed || reported.skipped) != (code == 0))
        return fmt::format("the test's result disagrees with its exit code {}", code);
    return "";
}

}  // namespace

std::string to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass:
            return "pass";
        case Verdict::fail:
            return "fail";
        case Verdict::skipped:
            return "skipped";
        case Verdict::timeout:
            return "timeout";
        case Verdict::crash:
            return "crash";
        case Verdict::out_of_memory:
            return "out-of-memory";
        case Verdict::too_many_processes:
            return "too-many-processes";
        case Verdict::premature_exit:
            return "premature-exit";
        case Verdict::output_truncated:
            return "output-truncated";
        case Verdict::compile_error:
            return "compile-error";
        case Verdict::integrity:
            return "integrity";
        case Verdict::not_run:
            return "not-run";
    }
    return "unknown";
}

namespace {

// A test that skipped itself: `skipped` where lab.json says it may, else a failure.
void judge_skip(const TestSpec& spec, const Outcome& run, const FrameworkResult& reported,
                TestResult& result) {
    if (spec.may_skip.empty()) {
        result.verdict = Verdict::fail;
        result.message =
            "skipped itself, but lab.json does not say this test may skip, so a "
            "skip counts as a failure. It said: " +
            (reported.message.empty() ? "(no reason given)" : reported.message);
        return;
    }
    result.verdict = Verdict::skipped;
    std::string reason =
        reported.message.empty() ? skip_reason_from_console(run.output) : reported.message;
    result.message = "skipped: " + (reason.empty() ? "(no reason given)" : reason);
}

// A test that ran to its end and said how it went: a pass, or why it failed (memory or
// processes refused first, when the run saw them).
void judge_reported_end(const TestSpec& spec, const Outcome& run, const FrameworkResult& reported,
                        TestResult& result) {
    if (reported.passed) {
        result.verdict = Verdict::pass;
        result.score = spec.points;
    } else if (ran_out_of_memory(run)) {
        result.verdict = Verdict::out_of_memory;
        result.message = out_of_memory(run) + "\n" + reported.message;
    } else if (ran_out_of_processes(run)) {
        result.verdict = Verdict::too_many_processes;
        result.message = std::string(kTooManyProcesses) + "\n" + reported.message;
    } else {
        result.verdict = Verdict::fail;
        result.message = plain_failure(reported.message);
    }
}

// What a test that did not pass carries besides its message: the timeline of its
// processes (not when its result is distrusted) and the lesson section of its task.
void add_failure_context(const TestSpec& spec, const LabSpec& lab, const FrameworkResult& reported,
                         TestResult& result) {
    if (result.verdict == Verdict::pass || result.verdict == Verdict::skipped)
        return;
    if (result.verdict != Verdict::integrity)
        result.timeline = reported.timeline;
    const TaskSpec* task = lab.task(spec.task);
    if (task && !task->section.empty()) {
        result.lesson = "lessons/" + lab.lesson + "#" + task->section;
    }
}

}  // namespace

TestResult judge(const TestSpec& spec, const LabSpec& lab, const Outcome& run,
                 const FrameworkResult& reported) {
    TestResult result;
    result.spec = spec;
    result.lab = lab.id;
    result.output = run.output;
    result.seconds = run.seconds;
    bool ended_normally = run.sandbox_error.empty() && !run.timed_out && WIFEXITED(run.raw_status);
    std::string distrust = run.sandbox_error.empty() ? why_distrusted(run, reported) : "";
    if (!distrust.empty()) {
        result.verdict = Verdict::integrity;
        result.message = "integrity: " + distrust +
                         ". The grader cannot trust this test's result, so it is worth 0, and "
                         "the lab is flagged for your instructor to review.";
    } else if (ended_normally && reported.sealed && reported.ended && !reported.found) {
        result.verdict = Verdict::fail;
        result.message =
            "the test program has no test named " + spec.name + " (is lab.json out of date?)";
    } else if (!ended_normally || !reported.found || (reported.sealed && !reported.ended)) {
        judge_abnormal_end(run, lab, result);
    } else if (run.output_truncated) {
        result.verdict = Verdict::output_truncated;
        result.message = fmt::format(
            "wrote {} bytes of output, more than the {} allowed: is something printing in a "
            "loop?",
            run.output_bytes, run.output.size());
    } else if (reported.skipped) {
        judge_skip(spec, run, reported, result);
    } else {
        judge_reported_end(spec, run, reported, result);
    }
    add_failure_context(spec, lab, reported, result);
    return result;
}

}  // namespace grader
