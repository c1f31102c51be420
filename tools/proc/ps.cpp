// proc ps: lists processes the way Lab 01 sees them (psutil's fields), as a table or JSON.
//
// Each process is read once: the Process handle's snapshot gives the parent and the
// state (as psutil does inside its oneshot()), then name, exe and cmdline are read. A
// process that ends while the list is being made is left out, as psutil.process_iter()
// does.
#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "course/sys.hpp"
#include "process.hpp"

namespace {

// One row of the listing.
struct Row {
    pid_t pid;
    pid_t ppid;
    std::string name, status, started;
    double create_time;
    std::optional<std::string> exe;  // no value when the kernel refused (AccessDenied)
    std::vector<std::string> cmdline;
};

// Every PID under /proc (the all-digit entries), ascending. Lab 02's proc::pids() does
// the same; this copy keeps `proc ps` working for a student who has only done Lab 01.
std::vector<pid_t> all_pids() {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/proc"), ::closedir);
    if (!dir)
        course::throw_errno("opendir /proc");
    std::vector<pid_t> pids;
    while (const dirent* entry = ::readdir(dir.get())) {
        std::string_view name = entry->d_name;
        if (std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(c); })) {
            pids.push_back(static_cast<pid_t>(std::stol(entry->d_name)));
        }
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

// Reads one process. @throws proc::NoSuchProcess if it is gone (or goes while read).
Row read_row(pid_t pid, std::time_t now) {
    proc::Process p(pid);
    Row row{pid, p.stat().ppid, p.name(), "", "", p.create_time(), std::nullopt, p.cmdline()};
    row.status = proc::to_string(proc::status_from_letter(p.stat().state));
    row.started = proc::format_start_time(row.create_time, static_cast<double>(now));
    try {
        row.exe = p.exe();
    } catch (const proc::AccessDenied&) {
        // shown as "?" in the table and null in JSON
    }
    return row;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words)
        out += (out.empty() ? "" : " ") + word;
    return out;
}

void print_table(const std::vector<Row>& rows) {
    std::vector<std::vector<std::string>> cells = {
        {"PID", "PPID", "STATUS", "STARTED", "NAME", "EXE", "CMDLINE"}};
    for (const Row& r : rows) {
        cells.push_back({std::to_string(r.pid), std::to_string(r.ppid), r.status, r.started, r.name,
                         r.exe.value_or("?"), join(r.cmdline)});
    }
    std::vector<size_t> width(7, 0);
    for (const auto& line : cells) {
        for (size_t i = 0; i < line.size(); ++i)
            width[i] = std::max(width[i], line[i].size());
    }
    for (const auto& line : cells) {
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
            std::string pad(width[i] - line[i].size(), ' ');
            if (i < 2) {
                text += pad + line[i] + "  ";  // numbers align right
            } else {
                text += line[i] + pad + "  ";
            }
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        std::cout << text << "\n";
    }
}

void print_json(const std::vector<Row>& rows) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Row& r : rows) {
        list.push_back(
            {{"pid", r.pid},
             {"ppid", r.ppid},
             {"name", r.name},
             {"status", r.status},
             {"create_time", r.create_time},
             {"started", r.started},
             {"exe", r.exe ? nlohmann::ordered_json(*r.exe) : nlohmann::ordered_json(nullptr)},
             {"cmdline", r.cmdline}});
    }
    // Names and arguments are bytes, not always UTF-8: replace what is not.
    std::cout << list.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

// Lists @p wanted (every process when empty). @returns 1 if a wanted PID was missing.
int run_ps(const std::vector<pid_t>& wanted, bool json) {
    std::time_t now = std::time(nullptr);
    std::vector<Row> rows;
    int status = 0;
    for (pid_t pid : wanted.empty() ? all_pids() : wanted) {
        try {
            rows.push_back(read_row(pid, now));
        } catch (const proc::NoSuchProcess&) {
            if (wanted.empty())
                continue;  // ended while we listed: skip it
            std::cerr << "proc: no process with PID " << pid << "\n";
            status = 1;
        }
    }
    if (json) {
        print_json(rows);
    } else if (!rows.empty() || wanted.empty()) {
        print_table(rows);
    }
    return status;
}

const bool ps_registered = proc_tool::register_command(
    {"ps", "list processes (PID, parent, status, start, name, exe, command line)",
     [](CLI::App& sub) {
         auto json = std::make_shared<bool>(false);
         auto pids = std::make_shared<std::vector<pid_t>>();
         sub.add_flag("--json", *json, "print a JSON array instead of a table");
         sub.add_option("--pid", *pids, "only these processes (an unknown PID is an error)");
         return std::function<int()>([json, pids] { return run_ps(*pids, *json); });
     },
     10});

}  // namespace
