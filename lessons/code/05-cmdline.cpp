// lesson-05-cmdline: NUL-separated blocks, environ, and arrays of C strings for execve,
// on the command line rather than the environment (which Lab 05 is about), and where the
// characters of strings go when they are moved or copied.
//
// `lesson-05-cmdline ARGS...` prints its own /proc/self/cmdline, one argument per line,
// says whether moving and copying strings moves their characters, then re-executes
// itself with an environment that names GREETING twice and shows which one the new
// program sees. `lesson-05-cmdline --of PID` prints another process's command line. A
// PID that names no process makes it exit with status 1.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"

extern char** environ;

namespace {

//> split-nul
// The strings of a /proc/PID/cmdline block: each argument is followed by a NUL. Unlike
// an environment block, an empty string is a real (empty) argument, not the end.
std::vector<std::string> split_nul(std::string_view block) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < block.size()) {
        std::size_t nul = block.find('\0', pos);
        if (nul == std::string_view::npos)
            nul = block.size();  // a last string with no NUL: keep it
        out.emplace_back(block.substr(pos, nul - pos));
        pos = nul + 1;
    }
    return out;
}
//< split-nul

//> cmdline-of
// The command line of process @p pid, with an error a caller can act on when there is
// no such process (ENOENT: no /proc/PID; ESRCH: it went away while we read).
std::vector<std::string> cmdline_of(const std::string& pid) {
    try {
        return split_nul(course::read_file("/proc/" + pid + "/cmdline"));
    } catch (const std::system_error& e) {
        int err = e.code().value();
        if (err == ENOENT || err == ESRCH)
            throw std::system_error(ESRCH, std::generic_category(), "no process with PID " + pid);
        throw;
    }
}
//< cmdline-of

//> lookup
// What getenv(name) answers: the value of the *first* "NAME=value" string of environ
// whose name is exactly @p name; nothing if there is none.
const char* lookup(std::string_view name) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        std::size_t equal = text.find('=');  // the name ends at the first '='
        if (equal != std::string_view::npos && text.substr(0, equal) == name)
            return *entry + equal + 1;
    }
    return nullptr;
}
//< lookup

//> where-characters-live
// Where are the characters of a vector's strings after the vector is moved, or copied?
// An array of pointers into them, as execve wants, is right after the one, not the other.
void where_characters_live() {
    std::vector<std::string> strings = {"GREETING=first", "LANG=C"};
    const char* first = strings[0].data();  // what an envp array would hold
    const char* second = strings[1].data();
    std::vector<std::string> moved = std::move(strings);
    std::vector<std::string> copied = moved;
    std::string alone = std::move(moved[1]);  // one string of 6 bytes, moved by itself
    auto stay = [](bool same) { return same ? "yes" : "no"; };
    std::cout << "moving a vector of strings: characters stay put: "
              << stay(moved[0].data() == first) << "\n"
              << "copying it: characters stay put: " << stay(copied[0].data() == first) << "\n"
              << "moving one short string: characters stay put: " << stay(alone.data() == second)
              << "\n";
}
//< where-characters-live

// The child's part: say which GREETING it sees, and how many entries carry that name.
int report_greeting() {
    int named = 0;
    for (char** entry = environ; *entry != nullptr; ++entry)
        named += std::strncmp(*entry, "GREETING=", 9) == 0;
    const char* value = lookup("GREETING");
    std::cout << "after execve: " << named << " entries named GREETING; lookup and getenv say '"
              << (value ? value : "(none)") << "' and '" << std::getenv("GREETING") << "'\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc == 2 && std::strcmp(argv[1], "--greeting") == 0)
            return report_greeting();
        std::string pid = argc == 3 && std::strcmp(argv[1], "--of") == 0 ? argv[2] : "self";
        std::vector<std::string> args = cmdline_of(pid);
        std::cout << "cmdline of " << pid << ": " << args.size() << " strings\n";
        for (std::size_t i = 0; i < args.size(); ++i)
            std::cout << "  [" << i << "] '" << args[i] << "'\n";
        if (pid != "self")
            return 0;
        where_characters_live();
        //> exec-self
        // String literals live as long as the program: the arrays may point at them as they are.
        char* child_argv[] = {const_cast<char*>("/proc/self/exe"), const_cast<char*>("--greeting"),
                              nullptr};
        char* child_envp[] = {const_cast<char*>("GREETING=first"), const_cast<char*>("LANG=C"),
                              const_cast<char*>("GREETING=second"), nullptr};
        std::cout << std::flush;  // execve discards whatever is still buffered
        ::execve("/proc/self/exe", child_argv, child_envp);
        course::throw_errno("execve /proc/self/exe");  // execve returns only on failure
        //< exec-self
    } catch (const std::system_error& e) {
        std::cerr << "lesson-05-cmdline: " << e.what() << "\n";
        return 1;
    }
}
