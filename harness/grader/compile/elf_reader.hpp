/// @file
/// @brief Reading the symbols and sections of ELF files and `ar` archives, as untrusted bytes.
///
/// A student's compiled code is read before it is linked into a test program
/// (object_inspection.hpp), so these readers take bytes that a hostile submission shaped:
/// every offset, size, count and string is checked against the bytes at hand, nothing is
/// read past them, and a file that is not what it claims gives a problem in words, never an
/// exception or a crash. Only what the inspection needs is read: 64-bit little-endian ELF
/// (x86_64, aarch64), relocatable objects and shared objects, their section names and types,
/// symbol tables (`.symtab`, or `.dynsym` for a shared object) and COMDAT groups; GNU `ar`
/// archives with their long-name table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grader::elf {

/// ELF constants the inspection reads (from the System V ABI and its GNU extensions).
enum : std::uint32_t {
    kSectionPreinitArray = 16,  ///< SHT_PREINIT_ARRAY
    kSectionInitArray = 14,     ///< SHT_INIT_ARRAY
    kSectionGroup = 17,         ///< SHT_GROUP
};
enum : unsigned {
    kBindLocal = 0,       ///< STB_LOCAL
    kBindGlobal = 1,      ///< STB_GLOBAL
    kBindWeak = 2,        ///< STB_WEAK
    kBindGnuUnique = 10,  ///< STB_GNU_UNIQUE
    kTypeFunction = 2,    ///< STT_FUNC
    kTypeGnuIfunc = 10,   ///< STT_GNU_IFUNC: a function chosen by code run at load time
};

/// One section's header.
struct Section {
    std::string name;
    std::uint32_t type = 0;
};

/// One symbol of the symbol table (or of the dynamic one, for a shared object).
struct Symbol {
    std::string name;
    unsigned bind = 0;      ///< kBind...
    unsigned type = 0;      ///< kType... (STT_*)
    bool defined = false;   ///< In a section of this file (not undefined, not common).
    bool in_group = false;  ///< Its section belongs to a COMDAT group (an inline or
                            ///< template copy that the linker keeps once).
    std::string section;    ///< The name of its section ("" when undefined).
};

/// What one ELF file holds.
struct Object {
    bool relocatable = false;  ///< ET_REL (a compiler's output); else ET_DYN or ET_EXEC.
    std::vector<Section> sections;
    std::vector<Symbol> symbols;  ///< Global, weak and unique ones only: locals are the
                                  ///< file's own business.
    std::string problem;          ///< Why the bytes are not a readable ELF file ("" if they are).
};

/// Reads the ELF file in @p bytes. Never throws but for std::bad_alloc; a malformed file
/// sets `problem` and keeps what was read before it.
Object read_object(std::string_view bytes);

/// One member of an archive.
struct Member {
    std::string name;        ///< Its file name ("process.cpp.o"), long names resolved.
    std::string_view bytes;  ///< Its content: a view into the archive's bytes.
};

/// What an `ar` archive holds.
struct Archive {
    std::vector<Member> members;  ///< In order; the symbol index and name table left out.
    std::string problem;          ///< Why the bytes are not a readable archive ("" if they are).
};

/// Reads the GNU or BSD-style `ar` archive in @p bytes ("!<arch>\n"); a thin archive
/// ("!<thin>\n", whose members are other files) is a problem. Never throws but for
/// std::bad_alloc.
Archive read_archive(std::string_view bytes);

/// True when @p bytes start as an archive does.
bool is_archive(std::string_view bytes);

}  // namespace grader::elf
