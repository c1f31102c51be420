// Lab 08 — starting a job. The function below is Task 1; launch.hpp is the contract the
// tests check, and the lesson (lessons/08-job-control.md) explains what it must do and why.
#include "launch.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "wait.hpp"

namespace proc {

// TODO: Task 1 — fork; on *both* sides put the child in a new process group and, for a
// foreground job, make that group the terminal's foreground (SIGTTOU blocked around it).
// In the child: default actions for the signals a shell ignores, an empty mask, execvp,
// and its errno sent back through a close-on-exec pipe if exec fails.
Child launch_job([[maybe_unused]] const std::vector<std::string>& argv,
                 [[maybe_unused]] int foreground_tty) {
    course::todo("Task 1");
}

}  // namespace proc
