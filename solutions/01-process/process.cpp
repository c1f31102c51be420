// Lab 01 — process identity: a psutil-like view of one process, read from /proc.
//
// Everything here is read from files the kernel generates on demand under /proc/PID/.
// The rules (where the name ends, how a start time is computed, what a zombie's exe is)
// follow psutil 5.9.4's Linux backend, so that both tools agree on every field.
#include "process.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>
#include <optional>
#include <ostream>
#include <system_error>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace proc {

namespace {

std::string proc_path(pid_t pid, const char* file) {
    return "/proc/" + std::to_string(pid) + "/" + file;
}

// Turns errno from a /proc read into the exception psutil would raise: ENOENT (never
// existed, or the directory went away) and ESRCH (vanished between open and read) mean
// the process is gone; EACCES/EPERM mean it exists but is not ours to look at.
// Other errors are left to the caller. @p detail is the failed call and its reason.
void throw_if_process_error(pid_t pid, int err, const std::string& detail) {
    if (err == ENOENT || err == ESRCH)
        throw NoSuchProcess(pid, detail);
    if (err == EACCES || err == EPERM)
        throw AccessDenied(pid, detail);
}

// Reads /proc/PID/<file> in one go, with process-level exceptions.
std::string read_proc_file(pid_t pid, const char* file) {
    try {
        return course::read_file(proc_path(pid, file));
    } catch (const std::system_error& e) {
        throw_if_process_error(pid, e.code().value(), e.what());
        throw;
    }
}

// /proc, opened once for the whole program. O_PATH: a handle to open files relative to,
// not to read; close-on-exec, so that no program this one runs inherits it.
int proc_dir() {
    static const int fd =
        course::check(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), "open /proc");
    return fd;
}

// Reads /proc/PID/stat in one read, as cheaply as the kernel allows: openat relative to
// /proc (no lookup of "/proc" each time), the path and the text on the stack, the comm
// the only string made (short enough to live inside it). A listing of every process
// calls this once per process, so what it costs over open+read+close is the overhead.
StatFields read_stat(pid_t pid) {
    char path[32];  // "PID/stat"
    char* end = std::to_chars(path, path + 16, pid).ptr;
    std::memcpy(end, "/stat", sizeof "/stat");
    course::UniqueFd fd(::openat(proc_dir(), path, O_RDONLY | O_CLOEXEC));
    if (!fd) {
        int err = errno;
        std::string call = "open " + proc_path(pid, "stat");
        throw_if_process_error(pid, err, call + ": " + std::strerror(err));
        course::throw_error(err, call);
    }
    // The line is under 1 KiB (52 numbers and a name of at most 64 bytes), and /proc
    // hands it over whole to one read of a larger buffer.
    char text[4096];
    ssize_t n;
    do {
        n = ::read(fd.get(), text, sizeof text);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int err = errno;  // ESRCH: the process ended between open and read
        std::string call = "read " + proc_path(pid, "stat");
        throw_if_process_error(pid, err, call + ": " + std::strerror(err));
        course::throw_error(err, call);
    }
    if (n == 0)  // ended between open and read, without an error
        throw NoSuchProcess(pid, "read " + proc_path(pid, "stat") + ": empty");
    if (static_cast<size_t>(n) == sizeof text)  // never seen; read the rest the slow way
        return parse_stat(read_proc_file(pid, "stat"));
    return parse_stat(std::string_view(text, static_cast<size_t>(n)));
}

// The first argument of @p raw, a command line as /proc/PID/cmdline gives it, exactly as
// split_cmdline(raw)[0] would be; nullopt when it has none (empty).
std::optional<std::string_view> first_argument(std::string_view raw) {
    if (raw.empty())
        return std::nullopt;
    char separator = raw.back() == '\0' ? '\0' : ' ';
    if (raw.back() == separator)
        raw.remove_suffix(1);
    // One argument ending with NUL and holding spaces: a title rewritten with spaces.
    if (separator == '\0' && raw.find('\0') == std::string_view::npos)
        separator = ' ';
    return raw.substr(0, raw.find(separator));
}

