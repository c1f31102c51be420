// Lab 01 — process identity: a psutil-like view of one process, read from /proc.
//
// Fill in the TODOs in task order; `make` grades your work (lab01_tests). The contract
// of each function is in process.hpp; the lesson is lessons/01-process-identity.md.
// Helpers you will want: course::read_file (course/file.hpp) reads a whole /proc file
// in one go and throws std::system_error with errno (ENOENT, ESRCH, EACCES...).
#include "process.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>
#include <ostream>
#include <system_error>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 1 — give each Status the name psutil prints for it (see the header's list).
std::string_view to_string([[maybe_unused]] Status status) {
    course::todo("Task 1");
}

// TODO: Task 1 — map every state letter the kernel writes in /proc/PID/stat (R S D T t
// Z X x K W P I) to its Status, and refuse any other letter.
Status status_from_letter([[maybe_unused]] char letter) {
    course::todo("Task 1");
}

// TODO: Task 1 — pick fields 1 to 4 and 22 out of the text of /proc/PID/stat. The name
// (field 2) is chosen by the program and may hold spaces and parentheses: decide where
// it really ends before splitting the rest. Reject malformed text.
StatFields parse_stat([[maybe_unused]] std::string_view text) {
    course::todo("Task 1");
}

// TODO: Task 3 — turn the raw bytes of /proc/PID/cmdline into arguments the way psutil
// does, including programs that rewrote their command line with spaces.
std::vector<std::string> split_cmdline([[maybe_unused]] std::string_view raw) {
    course::todo("Task 3");
}

// TODO: Task 4 — show a start time as psutil's repr does (time only when recent).
std::string format_start_time([[maybe_unused]] double create_time, [[maybe_unused]] double now) {
    course::todo("Task 4");
}

// TODO: Task 2 — find when the machine booted (/proc/stat), once for the whole program.
double boot_time() {
    course::todo("Task 2");
}

// TODO: Task 2 — make a handle: one read of /proc/PID/stat, and the right exception
// when there is no such process.
Process::Process(pid_t pid) : pid_(pid) {
    course::todo("Task 2");
}

// TODO: Task 2 — the calling process.
Process Process::self() {
    course::todo("Task 2");
}

// TODO: Task 2 — the parent's PID as it is now, not as it was.
pid_t Process::ppid() const {
    course::todo("Task 2");
}

// TODO: Task 2 — the state as it is now.
Status Process::status() const {
    course::todo("Task 2");
}

// TODO: Task 2 — the start time in seconds since the epoch, exactly as psutil computes it.
double Process::create_time() const {
    course::todo("Task 2");
}

// TODO: Task 2 — take a fresh snapshot.
void Process::refresh() {
    course::todo("Task 2");
}

// TODO: Task 3 — the name, undoing the kernel's 15-byte truncation when the command
// line allows it.
std::string Process::name() const {
    course::todo("Task 3");
}

// TODO: Task 3 — the program's path, telling a kernel thread or zombie (no program), a
// refusal and a vanished process apart.
std::string Process::exe() const {
    course::todo("Task 3");
}

// TODO: Task 3 — the command line, as a list of arguments.
std::vector<std::string> Process::cmdline() const {
    course::todo("Task 3");
}

// TODO: Task 4 — is this still the *same* process (PIDs get reused)?
bool Process::is_running() const {
    course::todo("Task 4");
}

// TODO: Task 4 — the one-line text form, like psutil's repr.
std::string Process::to_string() const {
    course::todo("Task 4");
}

}  // namespace proc
