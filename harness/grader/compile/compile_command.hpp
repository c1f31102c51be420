/// @file
/// @brief A compiler's command line, with the files it writes moved into a scratch folder.
///
/// The sandboxed compile (sandboxed_compile.cpp) runs the compiler as a user who may not
/// write the build tree: the object file (`-o`) and the dependency file (`-MF`, or the
/// one `-MD`/`-MMD` name after `-o`) are written into a scratch folder instead, then
/// copied where the build expects them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace grader {

/// A compile command made to write into a scratch folder.
struct ScratchCompile {
    std::vector<std::string> argv;  ///< The command to run (argv[0]: the compiler).
    /// Each file the compiler writes: (in the scratch folder, where the build wants it).
    std::vector<std::pair<std::string, std::string>> outputs;
    std::string source;  ///< The file compiled (for messages); empty when none was found.
};

/// Rewrites @p command (a compiler and its arguments, as a build tool runs it from
/// @p cwd) so that its outputs go into @p scratch. `-MT` is added, naming the real
/// output, when dependency files are written without one (their rule then names the
/// object the build knows). Response files (`@file`) are not supported.
/// @throws std::invalid_argument for a command it cannot rewrite safely (no `-c`, a
///         response file, an option it does not know that writes a file).
ScratchCompile redirect_outputs(const std::vector<std::string>& command, const std::string& scratch,
                                const std::string& cwd);

}  // namespace grader
