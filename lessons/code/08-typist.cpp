// lesson-08-typist STEP... -- COMMAND [ARG...]: runs COMMAND on a new pseudo-terminal, as
// the controlling process of a session of its own, types what the steps say, and prints
// what the terminal showed: a transcript, as if you had typed it yourself.
//
// A step ">TEXT" types TEXT and Enter; ">^C", ">^Z", ">^\" and ">^D" press those keys (the
// terminal's INTR, SUSP, QUIT and EOF characters). A step "<TEXT" waits until the terminal
// has shown TEXT since the previous wait: a key typed too early would reach the wrong
// process, so each one waits for what the program prints when it is ready for it. Never a
// clock: a program that never shows TEXT is a program that hangs. Echo is off, so that
// the terminal shows only what programs write; the transcript puts the typed text in
// where an echo would have put it ("^Z" for a key, as a terminal echoes it).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace {

// The terminal's master side, what has come out of it, and where the last wait stopped.
struct Terminal {
    course::UniqueFd master;
    termios modes{};
    std::string shown;
    std::size_t waited = 0;
};

// Reads what the terminal shows, blocking; false once every process has closed it.
bool read_more(Terminal& terminal) {
    char buffer[1024];
    ssize_t got = ::read(terminal.master.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR)
        return true;
    for (ssize_t i = 0; i < got; ++i) {
        if (buffer[i] != '\r')
            terminal.shown += buffer[i];
    }
    return got > 0;  // EIO: the slave side is closed everywhere
}

// The key "^C", "^Z", "^\" or "^D" names, or -1.
int key_index(const std::string& text) {
    if (text == "^C")
        return VINTR;
    if (text == "^Z")
        return VSUSP;
    if (text == "^\\")
        return VQUIT;
    return text == "^D" ? VEOF : -1;
}

// Runs one step; false when the terminal closed before a wait was over.
bool step(Terminal& terminal, const std::string& what, std::string& transcript) {
    std::string text = what.substr(1);
    if (what[0] == '<') {
        std::size_t at;
        while ((at = terminal.shown.find(text, terminal.waited)) == std::string::npos) {
            if (!read_more(terminal))
                return false;
        }
        terminal.waited = at + text.size();
        return true;
    }
    transcript += terminal.shown;  // everything shown so far comes before what is typed
    terminal.shown.clear();
    terminal.waited = 0;
    int key = key_index(text);
    std::string typed = key < 0 ? text + "\n" : std::string(1, char(terminal.modes.c_cc[key]));
    course::check(::write(terminal.master.get(), typed.data(), typed.size()), "write");
    transcript += key < 0 ? typed : (key == VEOF ? "" : text);
    return true;
}

// Opens a pseudo-terminal with echo off and NOFLSH on, and starts @p command on it in a
// new session.
pid_t start(Terminal& terminal, char** command) {
    terminal.master.reset(
        course::check(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt"));
    course::check(::grantpt(terminal.master.get()), "grantpt");
    course::check(::unlockpt(terminal.master.get()), "unlockpt");
    course::check(::tcgetattr(terminal.master.get(), &terminal.modes), "tcgetattr");
    terminal.modes.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ECHONL | ECHOCTL);
    // NOFLSH: a key such as Ctrl-Z must not also empty the terminal's queues, a flush that
    // can come after the program's answer to the key, and lose it.
    terminal.modes.c_lflag |= NOFLSH;
    course::check(::tcsetattr(terminal.master.get(), TCSANOW, &terminal.modes), "tcsetattr");
    const char* name = ::ptsname(terminal.master.get());
    if (name == nullptr)
        course::throw_errno("ptsname");
    pid_t child = course::check(::fork(), "fork");
    if (child == 0) {
        int tty = -1;
        if (::setsid() < 0 || (tty = ::open(name, O_RDWR)) < 0 || ::ioctl(tty, TIOCSCTTY, 0) < 0)
            ::_exit(126);
        ::dup2(tty, 0);
        ::dup2(tty, 1);
        ::dup2(tty, 2);
        ::execvp(command[0], command);
        ::_exit(127);
    }
    return child;
}

}  // namespace

int main(int argc, char** argv) {
    int dashes = 1;
    while (dashes < argc && std::string(argv[dashes]) != "--")
        ++dashes;
    if (dashes + 1 >= argc) {
        std::cerr << "usage: lesson-08-typist STEP... -- COMMAND [ARG...]\n";
        return 2;
    }
    try {
        Terminal terminal;
        pid_t child = start(terminal, argv + dashes + 1);
        std::string transcript;
        for (int i = 1; i < dashes; ++i) {
            if (!step(terminal, argv[i], transcript)) {
                std::cerr << "lesson-08-typist: the terminal closed before it showed "
                          << std::string(argv[i]).substr(1) << "\n";
                break;
            }
        }
        while (read_more(terminal)) {
        }
        int status = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, &status, 0); });
        std::cout << transcript << terminal.shown << std::flush;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } catch (const std::exception& e) {
        std::cerr << "lesson-08-typist: " << e.what() << "\n";
        return 1;
    }
}
