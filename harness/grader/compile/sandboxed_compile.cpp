// sandboxed-compile: runs one compile of student code in the grader's sandbox.
//
//   sandboxed-compile [--manifest build/course-manifest.json] [--seconds 120]
//                     [--cache DIR --cache-root SLOT] -- c++ ARGS...
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
// With --cache (a batch), a file whose preprocessed text another student's compile already
// had takes that compile's object and messages (object_cache.hpp).
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
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compile/compile_command.hpp"
#include "compile/object_cache.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"
#include "hsys/io.hpp"
#include "hsys/reap.hpp"
#include "hsys/spawn.hpp"
#include "hsys/temp_dir.hpp"
#include "sandbox/protections.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/view.hpp"

namespace {
namespace fs = std::filesystem;

struct Options {
    std::string manifest;
    double seconds = 120;
    grader::ObjectCache cache;  // dir empty: no cache
    std::vector<std::string> command;
};

[[noreturn]] void usage() {
    std::cerr << "usage: sandboxed-compile [--manifest FILE] [--seconds N] [--cache DIR "
                 "--cache-root DIR] -- COMPILER ARGS...\n";
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
        else if (arg == "--cache" && i + 1 < argc)
            options.cache.dir = argv[++i];
        else if (arg == "--cache-root" && i + 1 < argc)
            options.cache.root = argv[++i];
        else
            usage();
    }
    for (; i < argc; ++i)
        options.command.emplace_back(argv[i]);
    if (options.command.empty() || options.seconds <= 0 ||
        options.cache.dir.empty() != options.cache.root.empty())
        usage();
    return options;
}

// The compiler as a path: execve() searches no PATH.
std::string find_program(const std::string& name) {
    auto found = hsys::find_in_path(name);
    return found.empty() ? name : found;
}

// An `error:` line of our own, located in the file compiled, for the grader's report.
int compile_error(const std::string& source, const std::string& what) {
    std::cerr << (source.empty() ? "sandboxed-compile" : source) << ": error: " << what << "\n";
    return 1;
}

// The compiler's messages on stderr, with a line of our own when it was stopped (time,
// memory) or could not start. @returns the exit status the build gets.
int report(const grader::Outcome& run, const std::string& source, const grader::Limits& limits,
           const Options& options) {
    std::cerr << run.output;
    if (run.output_truncated)
        std::cerr << "\n(sandboxed-compile: the compiler's messages were cut at "
                  << limits.output_cap / 1024 << " KiB)\n";
    if (!run.sandbox_error.empty())
        return compile_error(source,
                             "the compiler could not start in its sandbox: " + run.sandbox_error);
    if (run.timed_out) {
        return compile_error(
            source,
            fmt::format("the compiler was stopped after {:g} s, the limit for one file: does it "
                        "#include (or .incbin) a FIFO, a device or another file that never ends?",
                        options.seconds));
    }
    if (WIFSIGNALED(run.raw_status)) {
        return compile_error(
            source,
            fmt::format("the compiler was killed by signal {} ({} MiB of memory per compile): "
                        "does it #include something huge?",
                        WTERMSIG(run.raw_status), limits.address_space >> 20));
    }
    int status = WIFEXITED(run.raw_status) ? WEXITSTATUS(run.raw_status) : 1;
    if (status != 0 && run.output.find("error:") == std::string::npos) {
        compile_error(source,
                      fmt::format("the compiler failed (exit status {}) with no error of its "
                                  "own: out of memory ({} MiB per compile), or the "
                                  "assembler refused a file (see above)",
                                  status, limits.address_space >> 20));
    }
    return status;
}

bool succeeded(const grader::Outcome& run) {
    return run.sandbox_error.empty() && !run.timed_out && WIFEXITED(run.raw_status) &&
           WEXITSTATUS(run.raw_status) == 0;
}

using Sandboxed = std::function<grader::Outcome(const std::vector<std::string>&)>;

// A compile command split for the object cache: the preprocessing (into
// scratch/preprocessed.ii), the compile of the preprocessed copy (scratch/compiled.ii),
// and the arguments that go into the key.
struct CacheCommands {
    std::vector<std::string> preprocess;
    std::vector<std::string> compile;
    std::vector<std::string> key_arguments;
};

