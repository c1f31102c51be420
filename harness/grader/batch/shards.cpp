// A class graded in shards: which shard grades whom, what a shard records (shard.json),
// and `grader merge`, which checks the shards against each other before writing anything.
#include "batch/shards.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "course/file.hpp"
#include "harness/siphash.hpp"
#include "hsys/io.hpp"
#include "reports/gradebook.hpp"

namespace grader {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kShardSchema = "unix-processes-course/batch-shard/1";
constexpr std::size_t kMaxShardRecordBytes = 16 << 20;
constexpr std::size_t kMaxShardGradebookBytes = 64 << 20;
constexpr std::size_t kMaxClassSize = 100000;
constexpr std::size_t kMaxCmakeArgs = 1000;
constexpr std::size_t kMaxTextBytes = 4096;

// The two fixed SipHash keys of the course's fingerprint (public: it detects a different
// course, it does not authenticate one).
constexpr std::uint64_t kFingerprintKeys[2][2] = {{0x636f757273652d66ULL, 0x696e6765727072ULL},
                                                  {0x73686172642d6d65ULL, 0x7267652d6b6579ULL}};

// Feeds @p data to both hashers, as its length (8 bytes, little-endian) and its bytes, so
// that no two sequences of pieces feed the same bytes.
void feed_piece(harness::channel::SipHasher (&hashers)[2], const std::string& data) {
    unsigned char length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(data.size()) >> (8 * i));
    for (auto& hasher : hashers) {
        hasher.update(length, sizeof length);
        hasher.update(data.data(), data.size());
    }
}