// The first argument of @p pid's command line (none when it has no command line), read
// with one openat relative to /proc into a buffer on the stack, with no vector of every
// argument: a listing asks for it for each process whose name the kernel cut at 15
// bytes. A command line longer than the buffer is read and split the usual way.
std::optional<std::string> read_first_argument(pid_t pid) {
    char path[32];  // "PID/cmdline"
    char* end = std::to_chars(path, path + 16, pid).ptr;
    std::memcpy(end, "/cmdline", sizeof "/cmdline");
    course::UniqueFd fd(::openat(proc_dir(), path, O_RDONLY | O_CLOEXEC));
    auto fail = [&](const char* call) {
        int err = errno;
        std::string what = std::string(call) + " " + proc_path(pid, "cmdline");
        throw_if_process_error(pid, err, what + ": " + std::strerror(err));
        course::throw_error(err, what);
    };
    if (!fd)
        fail("open");
    char text[4096];
    size_t size = 0;
    for (;;) {
        ssize_t n = ::read(fd.get(), text + size, sizeof text - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("read");
        if (n == 0)
            break;
        size += static_cast<size_t>(n);
        if (size == sizeof text) {  // a long command line: the whole of it, the usual way
            auto args = split_cmdline(read_proc_file(pid, "cmdline"));
            if (args.empty())
                return std::nullopt;
            return args.front();
        }
    }
    auto first = first_argument(std::string_view(text, size));
    if (!first)
        return std::nullopt;
    return std::string(*first);
}

// Parses one decimal field of /proc/PID/stat; @p what names it in the error.
template <typename Number>
Number parse_number(std::string_view token, const char* what) {
    Number value{};
    auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (error != std::errc() || end != token.data() + token.size() || token.empty()) {
        throw std::invalid_argument("parse_stat: " + std::string(what) + " is not a number: '" +
                                    std::string(token) + "'");
    }
    return value;
}

// The next space-separated token of @p rest, consumed from its front ("" at the end).
// Plain loops, not find_first_of: tokens are a few bytes long, and a listing parses 20 of
// them per process, where a search for either of two characters costs more than the walk.
std::string_view next_token(std::string_view& rest) {
    const char* at = rest.data();
    const char* end = at + rest.size();
    auto separator = [](char c) { return c == ' ' || c == '\n'; };
    while (at != end && separator(*at))
        ++at;
    const char* begin = at;
    while (at != end && !separator(*at))
        ++at;
    rest = std::string_view(at, static_cast<size_t>(end - at));
    return std::string_view(begin, static_cast<size_t>(at - begin));
}

// Consumes @p count tokens from the front of @p rest, as @p count calls of next_token()
// would, in one walk: a listing skips 17 fields of every process's stat line.
void skip_tokens(std::string_view& rest, int count) {
    const char* at = rest.data();
    const char* end = at + rest.size();
    for (; count > 0; --count) {
        while (at != end && (*at == ' ' || *at == '\n'))
            ++at;
        while (at != end && *at != ' ' && *at != '\n')
            ++at;
    }
    rest = std::string_view(at, static_cast<size_t>(end - at));
}

long clock_ticks_per_second() {
    static const long ticks = course::check(::sysconf(_SC_CLK_TCK), "sysconf _SC_CLK_TCK");
    return ticks;
}

double read_boot_time() {
    std::string text = course::read_file("/proc/stat");
    size_t at = text.find("\nbtime ");
    if (at == std::string::npos)
        throw std::runtime_error("/proc/stat has no btime line");
    std::string_view rest = std::string_view(text).substr(at + 7);
    return static_cast<double>(parse_number<unsigned long long>(next_token(rest), "btime"));
}

// Python's repr() of a str: single quotes unless the text holds a ' and no ", escapes
// for the quote, backslash and control characters.
std::string python_repr(std::string_view text) {
    bool has_single = text.find('\'') != std::string_view::npos;
    char quote = has_single && text.find('"') == std::string_view::npos ? '"' : '\'';
    std::string out(1, quote);
    for (unsigned char c : text) {
        if (c == quote || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            const char* digits = "0123456789abcdef";
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out += quote;
}

// The wall-clock time with its fraction, as Python's time.time().
double now() {
    timespec ts{};
    course::check(::clock_gettime(CLOCK_REALTIME, &ts), "clock_gettime");
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The kernel appends " (deleted)" to the link of a program whose file was removed;
// psutil drops it (and anything after a NUL) unless a file of that name exists.
std::string without_deleted_suffix(std::string path) {
    path.resize(std::min(path.size(), path.find('\0')));
    const std::string_view suffix = " (deleted)";
    struct stat info {};
    if (path.ends_with(suffix) && ::stat(path.c_str(), &info) != 0 && errno != EACCES &&
        errno != EPERM) {
        path.resize(path.size() - suffix.size());
    }
    return path;
}

std::vector<std::string> split_on(std::string_view text, char separator) {
    std::vector<std::string> parts;
    for (;;) {
        size_t at = text.find(separator);
        parts.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        text.remove_prefix(at + 1);
    }
}

}  // namespace

std::string_view to_string(Status status) {
    switch (status) {
        case Status::running:
            return "running";
        case Status::sleeping:
            return "sleeping";
        case Status::disk_sleep:
            return "disk-sleep";
        case Status::stopped:
            return "stopped";
        case Status::tracing_stop:
            return "tracing-stop";
        case Status::zombie:
            return "zombie";
        case Status::dead:
            return "dead";
        case Status::wake_kill:
            return "wake-kill";
        case Status::waking:
            return "waking";
        case Status::parked:
            return "parked";
        case Status::idle:
            return "idle";
    }
    return "?";
}

Status status_from_letter(char letter) {
    switch (letter) {
        case 'R':
            return Status::running;
        case 'S':
            return Status::sleeping;
        case 'D':
            return Status::disk_sleep;
        case 'T':
            return Status::stopped;
        case 't':
            return Status::tracing_stop;
        case 'Z':
            return Status::zombie;
        case 'X':
        case 'x':
            return Status::dead;  // 'x' is how kernels 2.6.33–3.13 spelled it
        case 'K':
            return Status::wake_kill;
        case 'W':
            return Status::waking;
        case 'P':
            return Status::parked;
        case 'I':
            return Status::idle;
    }
    throw std::invalid_argument(std::string("unknown process state letter '") + letter + "'");
}

StatFields parse_stat(std::string_view text) {
    // The name is whatever the program chose, parentheses included: it runs from the
    // first '(' to the *last* ')', and only numbers and one letter follow it.
    size_t open = text.find('(');
    // memrchr, not rfind: the name ends near the start of a line of some 300 bytes, which
    // rfind walks back through one byte at a time.
    const void* last = text.empty() ? nullptr : ::memrchr(text.data(), ')', text.size());
    size_t close = last == nullptr
                       ? std::string_view::npos
                       : static_cast<size_t>(static_cast<const char*>(last) - text.data());
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        throw std::invalid_argument("parse_stat: no (name) in '" + std::string(text) + "'");
    }
    StatFields fields;
    std::string_view pid_text = text.substr(0, open);
    fields.pid = parse_number<pid_t>(next_token(pid_text), "pid (field 1)");
    fields.comm = std::string(text.substr(open + 1, close - open - 1));

    std::string_view rest = text.substr(close + 1);
    std::string_view state = next_token(rest);  // field 3
    if (state.size() != 1)
        throw std::invalid_argument("parse_stat: bad state field");
    fields.state = state[0];
    fields.ppid = parse_number<pid_t>(next_token(rest), "ppid (field 4)");
    skip_tokens(rest, 22 - 5);  // fields 5 to 21
    fields.starttime = parse_number<unsigned long long>(next_token(rest), "starttime (field 22)");
    return fields;
}

std::vector<std::string> split_cmdline(std::string_view raw) {
    if (raw.empty())
        return {};
    // Arguments end with NUL; a process that rewrote its title often used spaces.
    char separator = raw.back() == '\0' ? '\0' : ' ';
    if (raw.back() == separator)
        raw.remove_suffix(1);
    std::vector<std::string> args = split_on(raw, separator);
    if (separator == '\0' && args.size() == 1 && raw.find(' ') != std::string_view::npos) {
        args = split_on(raw, ' ');
    }
    return args;
}

std::string format_start_time(double create_time, double now) {
    // psutil: "%H:%M:%S" when less than a day ago (not "today"), else with the date.
    const char* format =
        static_cast<long long>(now - create_time) < 24 * 60 * 60 ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S";
    std::time_t seconds = static_cast<std::time_t>(create_time);
    std::tm local{};
    if (::localtime_r(&seconds, &local) == nullptr)
        course::throw_errno("localtime_r");
    char text[64];
    size_t length = std::strftime(text, sizeof text, format, &local);
    return std::string(text, length);
}

double boot_time() {
    // btime never changes while the machine runs: read it once (thread-safe static).
    static const double seconds = read_boot_time();
    return seconds;
}

Process::Process(pid_t pid) : pid_(pid), stat_(read_stat(pid)) {}

Process Process::self() {
    return Process(::getpid());
}

pid_t Process::ppid() const {
    return read_stat(pid_).ppid;
}

Status Process::status() const {
    return status_from_letter(read_stat(pid_).state);
}

double Process::create_time() const {
    // Ticks since boot, over ticks per second, plus the boot time: psutil's formula,
    // computed in the same order so that both give the same double.
    return static_cast<double>(stat_.starttime) / static_cast<double>(clock_ticks_per_second()) +
           boot_time();
}

void Process::refresh() {
    stat_ = read_stat(pid_);
}

std::string Process::name() const {
    std::string name = stat_.comm;
    // Only a name of exactly 15 bytes may have been cut. Longer ones are kernel threads'
    // (Linux 6.x shows their whole name), which have no command line to complete it.
    if (name.size() != 15)
        return name;
    // The kernel cut the name at 15 bytes: the program's own basename may be the
    // whole of it ("gnome-keyring-d" -> "gnome-keyring-daemon").
    try {
        if (auto program = read_first_argument(pid_)) {
            std::string base = program->substr(program->rfind('/') + 1);
            if (base.starts_with(name))
                name = base;
        }
    } catch (const AccessDenied&) {
        // psutil keeps the short name when the command line is refused.
    }
    return name;
}

std::string Process::exe() const {
    std::string link = proc_path(pid_, "exe");
    std::string target(PATH_MAX, '\0');
    for (;;) {
        ssize_t n = ::readlink(link.c_str(), target.data(), target.size());
        if (n >= 0 && static_cast<size_t>(n) < target.size()) {
            return without_deleted_suffix(target.substr(0, n));
        }
        if (n >= 0) {  // possibly truncated: readlink does not say, so retry larger
            target.resize(target.size() * 2);
            continue;
        }
        int err = errno;
        struct stat info {};
        // No link but /proc/PID is still there: a kernel thread or a zombie (psutil: "").
        if ((err == ENOENT || err == ESRCH) && ::lstat(proc_path(pid_, "").c_str(), &info) == 0) {
            return "";
        }
        throw_if_process_error(pid_, err, "readlink " + link + ": " + std::strerror(err));
        course::throw_error(err, "readlink " + link);
    }
}

std::vector<std::string> Process::cmdline() const {
    return split_cmdline(read_proc_file(pid_, "cmdline"));
}

bool Process::is_running() const {
    // Same PID *and* same start time: a recycled PID belongs to a different process.
    try {
        return read_stat(pid_).starttime == stat_.starttime;
    } catch (const NoSuchProcess&) {
        return false;
    }
}

std::string Process::to_string() const {
    std::string shown_name = stat_.comm;
    std::string shown_status;
    try {
        shown_name = name();
        shown_status = proc::to_string(status());
    } catch (const NoSuchProcess&) {
        shown_status = "terminated";  // as psutil shows a process that has gone
    }
    return "Process(pid=" + std::to_string(pid_) + ", name=" + python_repr(shown_name) +
           ", status='" + shown_status + "', started='" + format_start_time(create_time(), now()) +
           "')";
}

}  // namespace proc
