#include "compile/object_inspection.hpp"

#include <cxxabi.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "compile/elf_reader.hpp"
#include "hsys/io.hpp"

namespace grader {
namespace {

// True when the mangled @p name holds the identifier @p word as one source name: its
// length then its letters ("7testing"), not the tail of a longer one ("17testingfoo").
bool names_identifier(std::string_view name, std::string_view word) {
    std::string token = std::to_string(word.size()) + std::string(word);
    for (auto at = name.find(token); at != std::string_view::npos; at = name.find(token, at + 1)) {
        bool after_digit = at > 0 && name[at - 1] >= '0' && name[at - 1] <= '9';
        if (!after_digit)
            return true;
    }
    return false;
}

bool mangled(std::string_view name) {
    return name.substr(0, 2) == "_Z";
}

// A name of the standard library's own namespace (std::, or its abbreviations: std::string
// is "Ss", std::ostream "So", ...), whose inline copies every program carries.
bool in_std(std::string_view name) {
    for (std::string_view prefix :
         {"_ZNSt", "_ZNKSt", "_ZSt", "_ZNSa", "_ZNKSa", "_ZNSb", "_ZNKSb", "_ZNSs", "_ZNKSs",
          "_ZNSi", "_ZNKSi", "_ZNSo", "_ZNKSo", "_ZNSd", "_ZNKSd"}) {
        if (name.substr(0, prefix.size()) == prefix)
            return true;
    }
    return false;
}

// True when @p name reaches into the C++ runtime's type information: a type_info class of its
// own, an upcast or a catch of its own (a forged exception type that a framework's handler
// takes for its own; catch_guard.hpp checks every catch at run time too).
bool reaches_the_runtime_type_info(std::string_view name) {
    // Its functions: the members of its type_info classes (__do_upcast, __do_catch, ...),
    // which a class derived from one refers to. Its vtables and typeinfo objects are
    // what any compiled type_info, or a catch of a thread's cancellation, refers to.
    return name.substr(0, 15) == "_ZN10__cxxabiv1" || name.substr(0, 16) == "_ZNK10__cxxabiv1";
}

// Which framework or course internals a mangled name belongs to, or "" for none.
std::string_view internals_of(std::string_view name) {
    if (!mangled(name))
        return "";
    if (names_identifier(name, "testing"))
        return "the test framework (GoogleTest)";
    if (names_identifier(name, "Catch"))
        return "the test framework (Catch2)";
    if (names_identifier(name, "harness"))
        return "the course's test support";
    return "";
}

// True when a reference to @p name reaches the path a result takes: the course's result
// channel, the frameworks' results, reporters, listeners and registries.
bool on_result_path(std::string_view name) {
    if (names_identifier(name, "harness"))
        return names_identifier(name, "channel");
    static constexpr std::array kWords = {"UnitTest",
                                          "UnitTestImpl",
                                          "GetUnitTestImpl",
                                          "TestEventListener",
                                          "TestEventListeners",
                                          "EmptyTestEventListener",
                                          "TestPartResult",
                                          "TestPartResultReporterInterface",
                                          "ScopedFakeTestPartResultReporter",
                                          "TestResult",
                                          "TestInfo",
                                          "TestSuite",
                                          "TestCase",
                                          "RegisterTest",
                                          "ResultCapture",
                                          "IResultCapture",
                                          "getResultCapture",
                                          "RunContext",
                                          "Session",
                                          "IStreamingReporter",
                                          "IEventListener",
                                          "EventListenerBase",
                                          "TestEventListenerBase",
                                          "StreamingReporterBase",
                                          "ReporterRegistry",
                                          "IMutableRegistryHub",
                                          "getMutableRegistryHub",
                                          "RegistryHub",
                                          "getCurrentContext",
                                          "getCurrentMutableContext",
                                          "IMutableContext",
                                          "Totals",
                                          "AssertionStats",
                                          "TestCaseStats",
                                          "TestRunStats",
                                          "SectionStats",
                                          "TestCaseInfo",
                                          "TestRegistry",
                                          "ListenerRegistrar",
                                          "ReporterRegistrar"};
    for (std::string_view word : kWords) {
        if (names_identifier(name, word))
            return true;
    }
    return false;
}

// C functions that look into the program's own code or memory, or go around libc: what a
// search for the course's secret uses, and no lab needs.
bool looks_inside_the_program(std::string_view name) {
    static constexpr std::array kNames = {
        "dlsym", "dlvsym", "dlopen", "dlmopen", "dladdr", "dladdr1", "dlinfo", "dl_iterate_phdr",
        "getauxval", "ptrace", "process_vm_readv", "process_vm_writev", "mprotect", "pkey_mprotect",
        "_dl_find_object",
        // the program's own image and stack, read in place
        "__ehdr_start", "__executable_start", "__libc_stack_end", "_r_debug", "_DYNAMIC", "main",
        // walking and rewriting the stack: a test body left without reaching its end
        "_Unwind_Backtrace", "_Unwind_GetCFA", "_Unwind_GetGR", "_Unwind_SetGR", "_Unwind_SetIP",
        "_Unwind_FindEnclosingFunction", "_Unwind_Find_FDE", "_Unwind_ForcedUnwind",
        "_Unwind_RaiseException", "getcontext", "setcontext", "swapcontext", "makecontext"};
    for (std::string_view c_name : kNames) {
        if (name == c_name)
            return true;
    }
    return false;
}

ObjectFinding finding(bool integrity, const std::string& object, const std::string& symbol,
                      std::string what) {
    return {integrity, object, symbol, std::move(what)};
}

// What a definition of @p symbol means, or nothing.
void judge_definition(const elf::Symbol& symbol, const std::string& object,
                      const TrustedSymbols& trusted, std::vector<ObjectFinding>& found) {
    const std::string& name = symbol.name;
    std::string shown = readable_symbol(name);
    if (symbol.type == elf::kTypeGnuIfunc) {
        found.push_back(finding(
            false, object, name,
            "defines " + shown + " as an IFUNC (a function chosen by code run at load time)"));
    }
    if (name == "main" || name == "_start" || name == "_init" || name == "_fini") {
        found.push_back(finding(true, object, name,
                                "defines " + name + ", which the course's test program defines"));
        return;
    }
    if (auto internals = internals_of(name); !internals.empty()) {
        found.push_back(finding(true, object, name,
                                "defines " + shown + ", a name of " + std::string(internals)));
        return;
    }
    if (reaches_the_runtime_type_info(name)) {
        found.push_back(finding(true, object, name,
                                "defines " + shown +
                                    ", a part of the C++ runtime's type "
                                    "information"));
        return;
    }
    // An inline copy the compiler makes for every user: of a standard library template's
    // code, or the reference to the exception personality routine (DW.ref.__gxx_personality_v0).
    bool compiler_copy = name.rfind("DW.ref.", 0) == 0;
    bool shared_copy = symbol.in_group && ((mangled(name) && in_std(name)) || compiler_copy);
    if (trusted.exported(name) && !shared_copy) {
        found.push_back(
            finding(true, object, name,
                    "defines " + shown +
                        ", which the C or C++ library defines: the test program would run "
                        "this one instead"));
    } else if (trusted.linked(name) && !(symbol.in_group && (mangled(name) || compiler_copy))) {
        found.push_back(
            finding(true, object, name,
                    "defines " + shown +
                        ", which the course or the test framework defines: the test program "
                        "would run this one instead"));
    }
}

// What a reference to @p name means, or nothing.
void judge_reference(const std::string& name, const std::string& object,
                     std::vector<ObjectFinding>& found) {
    std::string shown = readable_symbol(name);
    if (auto internals = internals_of(name); !internals.empty()) {
        bool result_path = on_result_path(name);
        found.push_back(finding(result_path, object, name,
                                std::string(result_path ? "reaches the result path of "
                                                        : "refers to the internals of ") +
                                    std::string(internals) + ": " + shown));
    } else if (reaches_the_runtime_type_info(name)) {
        found.push_back(finding(true, object, name,
                                "reaches into the C++ runtime's type information (a type_info "
                                "or an upcast of its own, which can pass one exception off as "
                                "another): " +
                                    shown));
    } else if (looks_inside_the_program(name)) {
        found.push_back(
            finding(false, object, name,
                    "uses " + name +
                        ", which looks into the program's own code, stack or memory, or jumps "
                        "around it"));
    }
}

// What a section named @p name of @p type means, or nothing.
void judge_section(const elf::Section& section, const std::string& object,
                   std::vector<ObjectFinding>& found) {
    std::string_view name = section.name;
    if (section.type == elf::kSectionPreinitArray || name.substr(0, 14) == ".preinit_array") {
        found.push_back(finding(true, object, section.name,
                                "has a .preinit_array entry: code that runs before the course's "
                                "test main takes its secret"));
        return;
    }
    for (std::string_view prioritised : {".init_array.", ".fini_array.", ".ctors", ".dtors"}) {
        if (name.substr(0, prioritised.size()) == prioritised) {
            found.push_back(finding(false, object, section.name,
                                    "has a prioritised constructor or destructor (" + section.name +
                                        "): code that runs before main() or "
                                        "after exit()"));
            return;
        }
    }
}

}  // namespace

std::string readable_symbol(const std::string& symbol) {
    // The demangler recurses over the name: only names of a bounded length go to it.
    if (!mangled(symbol) || symbol.size() > 512)
        return symbol;
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> text(
        abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), &std::free);
    return status == 0 && text ? std::string(text.get()) : symbol;
}

