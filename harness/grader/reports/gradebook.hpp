/// @file
/// @brief A batch's gradebook: one CSV row per student (RFC 4180), with each lab's score
/// and maximum, the total, the count of each verdict, how grading went and why an
/// instructor should look.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "spec/lab_spec.hpp"

namespace grader {

/// One student's row.
struct GradebookRow {
    std::string student;
    std::map<std::string, double> lab_scores, lab_max;  ///< By lab id.
    double score = 0, max_score = 0;
    std::map<std::string, int> verdicts;  ///< How many tests got each verdict.
    std::string status = "not graded";    ///< "graded", or what went wrong.
    std::string flagged;    ///< Why an instructor should look ("" when nothing is flagged).
    bool complete = false;  ///< Graded to the end, with a readable report.
};

/// Fills @p row's scores, verdicts and `flagged` (a lab that does not compile, tests that
/// timed out, results that could not be trusted) from the grader's report.json.
/// Every field is checked for its type (and texts for their size) before it is used;
/// @p row is left as it was unless the whole report could be read.
/// @throws std::runtime_error (one plain sentence naming the report) when it is missing,
/// larger than 64 MiB or malformed.
void read_report(const std::string& report_path, GradebookRow& row);

/// read_report() on the report's text @p text.
/// @throws std::runtime_error ("cannot be read as a report: ...") when it is malformed.
void parse_report(const std::string& text, GradebookRow& row);

/// Writes the gradebook at @p path: the rows graded now and, when @p keep_others, the rows
/// of the students not graded this time, as the gradebook already at @p path had them.
/// @throws std::system_error when it cannot be written.
void write_gradebook(const std::string& path, const std::vector<LabSpec>& labs,
                     const std::vector<GradebookRow>& rows, bool keep_others);

/// @p field quoted for CSV (RFC 4180) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& field);

/// A gradebook as its CSV holds it: the columns, and each student's fields by column name.
struct GradebookTable {
    std::vector<std::string> columns;
    std::map<std::string, std::map<std::string, std::string>> rows;  ///< By student.
};

/// The columns of a gradebook of the labs @p lab_ids: `student`, `labNN` and `labNN_max`
/// for each, `total`, `max`, the verdicts' counts, `status`, `flagged`.
std::vector<std::string> gradebook_columns(const std::vector<std::string>& lab_ids);

/// A gradebook's text @p text, read strictly (`grader merge` reads the shards' with it):
/// RFC 4180 records, each with as many fields as the header, a named student at most once.
/// @throws std::runtime_error (one plain sentence) when it is not such a file.
GradebookTable parse_gradebook(const std::string& text);

/// Writes @p table at @p path: the header, then a line per student in the students' order
/// (what write_gradebook() writes).
/// @throws std::system_error when it cannot be written.
void write_gradebook_table(const std::string& path, const GradebookTable& table);

}  // namespace grader
