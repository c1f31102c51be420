#include "compile/compile_command.hpp"

#include <filesystem>
#include <stdexcept>

namespace grader {
namespace fs = std::filesystem;

namespace {

// The value of option @p name at @p i, given as `-oFILE` or `-o FILE`; advances @p i past
// it. @returns false when argv[i] is not that option.
bool take_value(const std::vector<std::string>& argv, std::size_t& i, const std::string& name,
                std::string& value) {
    const std::string& arg = argv[i];
    if (arg == name) {
        if (i + 1 >= argv.size())
            throw std::invalid_argument(name + " without a value");
        value = argv[++i];
        return true;
    }
    if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0) {
        value = arg.substr(name.size());
        return true;
    }
    return false;
}

}  // namespace

ScratchCompile redirect_outputs(const std::vector<std::string>& command, const std::string& scratch,
                                const std::string& cwd) {
    if (command.empty())
        throw std::invalid_argument("no compiler given");
    ScratchCompile result;
    std::string object, depfile;
    bool writes_deps = false, names_target = false;
    std::vector<std::string> kept;
    kept.push_back(command[0]);
    for (std::size_t i = 1; i < command.size(); ++i) {
        const std::string& arg = command[i];
        std::string value;
        if (!arg.empty() && arg[0] == '@')
            throw std::invalid_argument("response files (" + arg + ") are not supported");
        if (take_value(command, i, "-o", value)) {
            object = value;
        } else if (take_value(command, i, "-MF", value)) {
            depfile = value;
        } else {
            if (arg == "-MD" || arg == "-MMD")
                writes_deps = true;
            if (arg == "-MT" || arg == "-MQ" || arg.rfind("-MT", 0) == 0 ||
                arg.rfind("-MQ", 0) == 0)
                names_target = true;
            if (arg == "-c" && i + 1 < command.size())
                result.source = command[i + 1];
            if (i + 1 == command.size() && result.source.empty() && arg[0] != '-')
                result.source = arg;
            kept.push_back(arg);
        }
    }
    auto real = [&](const std::string& path) { return (fs::path(cwd) / path).lexically_normal(); };
    if (writes_deps && depfile.empty() && !object.empty())
        depfile = fs::path(object).replace_extension(".d").string();  // what -MD would name
    result.argv = std::move(kept);
    if (!object.empty()) {
        std::string in_scratch = scratch + "/output.o";
        result.argv.insert(result.argv.end(), {"-o", in_scratch});
        result.outputs.emplace_back(in_scratch, real(object).string());
    }
    if (!depfile.empty()) {
        std::string in_scratch = scratch + "/output.d";
        result.argv.insert(result.argv.end(), {"-MF", in_scratch});
        if (!names_target && !object.empty())
            result.argv.insert(result.argv.end(), {"-MT", object});
        result.outputs.emplace_back(in_scratch, real(depfile).string());
    }
    return result;
}

}  // namespace grader