void TrustedSymbols::add(const std::string& path, std::string_view bytes) {
    auto take = [&](std::string_view object_bytes, bool archive_member) {
        auto object = elf::read_object(object_bytes);
        if (!object.problem.empty())
            throw std::runtime_error(path + ": " + object.problem);
        for (const auto& symbol : object.symbols) {
            if (symbol.defined)
                (archive_member || object.relocatable ? linked_ : exported_).insert(symbol.name);
        }
    };
    if (!elf::is_archive(bytes)) {
        take(bytes, false);
        return;
    }
    auto archive = elf::read_archive(bytes);
    if (!archive.problem.empty())
        throw std::runtime_error(path + ": " + archive.problem);
    for (const auto& member : archive.members)
        take(member.bytes, true);
}

TrustedSymbols TrustedSymbols::load(const std::vector<std::string>& paths) {
    TrustedSymbols trusted;
    for (const auto& path : paths) {
        std::error_code error;
        if (!std::filesystem::exists(path, error))
            continue;
        // The course's own build wrote these, or the system: read through the safe reader
        // all the same (a symbolic link is normal for a system library: resolve it first).
        auto real = std::filesystem::canonical(path, error);
        if (error)
            throw std::runtime_error(path + ": " + error.message());
        trusted.add(path, hsys::read_file_bounded(real.string(), kLibraryCap));
    }
    return trusted;
}

