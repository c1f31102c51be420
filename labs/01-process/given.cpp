// Lab 01 — the code given with the lab. It is compiled into your lab and into the
// reference alike (lab.json, "given").
#include <ostream>
#include <string>

#include "process.hpp"

namespace proc {

NoSuchProcess::NoSuchProcess(pid_t pid, const std::string& detail)
    : std::runtime_error("no process with PID " + std::to_string(pid) + " (" + detail + ")"),
      pid_(pid) {}

AccessDenied::AccessDenied(pid_t pid, const std::string& detail)
    : std::runtime_error("access denied to process " + std::to_string(pid) + " (" + detail + ")"),
      pid_(pid) {}

std::ostream& operator<<(std::ostream& out, const Process& p) {
    return out << p.to_string();
}

}  // namespace proc
