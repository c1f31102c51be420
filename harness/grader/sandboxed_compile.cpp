// sandboxed-compile: runs one compile of student code in the grader's sandbox.
//
//   sandboxed-compile [--manifest build/course-manifest.json] [--seconds 120] -- c++ ARGS...
//
// CMake sets it as the compiler launcher of the student's lab targets (cmake/CourseLab.cmake),
// so that a student's #include or .incbin reads only what a student may read: the compiler
// runs as nobody (when the grader is root), in new user, PID, mount, IPC, network and UTS
// namespaces, seeing the machine read-only without the solutions, hidden tests, build
// trees, other submissions or home folders (the manifest says where they are), with a
// /dev holding only `null` and an empty /proc; under RLIMIT_AS, a process cap and a time
// limit. The object and dependency files are written into a scratch folder and copied
// where the build wants them. Without namespaces (GRADER_NO_NAMESPACES=1, or a machine
// without them) only the user, the limits and the time limit remain.
//
// Exit status: the compiler's; 1 when it was stopped (time, memory) or could not start,
// with an `error:` line naming the source file, for the grader's report.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compile_command.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"
#include "hsys/io.hpp"
#include "hsys/spawn.hpp"
#include "hsys/temp_dir.hpp"
#include "protections.hpp"
#include "sandbox.hpp"
#include "view.hpp"

namespace {
namespace fs = std::filesystem;

struct Options {
    std::string manifest;
    double seconds = 120;
    std::vector<std::string> command;
};

[[noreturn]] void usage() {
    std::cerr << "usage: sandboxed-compile [--manifest FILE] [--seconds N] -- COMPILER ARGS...\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    int i = 1;
    for (; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg == "--manifest" && i + 1 < argc)
            options.manifest = argv[++i];
        else if (arg == "--seconds" && i + 1 < argc)
            options.seconds = std::atof(argv[++i]);
        else
            usage();
    }
    for (; i < argc; ++i)
        options.command.emplace_back(argv[i]);
    if (options.command.empty() || options.seconds <= 0)
        usage();
    return options;
}

// The compiler as a path: execve() searches no PATH.
std::string find_program(const std::string& name) {
    auto found = hsys::find_in_path(name);
    return found.empty() ? name : found;
}

// Copies the compiler's output @p from (in the scratch folder, written by the sandboxed
// user) to @p to: only a regular file (never through a link it may have planted), into
// a temporary name first, so that the build never sees half a file.
void copy_back(const std::string& from, const std::string& to) {
    course::UniqueFd in(::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!in)
        course::throw_errno("open " + from);
    struct stat info {};
    course::check(::fstat(in.get(), &info), "fstat");
    if (!S_ISREG(info.st_mode))
        throw std::runtime_error(from + " is not a regular file");
    std::string temporary = to + ".sandboxed-" + std::to_string(::getpid());
    course::UniqueFd out(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out)
        course::throw_errno("open " + temporary);
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = hsys::retry_eintr([&] { return ::read(in.get(), buffer, sizeof buffer); });
        if (n < 0)
            course::throw_errno("read " + from);
        if (n == 0)
            break;
        hsys::write_all(out.get(), std::string_view(buffer, static_cast<std::size_t>(n)));
    }
    out.reset();
    course::check(::rename(temporary.c_str(), to.c_str()), "rename");
}

// An `error:` line of our own, located in the file compiled, for the grader's report.
int compile_error(const std::string& source, const std::string& what) {
    std::cerr << (source.empty() ? "sandboxed-compile" : source) << ": error: " << what << "\n";
    return 1;
}

int run(const Options& options) {
    std::string cwd = fs::current_path().string();
    hsys::TempDir scratch_dir("sandboxed-compile");  // removed whatever the compiler left
    std::string scratch = scratch_dir.path().string();
    auto command = grader::redirect_outputs(options.command, scratch, cwd);
    command.argv[0] = find_program(command.argv[0]);
    auto view = std::make_shared<grader::View>();
    if (!options.manifest.empty())
        *view = grader::student_view(grader::read_course_layout(options.manifest));
    view->devices = false;  // no /dev/zero, /dev/stdin, terminals: only null
    view->proc = false;     // no /proc/self/fd/N
    grader::Limits limits = grader::compile_limits(options.seconds);
    limits.view = view;
    grader::SandboxIo io;
    io.cwd = cwd;  // where the build runs it: relative paths in its arguments start there
    auto run = grader::run_sandboxed(command.argv, scratch, limits, io);
    std::cerr << run.output;
    if (run.output_truncated)
        std::cerr << "\n(sandboxed-compile: the compiler's messages were cut at "
                  << limits.output_cap / 1024 << " KiB)\n";
    if (!run.sandbox_error.empty())
        return compile_error(command.source,
                             "the compiler could not start in its sandbox: " + run.sandbox_error);
    if (run.timed_out) {
        return compile_error(
            command.source,
            fmt::format("the compiler was stopped after {:g} s, the limit for one file: does it "
                        "#include (or .incbin) a FIFO, a device or another file that never ends?",
                        options.seconds));
    }
    if (WIFSIGNALED(run.raw_status)) {
        return compile_error(
            command.source,
            fmt::format("the compiler was killed by signal {} ({} MiB of memory per compile): "
                        "does it #include something huge?",
                        WTERMSIG(run.raw_status), limits.address_space >> 20));
    }
    int status = WIFEXITED(run.raw_status) ? WEXITSTATUS(run.raw_status) : 1;
    if (status != 0) {
        if (run.output.find("error:") == std::string::npos) {
            compile_error(command.source,
                          fmt::format("the compiler failed (exit status {}) with no error of its "
                                      "own: out of memory ({} MiB per compile), or the "
                                      "assembler refused a file (see above)",
                                      status, limits.address_space >> 20));
        }
        return status;
    }
    for (const auto& [from, to] : command.outputs)
        copy_back(from, to);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options = parse(argc, argv);
    try {
        grader::become_subreaper();  // without namespaces, orphans come back here
        grader::refuse_tracing();    // a compiler of the same user cannot ptrace this
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "sandboxed-compile: error: " << e.what() << "\n";
        return 1;
    }
}