std::vector<ObjectFinding> inspect_object(const std::string& object, std::string_view bytes,
                                          const TrustedSymbols& trusted) {
    std::vector<ObjectFinding> found;
    auto parsed = elf::read_object(bytes);
    if (!parsed.problem.empty() || !parsed.relocatable) {
        std::string why =
            parsed.problem.empty() ? "it is not a relocatable object" : parsed.problem;
        found.push_back(
            finding(true, object, "", "cannot be read as the compiler's object file: " + why));
        return found;
    }
    for (const auto& section : parsed.sections)
        judge_section(section, object, found);
    for (const auto& symbol : parsed.symbols) {
        if (symbol.defined)
            judge_definition(symbol, object, trusted, found);
        else
            judge_reference(symbol.name, object, found);
    }
    return found;
}

std::vector<ObjectFinding> inspect_archive(std::string_view archive_bytes,
                                           const std::vector<std::string>& members,
                                           const TrustedSymbols& trusted) {
    auto archive = elf::read_archive(archive_bytes);
    if (!archive.problem.empty())
        return {finding(true, "", "", "the lab's library cannot be read: " + archive.problem)};
    std::vector<ObjectFinding> found;
    for (const auto& member : archive.members) {
        bool wanted = false;
        for (const auto& name : members)
            wanted = wanted || member.name == name;
        if (!wanted)
            continue;
        auto more = inspect_object(member.name, member.bytes, trusted);
        found.insert(found.end(), more.begin(), more.end());
    }
    return found;
}

}  // namespace grader
