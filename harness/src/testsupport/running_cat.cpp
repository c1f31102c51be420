// A child running cat, returned once it has echoed a byte: its exec is then complete.
#include <unistd.h>

#include <stdexcept>

#include "course/sys.hpp"
#include "harness/testsupport.hpp"

extern char** environ;

namespace harness {

namespace {

// A NULL-terminated array of pointers into @p strings, as execve takes it.
std::vector<char*> pointers_to(const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (const auto& s : strings)
        pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

RunningCat RunningCat::start(const std::vector<std::string>& argv,
                             const std::optional<std::vector<std::string>>& env) {
    std::vector<char*> args = pointers_to(argv);
    std::vector<char*> envp = env ? pointers_to(*env) : std::vector<char*>{};
    course::Pipe to_cat = course::make_pipe();
    course::Pipe from_cat = course::make_pipe();
    TestChild child = TestChild::fork([&] {
        // dup2 clears close-on-exec on the copies; the originals close at the exec.
        course::check(::dup2(to_cat.read.get(), STDIN_FILENO), "dup2");
        course::check(::dup2(from_cat.write.get(), STDOUT_FILENO), "dup2");
        ::execve(args[0], args.data(), env ? envp.data() : environ);
        ::_exit(127);
    });
    from_cat.write.reset();
    // Our read end of to_cat stays open through the write, so a child that never ran cat
    // cannot make it fail with EPIPE (or SIGPIPE): the byte just waits in the pipe.
    char byte = 'x';
    course::retry_on_eintr("write", [&] { return ::write(to_cat.write.get(), &byte, 1); });
    to_cat.read.reset();
    ssize_t n =
        course::retry_on_eintr("read", [&] { return ::read(from_cat.read.get(), &byte, 1); });
    if (n == 0)  // end of file: the child ended without echoing
        throw std::runtime_error(argv[0] + " did not start as cat: the child " +
                                 describe_status(child.wait()));
    return RunningCat(std::move(child), std::move(to_cat.write), std::move(from_cat.read));
}

int RunningCat::finish() {
    input_.reset();
    return child_.wait();
}

}  // namespace harness