// @p command split for the cache, or nullopt when it cannot go through it (a language
// given with -x, no object written where the launcher expects it, no source).
std::optional<CacheCommands> split_for_cache(const grader::ScratchCompile& command,
                                             const std::string& scratch) {
    const std::string object = scratch + "/output.o";
    const std::string preprocessed = scratch + "/preprocessed.ii";
    CacheCommands commands;
    bool has_object = false;
    const auto& argv = command.argv;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        bool output = arg == "-o", dependency = arg == "-MF" || arg == "-MT" || arg == "-MQ";
        if (arg == "-x")
            return std::nullopt;  // a language given: a .ii would not be read as preprocessed
        if ((output || dependency) && i + 1 < argv.size()) {
            has_object = has_object || (output && argv[i + 1] == object);
            commands.preprocess.insert(commands.preprocess.end(),
                                       {arg, output ? preprocessed : argv[i + 1]});
            if (output)
                commands.compile.insert(commands.compile.end(), {arg, argv[i + 1]});
            ++i;
            continue;
        }
        commands.preprocess.push_back(arg == "-c" ? "-E" : arg);
        if (arg == "-MD" || arg == "-MMD")
            continue;
        bool is_source = arg == command.source;
        commands.compile.push_back(is_source ? scratch + "/compiled.ii" : arg);
        if (i > 0 && !is_source && arg != "-c")
            commands.key_arguments.push_back(arg);
    }
    if (!has_object || command.source.empty())
        return std::nullopt;
    return commands;
}

// A cache miss: compiles exactly the text the key was made of (a copy the sandboxed user
// did not write), and stores the object. @returns the compile's exit status.
int compile_and_store(const Options& options, const grader::ScratchCompile& command,
                      const std::string& scratch, const grader::Limits& limits,
                      const Sandboxed& sandboxed, const CacheCommands& commands,
                      const std::string& text, const std::string& key) {
    {
        std::ofstream copy(scratch + "/compiled.ii", std::ios::binary | std::ios::trunc);
        copy << text;
        if (!copy.flush())
            course::throw_errno("write " + scratch + "/compiled.ii");
    }
    auto run = sandboxed(commands.compile);
    int status = report(run, command.source, limits, options);
    if (status != 0)
        return status;
    for (const auto& [from, to] : command.outputs)
        hsys::copy_file_atomically(from, to);
    if (!run.output_truncated)
        grader::store_cached(options.cache, key, scratch + "/output.o", run.output);
    return 0;
}

// The compile through the object cache (object_cache.hpp): preprocess in the sandbox, key
// that text; a hit takes the object, a miss compiles that very text in the sandbox and
// stores the object. The dependency file always comes from this preprocessing. @returns
// the exit status, or nullopt when the file cannot go through the cache (the caller then
// compiles it as usual, which also reports what stopped the preprocessing).
std::optional<int> compile_through_cache(const Options& options,
                                         const grader::ScratchCompile& command,
                                         const std::string& scratch, const grader::Limits& limits,
                                         const Sandboxed& sandboxed) {
    constexpr std::size_t kMaxPreprocessed = 64 << 20;
    auto commands = split_for_cache(command, scratch);
    if (!commands)
        return std::nullopt;
    auto pre = sandboxed(commands->preprocess);
    if (!succeeded(pre))
        return std::nullopt;
    bool truncated = false;
    std::string text =
        hsys::read_file_bounded(scratch + "/preprocessed.ii", kMaxPreprocessed, &truncated);
    auto key = truncated ? std::nullopt
                         : grader::cache_key(options.cache, command.argv[0],
                                             commands->key_arguments, text);
    if (!key)
        return std::nullopt;
    std::cerr << pre.output;  // #warning and the like
    if (auto hit = grader::find_cached(options.cache, *key)) {
        std::cerr << hit->messages;
        hsys::copy_file_atomically(hit->object, command.outputs.front().second);
        for (std::size_t i = 1; i < command.outputs.size(); ++i)
            hsys::copy_file_atomically(command.outputs[i].first, command.outputs[i].second);
        return 0;
    }
    return compile_and_store(options, command, scratch, limits, sandboxed, *commands, text, *key);
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
    io.whole_environment = true;  // the compiler's own (no student code runs in a compile)
    Sandboxed sandboxed = [&](const std::vector<std::string>& argv) {
        return grader::run_sandboxed(argv, scratch, limits, io);
    };
    if (!options.cache.dir.empty()) {
        if (auto status = compile_through_cache(options, command, scratch, limits, sandboxed))
            return *status;
    }
    int status = report(sandboxed(command.argv), command.source, limits, options);
    if (status != 0)
        return status;
    for (const auto& [from, to] : command.outputs)
        hsys::copy_file_atomically(from, to);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options = parse(argc, argv);
    try {
        hsys::become_subreaper();  // without namespaces, orphans come back here
        grader::refuse_tracing();  // a compiler of the same user cannot ptrace this
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "sandboxed-compile: error: " << e.what() << "\n";
        return 1;
    }
}
