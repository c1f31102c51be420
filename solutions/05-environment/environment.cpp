// Lab 05 — the environment as a value (reference solution).
#include "environment.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "course/file.hpp"

extern char** environ;  // the calling process's environment, set up by execve

namespace proc {

// One `NAME=value` entry, with psutil's rules: no '=', or '=' first, means no entry.
// try_emplace leaves an existing name alone, so the first of two duplicates wins.
static void add_entry(Environment::Map& vars, std::string_view entry) {
    std::size_t equal = entry.find('=');
    if (equal == std::string_view::npos || equal == 0)
        return;
    vars.try_emplace(std::string(entry.substr(0, equal)), entry.substr(equal + 1));
}

// --- Task 1: parse ---

Environment Environment::parse_block(std::string_view block) {
    Environment env;
    std::size_t pos = 0;
    for (;;) {
        std::size_t nul = block.find('\0', pos);
        // An empty entry ends the block; so does an entry with no NUL after it.
        if (nul == std::string_view::npos || nul == pos)
            break;
        add_entry(env.vars_, block.substr(pos, nul - pos));
        pos = nul + 1;
    }
    return env;
}

Environment Environment::from_entries(const std::vector<std::string>& entries) {
    Environment env;
    for (const auto& entry : entries)
        add_entry(env.vars_, entry);
    return env;
}

std::optional<std::string> Environment::get(std::string_view name) const {
    auto it = vars_.find(name);
    if (it == vars_.end())
        return std::nullopt;
    return it->second;
}

bool Environment::contains(std::string_view name) const {
    return vars_.find(name) != vars_.end();
}

std::vector<std::string> Environment::entries() const {
    std::vector<std::string> out;
    out.reserve(vars_.size());
    for (const auto& [name, value] : vars_)
        out.push_back(name + "=" + value);
    return out;
}

// --- Task 2: edit ---

void Environment::set(std::string name, std::string value) {
    // setenv(3) refuses the same names: "" and anything with '=' could not be read back.
    if (name.empty() || name.find('=') != std::string::npos)
        throw std::invalid_argument("invalid environment variable name '" + name + "'");
    vars_.insert_or_assign(std::move(name), std::move(value));
}

bool Environment::unset(std::string_view name) {
    auto it = vars_.find(name);
    if (it == vars_.end())
        return false;
    vars_.erase(it);
    return true;
}

Environment& Environment::merge(const Environment& other) {
    for (const auto& [name, value] : other.vars_)
        vars_.insert_or_assign(name, value);
    return *this;
}

// --- Task 3: read a process's environment ---

Environment Environment::current() {
    Environment env;
    // environ is a NULL-terminated array of "NAME=value" strings, in the order execve
    // received them, plus whatever setenv/putenv changed since.
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
        add_entry(env.vars_, *entry);
    return env;
}

Environment Environment::of_process(pid_t pid) {
    std::string path = "/proc/" + std::to_string(pid) + "/environ";
    try {
        return parse_block(course::read_file(path));
    } catch (const std::system_error& e) {
        int err = e.code().value();
        // ENOENT: no /proc/PID; ESRCH: the process went away while we read.
        if (err == ENOENT || err == ESRCH)
            throw std::system_error(ESRCH, std::generic_category(),
                                    "no process with PID " + std::to_string(pid));
        if (err == EACCES || err == EPERM)
            throw std::system_error(EACCES, std::generic_category(),
                                    "not allowed to read the environment of PID " +
                                        std::to_string(pid) + " (" + path + ")");
        throw;
    }
}

// --- Task 4: hand it to execve ---

Envp::Envp(std::vector<std::string> entries) : strings_(std::move(entries)) {
    pointers_.reserve(strings_.size() + 1);
    // execve's prototype says char* const[], though it never writes through them.
    for (auto& s : strings_)
        pointers_.push_back(s.data());
    pointers_.push_back(nullptr);  // the array's end marker
}

Envp Environment::envp() const {
    return Envp(entries());
}

}  // namespace proc
