#include "compile/elf_reader.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

namespace grader::elf {
namespace {

// The most sections and symbols one file may claim: far above what a compiler writes for
// one source file (a template-heavy one has tens of thousands), and bounded by the bytes.
constexpr std::uint64_t kMaxSections = 1 << 20;
// The longest name kept whole; a longer one is cut (a mangled name is rarely over 1 KiB).
constexpr std::size_t kMaxName = 4096;

constexpr std::uint16_t kNoSection = 0;           // SHN_UNDEF
constexpr std::uint16_t kReserveStart = 0xff00;   // SHN_LORESERVE: ABS, COMMON, ...
constexpr std::uint16_t kExtendedIndex = 0xffff;  // SHN_XINDEX
constexpr std::uint32_t kSymtab = 2, kDynsym = 11, kSymtabIndices = 18;
constexpr std::uint32_t kGroupIsComdat = 1;

// Bounds-checked little-endian reads from the whole file.
class Bytes {
  public:
    explicit Bytes(std::string_view bytes) : bytes_(bytes) {}

    // True when [offset, offset + size) lies inside the bytes.
    bool holds(std::uint64_t offset, std::uint64_t size) const {
        return offset <= bytes_.size() && size <= bytes_.size() - offset;
    }
    // The unsigned little-endian number of @p width bytes at @p offset (the caller checked
    // holds()).
    std::uint64_t number(std::uint64_t offset, int width) const {
        std::uint64_t value = 0;
        for (int i = width - 1; i >= 0; --i)
            value = (value << 8) | static_cast<unsigned char>(bytes_[offset + i]);
        return value;
    }
    // The NUL-terminated string at @p offset of the table [table, table + size): "" when
    // it does not start inside the table; cut at kMaxName or at the table's end.
    std::string string_in(std::uint64_t table, std::uint64_t size, std::uint64_t offset) const {
        if (!holds(table, size) || offset >= size)
            return "";
        std::string_view rest = bytes_.substr(table + offset, size - offset);
        rest = rest.substr(0, std::min(rest.find('\0'), kMaxName));
        return std::string(rest);
    }

