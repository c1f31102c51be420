/// @file
/// @brief A sandboxed run's plan (child::ChildPlan) as bytes: written by the grader,
/// read by the sandbox's launcher program (launch.hpp says why there is one).
///
/// The launcher is a fresh process: everything the child side needs (the program and its
/// arguments, its environment, the filesystem view, the limits, the descriptors it is
/// given, the grader's processes a test must not reach) travels in these bytes, on a
/// descriptor of its own, never on a command line (which every process may read in
/// /proc/PID/cmdline: a view names the hidden tests' paths). The grader is the only
/// writer; the launcher still checks every count and size, so that a bug is an error,
/// not a wild read.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/namespaces.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/sandbox_child.hpp"

namespace grader::launch {

/// The descriptors of a plan that the launcher keeps (every other one above 2 it closes).
/// @returns how many it wrote to @p fds (at most kMaxPlanFds).
inline constexpr int kMaxPlanFds = child::kMaxPassed + 6;
int plan_descriptors(const child::ChildPlan& plan, int reply_fd, int* fds) noexcept;

/// Encodes what of @p plan the launcher needs, with @p reply_fd: with plan.isolated, the
/// pipe on which the launcher tells the grader the sandbox init's PID. The grader's own
/// pipe ends (plan.grader_ends) and plan.filesystem.trees are not part of it: the launcher
/// never holds the former, and makes the latter itself.
std::string encode_plan(const child::ChildPlan& plan, int reply_fd);

/// A decoded plan, and everything its ChildPlan points into (so it is neither copied nor
/// moved).
struct DecodedPlan {
    DecodedPlan() = default;
    DecodedPlan(const DecodedPlan&) = delete;
    DecodedPlan& operator=(const DecodedPlan&) = delete;

    child::ChildPlan plan;  ///< Ready for child::run_init or child::exec_program.
    int reply_fd = -1;      ///< Isolated: where the init's PID goes.
    Limits limits;          ///< What plan.limits points to (no view, no cgroup: the
                            ///< launcher needs only the numbers and flags).
    std::vector<std::string> argv_text, envp_text, step_paths;
    std::vector<char*> argv, envp;
    std::string workdir, cwd;
    std::vector<ns::MountStep> steps;
    std::vector<int> trees;
};

/// Decodes @p bytes (encode_plan()'s). @returns the plan, or nullptr with @p error saying
/// what is wrong. Never throws (out of memory is an error too).
std::unique_ptr<DecodedPlan> decode_plan(std::string_view bytes, std::string& error) noexcept;

}  // namespace grader::launch