// The files (and links) under @p course_dir that the fingerprint covers, relative, sorted.
std::vector<std::string> fingerprinted_files(const fs::path& course_dir) {
    std::vector<std::string> files;
    if (fs::is_regular_file(course_dir / "CMakeLists.txt"))
        files.push_back("CMakeLists.txt");
    for (const char* folder : {"labs", "harness", "cmake"}) {
        if (!fs::is_directory(course_dir / folder))
            continue;
        auto it = fs::recursive_directory_iterator(course_dir / folder);
        for (auto end = fs::end(it); it != end; ++it) {
            auto name = it->path().filename().string();
            if (it->is_directory() && !it->is_symlink() &&
                (name.starts_with(".") || name.starts_with("build") || name == "__pycache__")) {
                it.disable_recursion_pending();
            } else if (it->is_symlink() || it->is_regular_file()) {
                files.push_back(fs::relative(it->path(), course_dir).generic_string());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A plain sentence about shard.json's field @p name.
std::runtime_error record_error(const std::string& name, const std::string& what) {
    return std::runtime_error("its field \"" + name + "\" " + what);
}

const json& record_field(const json& record, const char* name) {
    auto found = record.find(name);
    if (found == record.end())
        throw record_error(name, "is missing");
    return *found;
}

long long record_integer(const json& record, const char* name, long long low, long long high) {
    const json& value = record_field(record, name);
    if (!value.is_number_integer() || value.get<long long>() < low || value.get<long long>() > high)
        throw record_error(name, fmt::format("is not an integer from {} to {}", low, high));
    return value.get<long long>();
}

std::string record_text(const json& value, const std::string& name) {
    if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxTextBytes)
        throw record_error(name, fmt::format("is not a text of at most {} bytes", kMaxTextBytes));
    return value.get<std::string>();
}

std::vector<std::string> record_texts(const json& record, const char* name, std::size_t most) {
    const json& value = record_field(record, name);
    if (!value.is_array() || value.size() > most)
        throw record_error(name, fmt::format("is not a list of at most {} texts", most));
    std::vector<std::string> texts;
    for (const auto& item : value)
        texts.push_back(record_text(item, name));
    return texts;
}

// True when @p name can be a submission's folder: one path component.
bool is_folder_name(const std::string& name) {
    return !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
           name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
}

// What a merge reads of one shard's work folder.
struct ShardInput {
    std::string dir;
    ShardRecord record;
    GradebookTable gradebook;
};

// The record of the shard whose work folder is @p dir. @throws std::runtime_error.
ShardRecord read_shard_record(const std::string& dir) {
    std::string path = (fs::path(dir) / "shard.json").string();
    std::string text;
    bool truncated = false;
    try {
        text = hsys::read_file_bounded(path, kMaxShardRecordBytes, &truncated);
    } catch (const std::exception& e) {
        throw std::runtime_error(dir + ": no readable shard.json (" + e.what() +
                                 "): give the --work folder of each `grader batch --shard K/N`");
    }
    if (truncated)
        throw std::runtime_error(path + " is larger than 16 MiB: not a shard's record");
    try {
        return parse_shard_record(text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + " is not a shard's record: " + e.what());
    }
}

// The gradebook of the shard at @p shard.dir, checked against its record: the columns of
// its labs, a row for each of its students and no one else. @throws std::runtime_error.
GradebookTable read_shard_gradebook(const ShardInput& shard) {
    std::string path = (fs::path(shard.dir) / "gradebook.csv").string();
    std::string text;
    bool truncated = false;
    try {
        text = hsys::read_file_bounded(path, kMaxShardGradebookBytes, &truncated);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + " cannot be read: " + e.what());
    }
    if (truncated)
        throw std::runtime_error(path + " is larger than 64 MiB");
    GradebookTable table;
    try {
        table = parse_gradebook(text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + " " + e.what());
    }
    if (table.columns != gradebook_columns(shard.record.labs))
        throw std::runtime_error(path +
                                 ": its columns are not those of the labs its shard.json "
                                 "names");
    for (const auto& student : shard.record.students) {
        if (!table.rows.count(student))
            throw std::runtime_error(path + " has no row for " + student + ", whom it graded");
    }
    if (table.rows.size() != shard.record.students.size()) {
        for (const auto& [student, row] : table.rows) {
            if (!std::binary_search(shard.record.students.begin(), shard.record.students.end(),
                                    student))
                throw std::runtime_error(path + " has a row for " + student +
                                         ", whom this shard does not grade");
        }
    }
    return table;
}

// Refuses @p other when it was not graded like @p first (same split, course, labs,
// options and class). @throws std::runtime_error naming both.
void check_same_batch(const ShardInput& first, const ShardInput& other) {
    const auto& a = first.record;
    const auto& b = other.record;
    auto differ = [&](const std::string& what) {
        return std::runtime_error(fmt::format(
            "{} (shard {}/{}) and {} (shard {}/{}) differ in {}: they are not shards of one "
            "batch",
            first.dir, a.shard.index, a.shard.count, other.dir, b.shard.index, b.shard.count,
            what));
    };
    if (a.shard.count != b.shard.count)
        throw differ("their number of shards");
    if (a.course != b.course)
        throw differ("the course they graded with (its fingerprint: " + a.course + " and " +
                     b.course + "; every machine needs the same checkout of the course)");
    if (a.labs != b.labs)
        throw differ("the labs graded (--lab)");
    if (a.timeout_seconds != b.timeout_seconds || a.deadline_seconds != b.deadline_seconds)
        throw differ("--timeout or --deadline");
    if (a.cmake_args != b.cmake_args)
        throw differ("--cmake-arg");
    if (a.class_list != b.class_list)
        throw differ("the class (the submissions folders hold different students)");
}

// Refuses a set of shards that is not 1..N, each once.
void check_every_shard_once(const std::vector<ShardInput>& shards) {
    int count = shards.front().record.shard.count;
    std::vector<const ShardInput*> by_index(static_cast<std::size_t>(count) + 1, nullptr);
    for (const auto& shard : shards) {
        auto& seen = by_index[static_cast<std::size_t>(shard.record.shard.index)];
        if (seen) {
            throw std::runtime_error(fmt::format(
                "shard {}/{} is given twice ({} and {}): its students would be merged twice",
                shard.record.shard.index, count, seen->dir, shard.dir));
        }
        seen = &shard;
    }
    std::string missing;
    for (int k = 1; k <= count; ++k) {
        if (!by_index[static_cast<std::size_t>(k)])
            missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, count);
    }
    if (!missing.empty()) {
        throw std::runtime_error("shard " + missing +
                                 " missing: a merge needs every shard of the class, or some "
                                 "students would have no row");
    }
}

// Copies the folder @p from to @p to (replacing it), links copied as links, never followed.
void copy_folder(const fs::path& from, const fs::path& to) {
    fs::remove_all(to);
    fs::create_directories(to.parent_path());
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text) {
    auto slash = text.find('/');
    if (slash == std::string::npos)
        return std::nullopt;
    auto number = [](std::string_view digits, int& value) {
        if (digits.empty() || digits.size() > 5 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        return std::from_chars(digits.data(), digits.data() + digits.size(), value).ec ==
               std::errc();
    };
    Shard shard;
    std::string_view view(text);
    if (!number(view.substr(0, slash), shard.index) || !number(view.substr(slash + 1), shard.count))
        return std::nullopt;
    if (shard.index < 1 || shard.index > shard.count || shard.count > kMaxShards)
        return std::nullopt;
    return shard;
}

std::vector<std::string> students_of(const std::vector<std::string>& students, Shard shard) {
    std::vector<std::string> mine;
    for (std::size_t i = 0; i < students.size(); ++i) {
        if (i % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index - 1))
            mine.push_back(students[i]);
    }
    return mine;
}

std::string course_fingerprint(const std::string& course_dir) {
    harness::channel::SipHasher hashers[2] = {{kFingerprintKeys[0][0], kFingerprintKeys[0][1]},
                                              {kFingerprintKeys[1][0], kFingerprintKeys[1][1]}};
    for (const auto& file : fingerprinted_files(course_dir)) {
        fs::path path = fs::path(course_dir) / file;
        feed_piece(hashers, file);
        if (fs::is_symlink(path)) {
            feed_piece(hashers, "link");
            feed_piece(hashers, fs::read_symlink(path).string());
        } else {
            feed_piece(hashers, "file");
            feed_piece(hashers, course::read_file(path.string()));
        }
    }
    std::uint64_t first = hashers[0].finish(), second = hashers[1].finish();
    return fmt::format("{:016x}{:016x}", first, second);
}

std::string shard_record_json(const ShardRecord& record) {
    json out = {{"schema", kShardSchema},
                {"shard", record.shard.index},
                {"shards", record.shard.count},
                {"course", record.course},
                {"labs", record.labs},
                {"timeout", record.timeout_seconds},
                {"deadline", record.deadline_seconds},
                {"cmake_args", record.cmake_args},
                {"class", record.class_list},
                {"students", record.students}};
    return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

ShardRecord parse_shard_record(const std::string& text) {
    json in;
    try {
        in = json::parse(text);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("it is not JSON (") + e.what() + ")");
    }
    if (!in.is_object())
        throw std::runtime_error("it is not a JSON object");
    if (record_text(record_field(in, "schema"), "schema") != kShardSchema)
        throw record_error("schema", std::string("is not ") + kShardSchema);
    ShardRecord record;
    record.shard.count = static_cast<int>(record_integer(in, "shards", 1, kMaxShards));
    record.shard.index = static_cast<int>(record_integer(in, "shard", 1, record.shard.count));
    record.course = record_text(record_field(in, "course"), "course");
    if (record.course.size() != 32 ||
        record.course.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw record_error("course", "is not a fingerprint (32 hex digits)");
    record.labs = record_texts(in, "labs", 100);
    for (const auto& id : record.labs) {
        if (id.size() != 2 || id.find_first_not_of("0123456789") != std::string::npos)
            throw record_error("labs", "holds \"" + id + "\", which is not a lab id (two digits)");
    }
    record.timeout_seconds = static_cast<int>(record_integer(in, "timeout", 1, 1 << 30));
    const json& deadline = record_field(in, "deadline");
    if (!deadline.is_number() || !std::isfinite(deadline.get<double>()) ||
        deadline.get<double>() < 0)
        throw record_error("deadline", "is not a number of seconds");
    record.deadline_seconds = deadline.get<double>();
    record.cmake_args = record_texts(in, "cmake_args", kMaxCmakeArgs);
    record.class_list = record_texts(in, "class", kMaxClassSize);
    for (std::size_t i = 0; i < record.class_list.size(); ++i) {
        if (!is_folder_name(record.class_list[i]))
            throw record_error("class", "names \"" + record.class_list[i] +
                                            "\", which is not a submission's folder");
        if (i > 0 && !(record.class_list[i - 1] < record.class_list[i]))
            throw record_error("class", "is not sorted, or names a student twice");
    }
    record.students = record_texts(in, "students", kMaxClassSize);
    if (record.students != students_of(record.class_list, record.shard)) {
        throw record_error("students",
                           fmt::format("are not the students of shard {}/{} (the class's "
                                       "i-th, from 0, for every i with i mod {} = {})",
                                       record.shard.index, record.shard.count, record.shard.count,
                                       record.shard.index - 1));
    }
    return record;
}

std::size_t merge_shards(const MergeOptions& options) {
    if (options.shards.empty())
        throw std::runtime_error("no shard to merge: give each shard's work folder");
    std::vector<ShardInput> shards;
    for (const auto& dir : options.shards)
        shards.push_back({dir, read_shard_record(dir), {}});
    for (const auto& shard : shards)
        check_same_batch(shards.front(), shard);
    check_every_shard_once(shards);
    std::error_code error;
    for (const auto& shard : shards) {
        if (fs::equivalent(shard.dir, options.work_dir, error)) {
            throw std::runtime_error("the merged work folder " + options.work_dir +
                                     " is a shard's own: merge into another folder");
        }
    }
    GradebookTable merged;
    merged.columns = gradebook_columns(shards.front().record.labs);
    for (auto& shard : shards) {
        shard.gradebook = read_shard_gradebook(shard);
        for (const auto& student : shard.record.students) {
            auto status = fs::symlink_status(fs::path(shard.dir) / student, error);
            if (error || !fs::is_directory(status)) {
                throw std::runtime_error(shard.dir + " has no folder " + student +
                                         " (its reports and logs): was all of the shard's work "
                                         "folder copied?");
            }
        }
        for (auto& [student, row] : shard.gradebook.rows)
            merged.rows[student] = std::move(row);
    }
    // Every check passed: write.
    for (const auto& shard : shards) {
        for (const auto& student : shard.record.students)
            copy_folder(fs::path(shard.dir) / student, fs::path(options.work_dir) / student);
        fs::path logs = fs::path(shard.dir) / "logs";
        if (fs::is_directory(fs::symlink_status(logs, error))) {
            copy_folder(logs, fs::path(options.work_dir) / "logs" /
                                  fmt::format("shard-{}", shard.record.shard.index));
        }
    }
    write_gradebook_table(options.gradebook, merged);
    return merged.rows.size();
}

}  // namespace grader
