/// @file
/// @brief A class graded on several machines: `grader batch --shard K/N` grades every N-th
/// submission, and `grader merge` combines the shards' work folders into the one a single
/// `grader batch` would have written (harness/README.md, "Batch grading").
///
/// Which shard grades whom depends only on the submissions' folder names: sorted byte by
/// byte, the i-th (from 0) goes to shard i mod N + 1, whatever the machine. Each shard
/// writes, beside its gradebook, `shard.json`: the whole class, whom it graded, and what
/// it graded with (the course's fingerprint, the labs, the options that change a score),
/// so that the merge can refuse shards that overlap, are missing, or graded a different
/// course or class.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace grader {

/// Shard `index` of `count` (1 <= index <= count).
struct Shard {
    int index = 1;
    int count = 1;
};

/// The most shards a class is split into.
constexpr int kMaxShards = 10000;

/// @p text as `K/N` (decimal, 1 <= K <= N <= kMaxShards), or nothing.
std::optional<Shard> parse_shard(const std::string& text);

/// Of @p students (sorted), those of @p shard: the i-th (from 0) when i mod N is K - 1.
std::vector<std::string> students_of(const std::vector<std::string>& students, Shard shard);

/// What grading depends on in the course at @p course_dir, as 32 hex digits: its `labs/`
/// (tests, hidden tests, stubs, lab.json), `harness/` and `cmake/` folders and its
/// `CMakeLists.txt`, every regular file's path and bytes (folders named `.*`, `build*` or
/// `__pycache__` left out, links not followed). SipHash-2-4 under two fixed keys: a check
/// that two machines have the same course, not a defence against forgery.
/// @throws std::system_error when a file cannot be read.
std::string course_fingerprint(const std::string& course_dir);

/// What a shard records in `<work>/shard.json`.
struct ShardRecord {
    Shard shard;
    std::string course;                   ///< course_fingerprint()
    std::vector<std::string> labs;        ///< The lab ids graded (the gradebook's columns).
    int timeout_seconds = 0;              ///< --timeout
    double deadline_seconds = 0;          ///< --deadline (0: the default)
    std::vector<std::string> cmake_args;  ///< --cmake-arg
    std::vector<std::string> class_list;  ///< Every submission of the class, sorted.
    std::vector<std::string> students;    ///< Those this shard graded: students_of().
};

/// @p record as the JSON of `shard.json` (schema `unix-processes-course/batch-shard/1`).
std::string shard_record_json(const ShardRecord& record);

/// `shard.json`'s text @p text, every field checked: its type, its bounds (at most 100,000
/// students, names that are one folder name each), a sorted class without repeats, and
/// `students` exactly the class's members of that shard.
/// @throws std::runtime_error (one plain sentence) when it is not such a record.
ShardRecord parse_shard_record(const std::string& text);

/// What `grader merge` does.
struct MergeOptions {
    std::vector<std::string> shards;  ///< Each shard's work folder (`grader batch --work`).
    std::string work_dir;             ///< The merged work folder.
    std::string gradebook;            ///< The merged gradebook CSV.
};

/// Checks that @p options.shards are shards 1..N of one split of one class, each once,
/// graded with the same course, labs and options, each with its gradebook and every
/// student's folder; then writes the gradebook a single batch would have written (the
/// shards' rows, byte for byte, in the students' order), and copies each student's
/// folder (reports/, logs/) into @p options.work_dir, and each shard's `logs/` into
/// `logs/shard-K/`. Nothing is written unless every check passed.
/// @returns the number of students merged.
/// @throws std::runtime_error naming the shard and what is wrong, when they cannot be merged.
std::size_t merge_shards(const MergeOptions& options);

}  // namespace grader
