// Fuzzes the grader's reading of compiled student code (elf_reader.hpp, object_inspection.hpp):
// an object file or an `ar` archive as a hostile compile could shape it. Whatever the bytes,
// the readers return (a problem in words for what they cannot read), never throw but for
// running out of memory, and never read outside the bytes (AddressSanitizer).
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string_view>

#include "compile/elf_reader.hpp"
#include "compile/object_inspection.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    static const grader::TrustedSymbols trusted = [] {
        grader::TrustedSymbols known;
        return known;
    }();
    auto object = grader::elf::read_object(bytes);
    for (const auto& symbol : object.symbols)
        (void)grader::readable_symbol(symbol.name);
    (void)grader::inspect_object("fuzzed.o", bytes, trusted);
    (void)grader::inspect_archive(bytes, {"plain.o", "hostile.o", ""}, trusted);
    grader::TrustedSymbols learnt;
    try {
        learnt.add("fuzzed", bytes);  // a trusted library that is not one: a plain error
    } catch (const std::runtime_error&) {
    }
    return 0;
}
