#include "channel_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace harness::channel {
namespace {

Secret the_secret;
bool taken = false;
pid_t owner = 0;
std::uint64_t next_seq = 0;

bool is_pipe(int fd) noexcept {
    struct stat info {};
    return ::fstat(fd, &info) == 0 && S_ISFIFO(info.st_mode);
}

// Finds "NAME=3,4" in @p envp and removes it in place (shifting the rest down): at
// .preinit_array time libc's getenv/unsetenv may not know the environment yet.
bool remove_marker(char** envp) noexcept {
    if (envp == nullptr)
        return false;
    std::size_t name_length = std::strlen(kEnvironmentVariable);
    for (char** var = envp; *var != nullptr; ++var) {
        if (std::strncmp(*var, kEnvironmentVariable, name_length) != 0 ||
            (*var)[name_length] != '=')
            continue;
        bool expected = std::strcmp(*var + name_length + 1, "3,4") == 0;
        for (char** rest = var; *rest != nullptr; ++rest)
            rest[0] = rest[1];
        return expected;
    }
    return false;
}

// Runs before every constructor of the program, lab code's included (.preinit_array),
// so that no lab code ever sees the secret's descriptor.
void take_the_grader_secret(int, char**, char** envp) {
    take_secret(envp);
}
[[gnu::section(".preinit_array"),
  gnu::used]] void (*const preinit_entry)(int, char**, char**) = &take_the_grader_secret;

}  // namespace

void take_secret(char** envp) noexcept {
    if (!remove_marker(envp))
        return;
    if (!is_pipe(kSecretFd) || !is_pipe(kResultFd))
        return;
    char bytes[kSecretSize + 1];
    std::size_t got = 0;
    while (got < sizeof bytes) {  // the grader wrote it all and closed its end: no wait
        ssize_t n = ::read(kSecretFd, bytes + got, sizeof bytes - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    ::close(kSecretFd);
    if (!deserialize(std::string_view(bytes, got), the_secret))
        return;
    ::fcntl(kResultFd, F_SETFD, FD_CLOEXEC);  // programs the tests start never get it
    owner = ::getpid();
    taken = true;
}

bool active() noexcept {
    return taken;
}

const Secret& secret() noexcept {
    return the_secret;
}

bool send(std::string_view payload) noexcept {
    if (!taken || ::getpid() != owner)
        return false;
    try {
        std::string record = seal(the_secret, next_seq++, payload);
        std::size_t done = 0;
        while (done < record.size()) {
            ssize_t n = ::write(kResultFd, record.data() + done, record.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    } catch (...) {  // out of memory: the record is missing, and the grader says so
        return false;
    }
}

void end_run(bool all_good) noexcept {
    int code = all_good ? 0 : 1;
    send("{\"kind\":\"end\",\"exit_code\":" + std::to_string(code) + "}");
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(code);
}

}  // namespace harness::channel
