// Lab 08 — the shell given with the lab: it reads command lines from the terminal and runs
// them with your job table (tasks 1 to 4). `proc shell` is this loop. Read it, to see
// where each function you write is called; it is compiled into your lab and into the
// reference alike (lab.json, "given").
#include "shell.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "course/sys.hpp"
#include "jobs.hpp"
#include "terminal.hpp"

namespace proc {

namespace {

// Writes all of @p text to the terminal.
void say(int tty, std::string_view text) {
    while (!text.empty()) {
        ssize_t n =
            course::retry_on_eintr("write", [&] { return ::write(tty, text.data(), text.size()); });
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Reports the jobs @p numbers (the background jobs reap() found changed), then forgets
// those that are done: each ended job is reported once.
void report(int tty, JobTable& table, const std::vector<int>& numbers) {
    for (int number : numbers)
        say(tty, "\n" + describe(table.jobs().at(number)) + "\n");
    table.forget_done();
}

//> wait-for-a-line
// Sleeps until a line can be read from @p tty, and reports every background job that
// stops or ends meanwhile: one poll() on both descriptors, so neither waits for the other.
void wait_for_line(int tty, ChildSignals& child_signals, JobTable& table) {
    for (;;) {
        pollfd fds[] = {{tty, POLLIN, 0}, {child_signals.fd(), POLLIN, 0}};
        course::retry_on_eintr("poll", [&] { return ::poll(fds, 2, -1); });
        if (fds[1].revents & POLLIN) {
            child_signals.drain();  // first: a SIGCHLD that comes during reap() is kept
            std::vector<int> changed = table.reap();
            report(tty, table, changed);
            if (!changed.empty())
                say(tty, "proc$ ");
        }
        if (fds[0].revents != 0)
            return;  // a line, the end of input, or a hangup: read() says which
    }
}
//< wait-for-a-line

// What to say once a foreground job has given the terminal back, as bash does: its `jobs`
// line when it stopped or a signal killed it, but only a new line after Ctrl-C's SIGINT
// (the "^C" on the screen says it all), and nothing when it exited.
void after_foreground(int tty, const Job& job) {
    std::optional<int> killer = job.status ? job.status->term_signal() : std::nullopt;
    if (killer == SIGINT)
        say(tty, "\n");
    else if (job.state == JobState::stopped || killer)
        say(tty, "\n" + describe(job) + "\n");
}

// `fg` and `bg` with their job spec ("%1", or none: the current job).
void resume(int tty, JobTable& table, const std::vector<std::string>& words) {
    Job* job = table.find(words.size() > 1 ? words[1] : "");
    if (job == nullptr || job->state == JobState::done) {
        say(tty, "proc: " + words[0] + ": no such job\n");
    } else if (words[0] == "fg") {
        say(tty, job->command + "\n");
        table.resume_in_foreground(*job);
        after_foreground(tty, *job);
    } else {
        table.resume_in_background(*job);
        say(tty, "[" + std::to_string(job->number) + "] " + job->command + " &\n");
    }
}

// Runs one command line. @returns false for `exit`.
bool run_line(int tty, JobTable& table, std::string_view line) {
    std::vector<std::string> words = split_words(line);
    bool background = !words.empty() && words.back() == "&";
    if (background)
        words.pop_back();
    if (words.empty())
        return true;
    if (words[0] == "exit")
        return false;
    try {
        if (words[0] == "jobs") {
            for (const auto& [number, job] : table.jobs())
                say(tty, describe(job) + "\n");
        } else if (words[0] == "fg" || words[0] == "bg") {
            resume(tty, table, words);
        } else {
            Job& job = table.start(words, background);
            if (background)
                say(tty,
                    "[" + std::to_string(job.number) + "] " + std::to_string(job.pgid()) + "\n");
            else
                after_foreground(tty, job);
        }
    } catch (const std::exception& error) {  // a command that cannot run ends no shell
        say(tty, std::string("proc: ") + error.what() + "\n");
    }
    table.forget_done();  // foreground jobs that ended: nothing to report
    return true;
}

}  // namespace

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false, quoted = false;
    for (char c : line) {
        if (c == '\'') {
            quoted = !quoted;
            in_word = true;
        } else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
            if (in_word)
                words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word)
        words.push_back(std::move(word));
    return words;
}

//> shell-loop
int run_shell(int tty) {
    Terminal terminal(tty);      // the foreground is ours; Ctrl-C and Ctrl-Z are for jobs
    ChildSignals child_signals;  // SIGCHLD blocked from here: read, never handled
    JobTable table(terminal);    // destroyed first: no job outlives the shell
    for (;;) {
        say(tty, "proc$ ");
        wait_for_line(tty, child_signals, table);
        char buffer[4096];
        ssize_t got =
            course::retry_on_eintr("read", [&] { return ::read(tty, buffer, sizeof buffer); });
        if (got == 0) {  // Ctrl-D at the start of a line
            say(tty, "\n");
            return 0;
        }
        if (!run_line(tty, table, std::string_view(buffer, static_cast<std::size_t>(got))))
            return 0;
    }
}
//< shell-loop

}  // namespace proc
