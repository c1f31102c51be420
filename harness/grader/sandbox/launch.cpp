// The grader's side of the sandbox's launcher (launch.hpp): the plan in a memfd, the
// launcher started with posix_spawn, and, with namespaces, the init's PID read back.
#include "sandbox/launch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"
#include "hsys/io.hpp"
#include "hsys/spawn.hpp"
#include "sandbox/child_reports.hpp"
#include "sandbox/launch_plan.hpp"

namespace grader::launch {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLauncherName = "sandbox-launch";

std::string find_launcher() {
    std::error_code error;
    auto self = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        auto beside = self.parent_path() / kLauncherName;
        if (::access(beside.c_str(), X_OK) == 0)
            return beside.string();
    }
#ifdef GRADER_SANDBOX_LAUNCHER
    return GRADER_SANDBOX_LAUNCHER;  // this build's, wherever the running program is
#else
    return (self.parent_path() / kLauncherName).string();  // fails to start, and says so
#endif
}

// The plan, in a memfd the launcher reads from its start (a pipe could not hold a plan
// bigger than its buffer before the launcher runs).
course::UniqueFd plan_file(const child::ChildPlan& plan, int reply_fd) {
    course::UniqueFd file(
        course::check(::memfd_create("sandbox-plan", MFD_CLOEXEC), "memfd_create"));
    hsys::write_all(file.get(), encode_plan(plan, reply_fd));
    return file;
}

// What the pipe @p fd holds now, at most @p cap bytes, without waiting.
std::string read_now(int fd, std::size_t cap) {
    std::string bytes;
    if (::fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
        return bytes;
    char buffer[4096];
    while (bytes.size() < cap) {
        ssize_t n = hsys::retry_eintr([&] { return ::read(fd, buffer, sizeof buffer); });
        if (n <= 0)
            break;
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    return bytes;
}

// Why the launcher ended with @p status, from its report on the report pipe.
std::string launcher_failure(const child::ChildPlan& plan, int status) {
    auto reports =
        child::decode_child_reports(read_now(plan.grader_ends[1], child::kMaxReportBytes));
    if (reports.failed && !reports.failure.empty())
        return reports.failure;
    return "the sandbox launcher " + launcher_path() + " ended with status " +
           std::to_string(status) + " without saying why";
}

// With namespaces: waits for the launcher (it only starts the init), then reads the
// init's PID. @returns it, or -1 with @p error set and nothing left running.
pid_t await_init(pid_t launcher, int reply_fd, const child::ChildPlan& plan, std::string& error) {
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(launcher, &status, 0); });
    // Written before the launcher exited: there by now, or never (the init, which holds
    // the pipe too, may not have closed it yet: never wait for end of file).
    std::string reply = read_now(reply_fd, sizeof(pid_t));
    pid_t init = -1;
    if (reply.size() == sizeof init)
        std::memcpy(&init, reply.data(), sizeof init);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && init > 0;
    if (ok)
        return init;
    error = WIFEXITED(status) && WEXITSTATUS(status) == 0
                ? "the sandbox launcher did not say the init's PID"
                : launcher_failure(plan, status);
    if (init > 0) {  // the launcher killed it on its way out; it is our child: reap it
        ::kill(init, SIGKILL);
        hsys::retry_eintr([&] { return ::waitpid(init, nullptr, 0); });
    }
    return -1;
}

}  // namespace

const std::string& launcher_path() {
    static const std::string path = find_launcher();
    return path;
}

pid_t launch_child(const child::ChildPlan& plan, std::string& error) {
    course::Pipe reply;
    if (plan.isolated)
        reply = course::make_pipe();
    auto plan_fd = plan_file(plan, reply.write.get());
    hsys::SpawnOptions launcher;
    launcher.program = launcher_path();
    launcher.argv = {kLauncherName, std::to_string(plan_fd.get()), std::to_string(plan.report_fd)};
    launcher.env = std::vector<std::string>{};  // the program's environment is in the plan
    launcher.search_path = false;
    launcher.reset_signals = false;  // as a fork would: the child side sets what it needs
    int fds[kMaxPlanFds];
    int count = plan_descriptors(plan, reply.write.get(), fds);
    launcher.keep_fds.assign(fds, fds + count);
    launcher.keep_fds.push_back(plan_fd.get());
    pid_t pid = -1;
    try {
        pid = hsys::spawn(launcher);
    } catch (const std::system_error& e) {
        error =
            "cannot start the sandbox launcher (" + launcher_path() + "): " + e.code().message();
        return -1;
    }
    if (!plan.isolated)
        return pid;  // the launcher is the test
    reply.write.reset();
    return await_init(pid, reply.read.get(), plan, error);
}

}  // namespace grader::launch