  private:
    std::string_view bytes_;
};

struct SectionHeader {
    std::uint32_t name = 0, type = 0, link = 0;
    std::uint64_t offset = 0, size = 0, entry_size = 0;
};

// The section headers, or nullopt with @p problem set.
std::optional<std::vector<SectionHeader>> section_headers(const Bytes& in, std::string& problem) {
    std::uint64_t table = in.number(0x28, 8), entry = in.number(0x3a, 2),
                  count = in.number(0x3c, 2);
    std::vector<SectionHeader> headers;
    if (table == 0)
        return headers;  // no sections (an executable stripped of them)
    if (entry != 64 || !in.holds(table, 64)) {
        problem = "its section headers are not where it says";
        return std::nullopt;
    }
    if (count == 0)
        count = in.number(table + 32, 8);  // more than 0xff00 sections: section 0's size
    if (count > kMaxSections || !in.holds(table, count * 64)) {
        problem = "it claims more section headers than it holds";
        return std::nullopt;
    }
    headers.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t at = table + i * 64;
        SectionHeader h;
        h.name = static_cast<std::uint32_t>(in.number(at, 4));
        h.type = static_cast<std::uint32_t>(in.number(at + 4, 4));
        h.offset = in.number(at + 24, 8);
        h.size = in.number(at + 32, 8);
        h.link = static_cast<std::uint32_t>(in.number(at + 40, 4));
        h.entry_size = in.number(at + 56, 8);
        headers.push_back(h);
    }
    return headers;
}

// The section holding the section names, or nullopt when the file names none.
std::optional<std::uint64_t> names_section(const Bytes& in,
                                           const std::vector<SectionHeader>& headers) {
    std::uint64_t index = in.number(0x3e, 2);
    if (index == kExtendedIndex && !headers.empty())
        index = headers[0].link;
    if (index == kNoSection || index >= headers.size())
        return std::nullopt;
    return index;
}

// Marks, in @p grouped, every section that a COMDAT group names.
void mark_comdat_sections(const Bytes& in, const std::vector<SectionHeader>& headers,
                          std::vector<bool>& grouped) {
    for (const auto& h : headers) {
        if (h.type != kSectionGroup || h.size < 4 || !in.holds(h.offset, h.size))
            continue;
        if ((in.number(h.offset, 4) & kGroupIsComdat) == 0)
            continue;
        for (std::uint64_t at = 4; at + 4 <= h.size; at += 4) {
            std::uint64_t member = in.number(h.offset + at, 4);
            if (member < grouped.size())
                grouped[member] = true;
        }
    }
}

// Reads the symbols of table @p table (its strings in the section it links to) into
// @p object; @returns false with object.problem set when the table is malformed.
bool read_symbols(const Bytes& in, const std::vector<SectionHeader>& headers,
                  const SectionHeader& table, const std::vector<bool>& grouped,
                  const SectionHeader* extended, Object& object) {
    if (table.entry_size != 24 || table.size % 24 != 0 || !in.holds(table.offset, table.size) ||
        table.link >= headers.size()) {
        object.problem = "its symbol table is malformed";
        return false;
    }
    const SectionHeader& strings = headers[table.link];
    std::uint64_t count = table.size / 24;
    for (std::uint64_t i = 1; i < count; ++i) {  // entry 0 is the null symbol
        std::uint64_t at = table.offset + i * 24;
        unsigned info = static_cast<unsigned>(in.number(at + 4, 1));
        Symbol symbol;
        symbol.bind = info >> 4;
        symbol.type = info & 0xf;
        if (symbol.bind == kBindLocal)
            continue;
        std::uint64_t index = in.number(at + 6, 2);
        if (index == kExtendedIndex && extended != nullptr && i * 4 + 4 <= extended->size &&
            in.holds(extended->offset, extended->size)) {
            index = in.number(extended->offset + i * 4, 4);
        }
        symbol.name = in.string_in(strings.offset, strings.size, in.number(at, 4));
        symbol.defined = index != kNoSection && (index < kReserveStart || index > 0xffff) &&
                         index < headers.size();
        if (symbol.defined) {
            symbol.in_group = grouped[index];
            symbol.section = object.sections[index].name;
        }
        object.symbols.push_back(std::move(symbol));
    }
    return true;
}

// The header's checks: @returns "" for a 64-bit little-endian ELF file, else why not.
std::string check_identity(std::string_view bytes) {
    if (bytes.size() < 64 || bytes.substr(0, 4) !=
                                 "\x7f"
                                 "ELF")
        return "it is not an ELF file";
    if (bytes[4] != 2 || bytes[5] != 1)
        return "it is not a 64-bit little-endian ELF file";
    return "";
}

}  // namespace

Object read_object(std::string_view bytes) {
    Object object;
    object.problem = check_identity(bytes);
    if (!object.problem.empty())
        return object;
    Bytes in(bytes);
    object.relocatable = in.number(0x10, 2) == 1;  // ET_REL
    auto headers = section_headers(in, object.problem);
    if (!headers)
        return object;
    auto names = names_section(in, *headers);
    for (const auto& h : *headers) {
        Section section;
        section.type = h.type;
        if (names)
            section.name = in.string_in((*headers)[*names].offset, (*headers)[*names].size, h.name);
        object.sections.push_back(std::move(section));
    }
    std::vector<bool> grouped(headers->size(), false);
    mark_comdat_sections(in, *headers, grouped);
    // A relocatable object's symbols are in .symtab; a shared object exports through .dynsym.
    std::uint32_t wanted = object.relocatable ? kSymtab : kDynsym;
    const SectionHeader* extended = nullptr;
    for (const auto& h : *headers) {
        if (h.type == kSymtabIndices)
            extended = &h;
    }
    for (const auto& h : *headers) {
        if (h.type == wanted && !read_symbols(in, *headers, h, grouped, extended, object))
            break;
    }
    return object;
}

