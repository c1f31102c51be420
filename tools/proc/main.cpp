// proc: a small process toolbox (ps, tree, run, env, supervise, shell), built from the labs.
// Bad usage prints a message and exits 2; a failed operation exits 1 with the reason.
#include <algorithm>
#include <iostream>
#include <system_error>
#include <vector>

#include "command.hpp"

namespace proc_tool {

static std::vector<Command>& commands() {
    static std::vector<Command> all;
    return all;
}

bool register_command(Command command) {
    commands().push_back(std::move(command));
    return true;
}

}  // namespace proc_tool

int main(int argc, char** argv) {
    using proc_tool::commands;
    CLI::App app{"proc: look at and run Unix processes (built from the course's labs)"};
    app.require_subcommand(1);
    std::sort(commands().begin(), commands().end(),
              [](const auto& a, const auto& b) { return a.order < b.order; });
    std::function<int()> chosen;
    for (auto& command : commands()) {
        CLI::App* sub = app.add_subcommand(command.name, command.summary);
        auto run = command.setup(*sub);
        sub->callback([&chosen, run] { chosen = run; });
    }
    // CLI11 would say "A subcommand is required" for a misspelt one: name it instead.
    if (argc > 1 && argv[1][0] != '-') {
        bool known = false;
        std::string names;
        for (const auto& command : commands()) {
            known = known || command.name == argv[1];
            names += (names.empty() ? "" : ", ") + command.name;
        }
        if (!known) {
            std::cerr << "proc: unknown command '" << argv[1] << "' (commands: " << names
                      << "; see proc --help)\n";
            return 2;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return e.get_exit_code() == 0 ? 0 : (code == 0 ? 0 : 2);
    }
    try {
        return chosen();
    } catch (const std::exception& e) {
        std::cerr << "proc: " << e.what() << "\n";
        return 1;
    }
}
