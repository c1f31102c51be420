// Lab 07, task 2 — a shutdown flag fed by a signal handler (reference solution).
#include "shutdown.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "course/sys.hpp"

namespace proc {

namespace {

// What the handler touches, and nothing else: sig_atomic_t for the flag (a single store
// that a signal cannot tear), a plain int for the pipe, set before the handler exists.
volatile sig_atomic_t received_signal = 0;
int wake_fd = -1;
bool flag_exists = false;

extern "C" void on_shutdown_signal(int sig) {
    int saved_errno = errno;  // write() may change errno under the interrupted code's feet
    received_signal = sig;
    char byte = 1;
    // write is async-signal-safe; the pipe is non-blocking, so a full pipe (EAGAIN: it is
    // readable already, which is all we want) never blocks the handler.
    [[maybe_unused]] ssize_t ignored = ::write(wake_fd, &byte, 1);
    errno = saved_errno;
}

}  // namespace

ShutdownFlag::ShutdownFlag(std::initializer_list<int> signals) : signals_(signals) {
    if (flag_exists)
        throw std::logic_error("ShutdownFlag: only one may exist at a time");
    course::Pipe pipe = course::make_pipe();
    int flags = course::check(::fcntl(pipe.write.get(), F_GETFL), "fcntl");
    course::check(::fcntl(pipe.write.get(), F_SETFL, flags | O_NONBLOCK), "fcntl");
    read_ = std::move(pipe.read);
    write_ = std::move(pipe.write);
    received_signal = 0;
    wake_fd = write_.get();  // before any handler can run
    struct sigaction action {};
    action.sa_handler = on_shutdown_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // other system calls carry on; our poll sees the pipe
    for (int sig : signals_) {
        struct sigaction old {};
        if (::sigaction(sig, &action, &old) < 0) {
            int err = errno;
            for (std::size_t i = 0; i < previous_.size(); ++i)  // undo what was installed
                ::sigaction(signals_[i], &previous_[i], nullptr);
            course::throw_error(err, "sigaction");
        }
        previous_.push_back(old);
    }
    flag_exists = true;
}

ShutdownFlag::~ShutdownFlag() {
    for (std::size_t i = 0; i < previous_.size(); ++i)
        ::sigaction(signals_[i], &previous_[i], nullptr);
    wake_fd = -1;  // the handler is gone; the pipe is about to be
    flag_exists = false;
}

bool ShutdownFlag::requested() const noexcept {
    return received_signal != 0;
}

int ShutdownFlag::signal() const noexcept {
    return received_signal;
}

bool ShutdownFlag::wait_for(std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd entry{read_.get(), POLLIN, 0};
    while (!requested()) {
        int wait_ms = -1;
        if (timeout.count() >= 0) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            wait_ms = static_cast<int>(std::max<long long>(0, left.count()));
        }
        int ready = ::poll(&entry, 1, wait_ms);
        if (ready == 0)
            break;  // timed out
        if (ready < 0 && errno != EINTR)
            course::throw_errno("poll");
    }
    return requested();
}

void exit_as_if_killed_by(int sig) {
    ::signal(sig, SIG_DFL);
    sigset_t just_this;
    sigemptyset(&just_this);
    sigaddset(&just_this, sig);
    ::sigprocmask(SIG_UNBLOCK, &just_this, nullptr);
    ::raise(sig);        // the default action ends the process here...
    ::_exit(128 + sig);  // ...unless that action is to ignore it (SIGCHLD, SIGURG, ...)
}

}  // namespace proc
