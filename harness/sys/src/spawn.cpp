// spawn(): posix_spawn(p) with owned attributes and file actions, every call checked.
#include "hsys/spawn.hpp"

#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "course/sys.hpp"

extern char** environ;

namespace hsys {
namespace {

// Throws for a posix_spawn* call that returned @p error, naming it and the program.
void check_spawn(int error, const char* call, const std::string& program) {
    if (error != 0)
        course::throw_error(error, std::string(call) + " " + program);
}

// Owns a posix_spawn_file_actions_t: destroyed whatever a later check throws.
class FileActions {
  public:
    explicit FileActions(const std::string& program) {
        check_spawn(::posix_spawn_file_actions_init(&actions_), "posix_spawn_file_actions_init",
                    program);
    }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    posix_spawn_file_actions_t* get() { return &actions_; }

  private:
    posix_spawn_file_actions_t actions_;
};

// Owns a posix_spawnattr_t: destroyed whatever a later check throws.
class Attributes {
  public:
    explicit Attributes(const std::string& program) {
        check_spawn(::posix_spawnattr_init(&attributes_), "posix_spawnattr_init", program);
    }
    Attributes(const Attributes&) = delete;
    Attributes& operator=(const Attributes&) = delete;
    ~Attributes() { ::posix_spawnattr_destroy(&attributes_); }
    posix_spawnattr_t* get() { return &attributes_; }

  private:
    posix_spawnattr_t attributes_;
};

void set_file_actions(FileActions& actions, const SpawnOptions& options,
                      const std::string& program) {
    const int sources[3] = {options.stdin_fd, options.stdout_fd, options.stderr_fd};
    for (int target = 0; target < 3; ++target) {
        if (sources[target] >= 0)
            check_spawn(::posix_spawn_file_actions_adddup2(actions.get(), sources[target], target),
                        "posix_spawn_file_actions_adddup2", program);
    }
    for (int fd : options.keep_fds)
        check_spawn(::posix_spawn_file_actions_adddup2(actions.get(), fd, fd),
                    "posix_spawn_file_actions_adddup2", program);
    if (!options.cwd.empty())
        check_spawn(::posix_spawn_file_actions_addchdir_np(actions.get(), options.cwd.c_str()),
                    "posix_spawn_file_actions_addchdir_np", program);
}

void set_attributes(Attributes& attributes, const SpawnOptions& options,
                    const std::string& program) {
    short flags = 0;
    if (options.new_process_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        check_spawn(::posix_spawnattr_setpgroup(attributes.get(), 0), "posix_spawnattr_setpgroup",
                    program);
    }
    if (options.reset_signals) {
        flags |= POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        sigset_t none, all;
        ::sigemptyset(&none);
        ::sigfillset(&all);
        check_spawn(::posix_spawnattr_setsigmask(attributes.get(), &none),
                    "posix_spawnattr_setsigmask", program);
        check_spawn(::posix_spawnattr_setsigdefault(attributes.get(), &all),
                    "posix_spawnattr_setsigdefault", program);
    }
    check_spawn(::posix_spawnattr_setflags(attributes.get(), flags), "posix_spawnattr_setflags",
                program);
}

// The char* array exec wants, pointing into @p strings (which must outlive it).
std::vector<char*> pointers(const std::vector<std::string>& strings) {
    std::vector<char*> result;
    result.reserve(strings.size() + 1);
    for (const auto& s : strings)
        result.push_back(const_cast<char*>(s.c_str()));  // exec never writes through them
    result.push_back(nullptr);
    return result;
}

}  // namespace

pid_t spawn(const SpawnOptions& options) {
    if (options.argv.empty())
        course::throw_error(EINVAL, "posix_spawn: empty argv");
    const std::string& program = options.program.empty() ? options.argv[0] : options.program;
    FileActions actions(program);
    set_file_actions(actions, options, program);
    Attributes attributes(program);
    set_attributes(attributes, options, program);
    auto argv = pointers(options.argv);
    std::vector<char*> env_pointers;
    if (options.env)
        env_pointers = pointers(*options.env);
    char* const* envp = options.env ? env_pointers.data() : environ;
    pid_t pid = 0;
    int error = options.search_path ? ::posix_spawnp(&pid, program.c_str(), actions.get(),
                                                     attributes.get(), argv.data(), envp)
                                    : ::posix_spawn(&pid, program.c_str(), actions.get(),
                                                    attributes.get(), argv.data(), envp);
    check_spawn(error, options.search_path ? "posix_spawnp" : "posix_spawn", program);
    return pid;
}

std::string find_in_path(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t from = 0; from <= dirs.size();) {
        auto to = std::min(dirs.find(':', from), dirs.size());
        auto candidate = dirs.substr(from, to - from) + "/" + name;
        if (to > from && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        from = to + 1;
    }
    return "";
}

}  // namespace hsys
