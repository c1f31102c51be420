// A stub broken on purpose (harness/labcheck's fixture, never compiled). Braces in
// comments { and strings must not be taken for code; each definition below that is not a
// task is one the given-code check must report.
#include "thing.hpp"

namespace proc {

Error::Error(int code) : std::runtime_error("{ not a body }"), code_(code) {}

Thing::Thing() {}

Pair::Pair(int a) : a_{a}, b_(a) {}

int helper_only_here() {
    return 1;
}

// TODO: Task 1 — the one task of this stub.
int task_one([[maybe_unused]] int x) {
    course::todo("Task 1");
}

// TODO: Task 3 — a task the lab does not have.
int task_three() {
    course::todo("Task 3");
}

}  // namespace proc
