// Children under a test's control: forked, held at a gate, always reaped.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <utility>

#include "course/sys.hpp"
#include "harness/testsupport.hpp"

namespace harness {

Gate::Gate() {
    auto pipe = course::make_pipe();
    read_ = std::move(pipe.read);
    write_ = std::move(pipe.write);
}

void Gate::wait() {
    char byte;
    // read returns 0 (end of file) once every write end is closed: that is the signal.
    while (::read(read_.get(), &byte, 1) < 0 && errno == EINTR) {
    }
}

void Gate::open() {
    write_.reset();
}

void Gate::child_side() {
    write_.reset();
}

TestChild TestChild::fork(const std::function<void()>& body) {
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        try {
            body();
        } catch (...) {
            ::_exit(70);
        }
        ::_exit(0);  // _exit, not exit: the parent's atexit handlers and buffers are not ours
    }
    return TestChild(pid);
}

TestChild TestChild::exec(const std::vector<std::string>& argv, bool keep_output) {
    return fork([&argv, keep_output] {
        if (!keep_output) {
            int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, STDOUT_FILENO);
            ::dup2(null, STDERR_FILENO);
        }
        exec_or_exit(argv);
    });
}

void exec_or_exit(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
}

TestChild::TestChild(TestChild&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

TestChild::~TestChild() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

int TestChild::wait() {
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid_, &status, 0); });
    pid_ = -1;
    return status;
}

void TestChild::wait_until_zombie() {
    siginfo_t info{};
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, pid_, &info, WEXITED | WNOWAIT); });
}

void TestChild::wait_until_stopped() {
    siginfo_t info{};
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, pid_, &info, WSTOPPED | WNOWAIT); });
}

void TestChild::kill(int sig) {
    course::check(::kill(pid_, sig), "kill");
}

}  // namespace harness
