// The one run-with-a-deadline loop: poll a pidfd and the output pipes until the process
// ends or time is up, then drain what is left without ever blocking.
#include "hsys/run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"
#include "hsys/io.hpp"
#include "hsys/pidfd.hpp"
#include "hsys/spawn.hpp"

namespace hsys {
namespace {

using Clock = std::chrono::steady_clock;

// Without a pidfd, how long one poll may sleep before waitpid looks again.
constexpr int kSliceMs = 20;

// Milliseconds until @p deadline, rounded up; 0 once it has passed.
int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

void make_non_blocking(int fd) {
    int flags = course::check(::fcntl(fd, F_GETFL), "fcntl");
    if ((flags & O_NONBLOCK) == 0)
        course::check(::fcntl(fd, F_SETFL, flags | O_NONBLOCK), "fcntl");
}

// One read of what @p stream has; closes it at end of file.
void read_stream(Stream& stream) {
    bool eof = false;
    stream.total += read_some(stream.fd, stream.data, stream.cap, eof);
    stream.open = !eof;
}

// Owns the child until it is reaped: if the wait leaves by an exception, kills it (and its
// group) and reaps it, so no zombie and no runaway process is left behind.
class Child {
  public:
    Child(pid_t pid, bool group) : pid_(pid), group_(group) {}
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (!reaped_)
            kill_and_reap(SIGKILL);
    }
    // Reaps it if it has ended. @returns whether it has.
    bool try_reap() {
        pid_t got = retry_eintr([&] { return ::waitpid(pid_, &status_, WNOHANG); });
        if (got < 0 && errno == ECHILD)
            reaped_ = true;  // not our child (or reaped elsewhere): never kill that PID
        course::check(got, "waitpid");
        reaped_ = got == pid_;
        return reaped_;
    }
    // Sends @p sig to it (and its group), then waits for it. @p sig must end it.
    void kill_and_reap(int sig) noexcept {
        if (group_)
            ::kill(-pid_, sig);
        ::kill(pid_, sig);
        // ECHILD would mean someone else reaped it: nothing more to wait for either way.
        retry_eintr([&] { return ::waitpid(pid_, &status_, 0); });
        reaped_ = true;
    }
    int status() const { return status_; }

  private:
    pid_t pid_;
    bool group_;
    bool reaped_ = false;
    int status_ = 0;
};

// Sleeps in poll() until a stream has data, the process ends, or @p wait_ms pass; reads
// the streams that are ready.
void poll_once(std::span<Stream*> streams, int pidfd, int wait_ms) {
    std::vector<pollfd> fds;
    std::vector<Stream*> polled;
    for (Stream* stream : streams) {
        if (stream->open) {
            fds.push_back({stream->fd, POLLIN, 0});
            polled.push_back(stream);
        }
    }
    if (pidfd >= 0)
        fds.push_back({pidfd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), wait_ms) < 0) {
        if (errno != EINTR)
            course::throw_errno("poll");
        return;
    }
    for (std::size_t i = 0; i < polled.size(); ++i) {
        if (fds[i].revents != 0)
            read_stream(*polled[i]);
    }
}

}  // namespace

std::size_t drain(Stream& stream) {
    int pipe_size = ::fcntl(stream.fd, F_GETPIPE_SZ);
    const std::size_t limit = pipe_size > 0 ? static_cast<std::size_t>(pipe_size) : 1 << 20;
    std::size_t drained = 0;
    while (stream.open && drained <= limit) {
        bool eof = false;
        std::size_t n = read_some(stream.fd, stream.data, stream.cap, eof);
        stream.total += n;
        drained += n;
        stream.open = !eof;
        if (n == 0)
            break;  // nothing more at once (EAGAIN), or end of file
    }
    return drained;
}

WaitResult wait_with_deadline(pid_t pid, std::span<Stream*> streams,
                              std::chrono::steady_clock::time_point deadline, int kill_signal,
                              bool kill_group, const std::function<void()>& before_kill) {
    // kill(-1) would reach every process we may signal, kill(0) our own group.
    if (pid <= 1)
        course::throw_error(EINVAL, "wait_with_deadline " + std::to_string(pid));
    const auto start = Clock::now();
    Child child(pid, kill_group);
    for (Stream* stream : streams) {
        if (stream->open)
            make_non_blocking(stream->fd);
    }
    // Without pidfd (kernels before 5.3) poll the streams in short slices instead.
    const course::UniqueFd pidfd = pidfd_open(pid);
    WaitResult result;
    while (!child.try_reap()) {
        const int left = remaining_ms(deadline);
        if (left == 0) {
            result.timed_out = true;
            if (before_kill)
                before_kill();  // a last look at what it was doing
            child.kill_and_reap(kill_signal);
            break;
        }
        poll_once(streams, pidfd.get(), pidfd ? left : std::min(left, kSliceMs));
    }
    result.status = child.status();
    for (Stream* stream : streams)
        drain(*stream);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

RunResult run_with_deadline(const RunOptions& options) {
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(std::min(options.wall_seconds, 1e9)));
    course::UniqueFd null(retry_eintr([] { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }));
    if (!null)
        course::throw_errno("open /dev/null");
    course::Pipe out = course::make_pipe();
    std::optional<course::Pipe> err;
    if (!options.merge_stderr)
        err = course::make_pipe();
    SpawnOptions spawn_options{.argv = options.argv,
                               .env = options.env,
                               .cwd = options.cwd,
                               .stdin_fd = null.get(),
                               .stdout_fd = out.write.get(),
                               .stderr_fd = err ? err->write.get() : out.write.get(),
                               .new_process_group = true};
    const pid_t pid = spawn(spawn_options);
    out.write.reset();  // only the child (and what it starts) may hold the write ends
    if (err)
        err->write.reset();
    Stream output{.fd = out.read.get(), .cap = options.output_cap, .data = {}};
    Stream errors{.fd = err ? err->read.get() : -1, .cap = options.output_cap, .data = {}};
    std::vector<Stream*> streams{&output};
    if (err)
        streams.push_back(&errors);
    const WaitResult waited = wait_with_deadline(pid, streams, deadline);
    // The group outlives its leader while a member lives, so -pid still names only it.
    ::kill(-pid, SIGKILL);
    for (Stream* stream : streams)
        drain(*stream);
    return RunResult{waited.status,
                     waited.timed_out,
                     waited.seconds,
                     std::move(output.data),
                     output.total > options.output_cap,
                     std::move(errors.data),
                     errors.total > options.output_cap};
}

}  // namespace hsys
