/// @file
/// @brief Inspecting what a student's code compiled to, before it is linked into a test.
///
/// The source review (source_review.hpp) reads what was written; a macro, a line splice or
/// a mangled name spells anything past it. This reads what the compiler made of it: the
/// student's object files, taken from the lab's static library after the compile and
/// before the tests run. What it looks for (harness/README.md, "Trust"):
///
/// | Found in a student's object                                   | Verdict      |
/// |---------------------------------------------------------------|--------------|
/// | a definition of a name that the C library, the C++ library, the test framework or the course
/// defines (`read`, `main`, `harness::...`): it would replace theirs in the test program |
/// `integrity` | | a reference to the result path (the course's channel, the frameworks' reporters,
/// listeners and results) | `integrity` | | a `.preinit_array` entry (code that runs before the
/// course's test main takes its secret) | `integrity` | | an object the grader cannot read as one
/// | `integrity` | | any other reference to the frameworks' or the course's internals | needs
/// review | | an IFUNC symbol (code chosen by a resolver at load time)       | needs review | | a
/// prioritised constructor or destructor section                | needs review | | a call that
/// looks into the program's own code or memory (`dlsym`, `dl_iterate_phdr`, `syscall`,
/// `process_vm_readv`, ...) | needs review |
///
/// Copies of the standard library's inline and template code (COMDAT: `std::string`'s
/// members, `std::exception_ptr`'s) are what every use of it compiles to: the same copy may
/// stand in the C++ library, and it is no shadowing the inspection can tell from a
/// student's own inline definition of such a function. What such a definition could be
/// used for that matters (an exception passed off as a framework's) is checked when it
/// happens (catch_guard.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace grader {

/// The largest library the grader reads, a lab's or a trusted one's (libstdc++ is about
/// 2 MiB, a lab compiles to a few MiB at most).
inline constexpr std::size_t kLibraryCap = 256u << 20;

/// One thing an object holds that a lab never needs.
struct ObjectFinding {
    bool integrity = false;  ///< True: the lab's results cannot be trusted (0 points);
                             ///< false: an instructor should look (needs review).
    std::string object;      ///< The object file, as the archive names it ("process.cpp.o").
    std::string symbol;      ///< The symbol or section, as the object spells it.
    std::string what;        ///< Why, in plain words, naming the symbol readably.
};

/// The names that the test program's trusted parts define: the exports of the shared
/// libraries it links (libc, libm, libstdc++, libgcc_s) and every global or weak
/// definition of the course's and the frameworks' static libraries.
class TrustedSymbols {
  public:
    /// Reads each file of @p paths (shared objects and static archives; ones that do not
    /// exist are skipped: Catch2 v2 has no library).
    /// @throws std::runtime_error naming a file that exists but cannot be read as ELF.
    static TrustedSymbols load(const std::vector<std::string>& paths);

    /// Adds the definitions of one ELF file or archive given as @p bytes, named @p path in
    /// messages. @throws std::runtime_error when the bytes are not one.
    void add(const std::string& path, std::string_view bytes);

    /// True when a shared library exports @p name.
    bool exported(const std::string& name) const { return exported_.count(name) != 0; }
    /// True when a static library of the course or of a framework defines @p name.
    bool linked(const std::string& name) const { return linked_.count(name) != 0; }
    /// How many names are known (for the tests).
    std::size_t size() const { return exported_.size() + linked_.size(); }

  private:
    std::unordered_set<std::string> exported_;
    std::unordered_set<std::string> linked_;
};

/// The findings in one object file's @p bytes, named @p object in them.
std::vector<ObjectFinding> inspect_object(const std::string& object, std::string_view bytes,
                                          const TrustedSymbols& trusted);

/// The findings in the members of the static library @p archive_bytes whose names are in
/// @p members ("process.cpp.o": the student's own sources; the code given with the lab
/// is the course's and is not inspected). A member named but missing is no finding (the
/// source may be empty of code); an archive that cannot be read is an integrity finding.
std::vector<ObjectFinding> inspect_archive(std::string_view archive_bytes,
                                           const std::vector<std::string>& members,
                                           const TrustedSymbols& trusted);

/// @p symbol demangled for people ("harness::channel::send(...)"), or as it is when it is
/// not a C++ name (or too long to demangle safely).
std::string readable_symbol(const std::string& symbol);

}  // namespace grader
