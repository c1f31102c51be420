// The batch's cache of compiled student code: keys, the secret they are made under, and
// the objects and messages stored by key (object_cache.hpp says why it is sound).
#include "compile/object_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "course/sys.hpp"
#include "harness/result_channel.hpp"
#include "hsys/io.hpp"

namespace grader {
namespace fs = std::filesystem;

namespace {

// What stands for the slot's folder in keys and stored messages.
constexpr std::string_view kRootMarker = "@COURSE_SLOT@";
constexpr std::size_t kMaxMessages = 1 << 20;

std::string replace_every(const std::string& text, std::string_view from, std::string_view to) {
    if (from.empty())
        return text;
    std::string result;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(from, start)) != std::string::npos;
         start = at + from.size())
        result.append(text, start, at - start).append(to);
    return result.append(text, start, std::string::npos);
}

// The cache's folder, made on first use; only the grader's user may enter it.
fs::path cache_folder(const ObjectCache& cache) {
    fs::create_directories(cache.dir);
    fs::permissions(cache.dir, fs::perms::owner_all);
    return cache.dir;
}

using Secret = std::array<std::array<std::uint8_t, 16>, 2>;

// The two SipHash keys of this cache: made once from the kernel's random source and kept
// in `<dir>/secret` (mode 0600). Whoever does not know them cannot aim at a key.
Secret secret_of(const ObjectCache& cache) {
    std::string path = (cache_folder(cache) / "secret").string();
    Secret keys{};
    constexpr std::size_t size = sizeof keys;
    std::string bytes;
    try {
        bytes = hsys::read_file_bounded(path, size);
    } catch (const std::system_error& error) {
        if (error.code() != std::errc::no_such_file_or_directory)
            throw;
        // The first compile makes it: whole, under another name, then linked in, which
        // fails if a compile beside this one was first; then this one reads theirs.
        keys = {harness::channel::make_secret().key, harness::channel::make_secret().key};
        std::string mine = path + "." + std::to_string(::getpid());
        hsys::write_file_atomically(
            mine, std::string_view(reinterpret_cast<const char*>(&keys), size), 0600);
        int linked = ::link(mine.c_str(), path.c_str());
        int error_number = errno;
        ::unlink(mine.c_str());
        if (linked == 0)
            return keys;
        if (error_number != EEXIST)
            throw std::system_error(error_number, std::generic_category(), "link " + path);
        bytes = hsys::read_file_bounded(path, size);
    }
    if (bytes.size() != size)
        throw std::system_error(EINVAL, std::generic_category(), "read " + path);
    std::memcpy(&keys, bytes.data(), size);
    return keys;
}

// Whether @p key is one cache_key() makes: 32 lowercase hex digits (no '/', no "..").
bool valid_key(const std::string& key) {
    return key.size() == 32 && std::all_of(key.begin(), key.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string object_path(const ObjectCache& cache, const std::string& key) {
    return (fs::path(cache.dir) / (key + ".o")).string();
}

std::string messages_path(const ObjectCache& cache, const std::string& key) {
    return (fs::path(cache.dir) / (key + ".messages")).string();
}

}  // namespace

std::optional<std::string> leave_out_root(const std::string& text, const std::string& root) {
    if (text.find(kRootMarker) != std::string::npos)
        return std::nullopt;
    return replace_every(text, root, kRootMarker);
}

std::string put_back_root(const std::string& text, const std::string& root) {
    return replace_every(text, kRootMarker, root);
}

std::optional<std::string> cache_key(const ObjectCache& cache, const std::string& compiler,
                                     const std::vector<std::string>& arguments,
                                     const std::string& preprocessed) {
    struct stat info {};
    course::check(::stat(compiler.c_str(), &info), ("stat " + compiler).c_str());
    std::string identity = fmt::format("course-object-cache 1\n{} {} {}.{}\n", compiler,
                                       info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec);
    for (const auto& argument : arguments)
        identity += argument + '\n';
    identity += '\n';
    auto material = leave_out_root(identity + preprocessed, cache.root);
    if (!material)
        return std::nullopt;
    auto keys = secret_of(cache);
    return fmt::format("{:016x}{:016x}",
                       harness::channel::siphash24(keys[0], material->data(), material->size()),
                       harness::channel::siphash24(keys[1], material->data(), material->size()));
}

std::optional<CachedObject> find_cached(const ObjectCache& cache, const std::string& key) {
    if (!valid_key(key))
        return std::nullopt;
    CachedObject found{object_path(cache, key), ""};
    // The messages are stored last: with them there, the object is whole.
    bool too_long = false;
    try {
        found.messages =
            hsys::read_file_bounded(messages_path(cache, key), kMaxMessages, &too_long);
    } catch (const std::system_error& error) {
        if (error.code() == std::errc::no_such_file_or_directory)
            return std::nullopt;
        throw;
    }
    // What the cache never stores is a miss, compiled again: messages longer than it keeps,
    // or an object that is not a regular file of its own (a link, a folder, gone).
    struct stat object {};
    if (too_long || ::lstat(found.object.c_str(), &object) != 0 || !S_ISREG(object.st_mode))
        return std::nullopt;
    found.messages = put_back_root(found.messages, cache.root);
    return found;
}

void store_cached(const ObjectCache& cache, const std::string& key, const std::string& object,
                  const std::string& messages) {
    auto stored = leave_out_root(messages.substr(0, kMaxMessages), cache.root);
    if (!stored)
        return;  // messages that hold the marker could not be put back as they were
    if (stored->size() > kMaxMessages)
        stored->resize(kMaxMessages);  // find_cached() takes no longer ones
    cache_folder(cache);
    hsys::copy_file_atomically(object, object_path(cache, key));
    hsys::write_file_atomically(messages_path(cache, key), *stored, 0600);
}

}  // namespace grader