bool is_archive(std::string_view bytes) {
    return bytes.substr(0, 8) == "!<arch>\n" || bytes.substr(0, 8) == "!<thin>\n";
}

namespace {

// A member's name as its header gives it: "name/" (GNU), "/123" (offset in the long-name
// table), "#1/12" (BSD: the name's 12 bytes start the content). @p skip is set to the bytes
// of content the name took.
std::string member_name(std::string_view field, std::string_view long_names,
                        std::string_view content, std::size_t& skip) {
    skip = 0;
    while (!field.empty() && field.back() == ' ')
        field.remove_suffix(1);
    if (field.size() > 1 && field[0] == '/' && field[1] >= '0' && field[1] <= '9') {
        std::size_t offset = 0;
        for (char c : field.substr(1)) {
            if (c < '0' || c > '9' || offset > long_names.size())
                return "";
            offset = offset * 10 + static_cast<std::size_t>(c - '0');
        }
        if (offset >= long_names.size())
            return "";
        std::string_view name = long_names.substr(offset);
        name = name.substr(0, std::min({name.find("/\n"), name.find('\n'), kMaxName}));
        return std::string(name);
    }
    if (field.substr(0, 3) == "#1/") {
        std::size_t length = 0;
        for (char c : field.substr(3)) {
            if (c < '0' || c > '9' || length > content.size())
                return "";
            length = length * 10 + static_cast<std::size_t>(c - '0');
        }
        skip = std::min(length, content.size());
        std::string_view name = content.substr(0, skip);
        return std::string(name.substr(0, std::min(name.find('\0'), kMaxName)));
    }
    if (!field.empty() && field.back() == '/')
        field.remove_suffix(1);
    return std::string(field);
}

// The decimal size field of a member header, or nullopt when it is not a number.
std::optional<std::uint64_t> member_size(std::string_view field) {
    std::uint64_t size = 0;
    bool digits = false;
    for (char c : field) {
        if (c == ' ')
            break;
        if (c < '0' || c > '9' || size > (std::uint64_t{1} << 40))
            return std::nullopt;
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
        digits = true;
    }
    if (!digits)
        return std::nullopt;
    return size;
}

}  // namespace

Archive read_archive(std::string_view bytes) {
    Archive archive;
    if (bytes.substr(0, 8) == "!<thin>\n") {
        archive.problem = "it is a thin archive (its members are other files)";
        return archive;
    }
    if (bytes.substr(0, 8) != "!<arch>\n") {
        archive.problem = "it is not an archive";
        return archive;
    }
    std::string_view long_names;
    std::size_t at = 8;
    while (at < bytes.size()) {
        if (bytes.size() - at < 60 || bytes.substr(at + 58, 2) != "`\n") {
            archive.problem = "a member's header is malformed";
            return archive;
        }
        auto size = member_size(bytes.substr(at + 48, 10));
        if (!size || *size > bytes.size() - at - 60) {
            archive.problem = "a member claims more bytes than the archive holds";
            return archive;
        }
        std::string_view field = bytes.substr(at, 16);
        std::string_view content = bytes.substr(at + 60, *size);
        at += 60 + *size + (*size % 2);  // members start at even offsets
        if (field.substr(0, 2) == "//") {
            long_names = content;
        } else if (field[0] == '/' && (field[1] == ' ' || field.substr(0, 7) == "/SYM64/")) {
            continue;  // the symbol index
        } else {
            std::size_t skip = 0;
            std::string name = member_name(field, long_names, content, skip);
            archive.members.push_back({std::move(name), content.substr(skip)});
        }
    }
    return archive;
}

}  // namespace grader::elf
