// The gradebook of `grader batch`: rows from the reports, merged with an earlier
// gradebook's when only some students were graded again.
#include "reports/gradebook.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>
#include <type_traits>

#include "course/file.hpp"
#include "hsys/io.hpp"
#include "reports/reports.hpp"

namespace grader {
namespace fs = std::filesystem;
using nlohmann::json;

// A grader's report.json is a few MiB at most (every test's output is capped); one text
// in it, a few hundred KiB.
constexpr std::size_t kMaxReportBytes = 64 << 20;
constexpr std::size_t kMaxReportText = 1 << 20;

std::string csv_field(const std::string& field) {
    if (field.find_first_of(",\"\r\n") == std::string::npos)
        return field;
    std::string quoted = "\"";
    for (char c : field)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

namespace {

// A report's fields as read_report() takes them: nlohmann's own exceptions (a field
// missing or of another type) become one plain std::runtime_error naming the report.
template <typename T>
T field(const json& object, const char* name) {
    if (!object.is_object())
        throw std::runtime_error(std::string("an entry is not an object (looking for \"") + name +
                                 "\")");
    auto found = object.find(name);
    if (found == object.end())
        throw std::runtime_error(std::string("the field \"") + name + "\" is missing");
    if constexpr (std::is_same_v<T, std::string>) {
        if (!found->is_string() || found->get_ref<const std::string&>().size() > kMaxReportText)
            throw std::runtime_error(std::string("the field \"") + name + "\" is not a string");
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!found->is_boolean())
            throw std::runtime_error(std::string("the field \"") + name + "\" is not a boolean");
    } else {
        if (!found->is_number() || !std::isfinite(found->get<double>()))
            throw std::runtime_error(std::string("the field \"") + name + "\" is not a number");
    }
    return found->get<T>();
}

// The array field @p name of @p object. @throws when it is missing or not an array.
const json& array_field(const json& object, const char* name) {
    const json& found = object.at(name);
    if (!found.is_array())
        throw std::runtime_error(std::string("the field \"") + name + "\" is not an array");
    return found;
}

// read_report() on the parsed report.
void fill_row(const json& report, GradebookRow& row) {
    row.score = field<double>(report, "score");
    row.max_score = field<double>(report, "max_score");
    std::map<std::string, int> timeouts;  // per lab
    for (const auto& test : array_field(report, "tests")) {
        auto verdict = field<std::string>(test, "verdict");
        ++row.verdicts[verdict];
        timeouts[field<std::string>(test, "lab")] += verdict == "timeout";
    }
    auto flag = [&row](const std::string& why) {
        row.flagged += (row.flagged.empty() ? "" : "; ") + why;
    };
    for (const auto& lab : array_field(report, "labs")) {
        auto id = field<std::string>(lab, "id");
        row.lab_scores[id] = field<double>(lab, "score");
        row.lab_max[id] = field<double>(lab, "max_score");
        bool stopped = lab.contains("build_stopped") && field<bool>(lab, "build_stopped");
        int not_run =
            lab.contains("stopped_by_deadline") ? field<int>(lab, "stopped_by_deadline") : 0;
        std::string refused = lab.contains("refused") ? field<std::string>(lab, "refused") : "";
        if (stopped)
            flag("lab " + id + " stopped by the deadline (before it was built)");
        else if (!refused.empty())
            flag("lab " + id + " refused: " + refused.substr(0, 200));
        else if (lab.contains("built") && !field<bool>(lab, "built"))
            flag("lab " + id + " does not compile");
        if (!stopped && not_run > 0)
            flag(fmt::format("lab {}: {} test(s) stopped by the deadline", id, not_run));
        if (timeouts[id] > 0)
            flag(fmt::format("lab {}: {} test(s) timed out", id, timeouts[id]));
        if (lab.contains("flagged") && field<bool>(lab, "flagged"))
            flag("lab " + id + ": " +
                 (lab.contains("flag_reason") ? field<std::string>(lab, "flag_reason") : ""));
    }
}

}  // namespace

void parse_report(const std::string& text, GradebookRow& row) {
    GradebookRow read = row;  // the row changes only when the whole report was read
    try {
        json report = json::parse(text);
        if (!report.is_object())
            throw std::runtime_error("it is not a JSON object");
        fill_row(report, read);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("cannot be read as a report: ") + e.what());
    }
    row = std::move(read);
}

void read_report(const std::string& report_path, GradebookRow& row) {
    std::string text;
    try {
        text = hsys::read_file_bounded(report_path, kMaxReportBytes);
    } catch (const std::exception& e) {
        throw std::runtime_error(report_path + " cannot be read as a report: " + e.what());
    }
    try {
        parse_report(text, row);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(report_path + " " + e.what());
    }
}

namespace {

const std::vector<std::string> verdict_columns = {"pass",    "fail",  "compile-error",
                                                  "timeout", "crash", "integrity"};

// One record of a CSV file (RFC 4180: quoted fields may hold commas, quotes and line
// breaks) from @p in; false at the end of the file.
bool read_csv_record(std::istream& in, std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    bool quoted = false, any = false;
    for (char c; in.get(c);) {
        any = true;
        if (quoted) {
            if (c != '"')
                field += c;
            else if (in.peek() == '"')
                field += static_cast<char>(in.get());
            else
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (any)
        fields.push_back(std::move(field));
    return any;
}

// @p row as the gradebook's fields, by column name.
std::map<std::string, std::string> row_fields(const GradebookRow& row,
                                              const std::vector<LabSpec>& labs) {
    std::map<std::string, std::string> fields;
    fields["student"] = row.student;
    auto number = [](const std::map<std::string, double>& values, const std::string& id) {
        auto found = values.find(id);
        return found == values.end() ? std::string() : points_text(found->second);
    };
    for (const auto& lab : labs) {
        fields["lab" + lab.id] = number(row.lab_scores, lab.id);
        fields["lab" + lab.id + "_max"] = number(row.lab_max, lab.id);
    }
    fields["total"] = points_text(row.score);
    fields["max"] = points_text(row.max_score);
    int other = 0;
    for (const auto& [verdict, count] : row.verdicts) {
        bool listed = std::find(verdict_columns.begin(), verdict_columns.end(), verdict) !=
                      verdict_columns.end();
        if (!listed)
            other += count;
    }
    for (const auto& v : verdict_columns) {
        auto found = row.verdicts.find(v);
        fields[v] = std::to_string(found == row.verdicts.end() ? 0 : found->second);
    }
    fields["other"] = std::to_string(other);
    fields["status"] = row.status;
    fields["flagged"] = row.flagged;
    return fields;
}

// The rows of an existing gradebook at @p path, by student, each by column name (none
// when there is no such file).
std::map<std::string, std::map<std::string, std::string>> read_gradebook(const std::string& path) {
    std::map<std::string, std::map<std::string, std::string>> rows;
    std::ifstream in(path);
    std::vector<std::string> header, fields;
    if (!in || !read_csv_record(in, header))
        return rows;
    while (read_csv_record(in, fields)) {
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i)
            row[header[i]] = fields[i];
        if (!row["student"].empty())
            rows[row["student"]] = std::move(row);
    }
    return rows;
}

}  // namespace

void write_gradebook(const std::string& path, const std::vector<LabSpec>& labs,
                     const std::vector<GradebookRow>& rows, bool keep_others) {
    GradebookTable table;
    if (keep_others)
        table.rows = read_gradebook(path);
    for (const auto& row : rows)
        table.rows[row.student] = row_fields(row, labs);
    std::vector<std::string> ids;
    for (const auto& lab : labs)
        ids.push_back(lab.id);
    table.columns = gradebook_columns(ids);
    write_gradebook_table(path, table);
}

void write_gradebook_table(const std::string& path, const GradebookTable& table) {
    if (auto parent = fs::path(path).parent_path(); !parent.empty())
        fs::create_directories(parent);
    std::ofstream csv(path);
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        csv << (i ? "," : "") << table.columns[i];
    csv << "\n";
    for (const auto& [student, fields] : table.rows) {
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            auto found = fields.find(table.columns[i]);
            csv << (i ? "," : "") << (found == fields.end() ? "" : csv_field(found->second));
        }
        csv << "\n";
    }
    if (!csv.flush())
        throw std::system_error(errno, std::generic_category(), "write " + path);
}

std::vector<std::string> gradebook_columns(const std::vector<std::string>& lab_ids) {
    std::vector<std::string> columns = {"student"};
    for (const auto& id : lab_ids) {
        columns.push_back("lab" + id);
        columns.push_back("lab" + id + "_max");
    }
    columns.insert(columns.end(), {"total", "max"});
    columns.insert(columns.end(), verdict_columns.begin(), verdict_columns.end());
    columns.insert(columns.end(), {"other", "status", "flagged"});
    return columns;
}

namespace {

// The records of the CSV text @p text (RFC 4180), strictly: a quote only opens a field
// or doubles inside a quoted one, a quoted field ends at a comma or a line end, and the
// last quote is closed. @throws std::runtime_error saying which line is wrong.
std::vector<std::vector<std::string>> parse_csv_strictly(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    std::string field;
    std::size_t line = 1, i = 0;
    auto bad = [&line](const char* what) {
        return std::runtime_error(fmt::format("line {}: {}", line, what));
    };
    while (i < text.size()) {
        if (text[i] == '"' && field.empty()) {  // a quoted field, to its closing quote
            for (++i;; ++i) {
                if (i >= text.size())
                    throw bad("a quoted field is never closed");
                if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else if (text[i] == '"') {
                    break;
                } else {
                    line += text[i] == '\n';
                    field += text[i];
                }
            }
            ++i;
            if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                throw bad("text after a quoted field");
            continue;
        }
        char c = text[i++];
        if (c == '"')
            throw bad("a quote inside a field that is not quoted");
        if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            fields.push_back(std::move(field));
            field.clear();
            records.push_back(std::move(fields));
            fields.clear();
            ++line;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!field.empty() || !fields.empty()) {
        fields.push_back(std::move(field));
        records.push_back(std::move(fields));
    }
    return records;
}

}  // namespace

GradebookTable parse_gradebook(const std::string& text) {
    GradebookTable table;
    std::vector<std::vector<std::string>> records;
    try {
        records = parse_csv_strictly(text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("is not a CSV file: ") + e.what());
    }
    if (records.empty() || records[0].empty() || records[0][0] != "student")
        throw std::runtime_error("is not a gradebook: its first column is not \"student\"");
    table.columns = records[0];
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& fields = records[r];
        if (fields.size() != table.columns.size()) {
            throw std::runtime_error(fmt::format("record {} has {} fields, its header {}", r + 1,
                                                 fields.size(), table.columns.size()));
        }
        if (fields[0].empty())
            throw std::runtime_error(fmt::format("record {} names no student", r + 1));
        auto& row = table.rows[fields[0]];
        if (!row.empty())
            throw std::runtime_error("names the student " + fields[0] + " twice");
        for (std::size_t i = 0; i < fields.size(); ++i)
            row[table.columns[i]] = fields[i];
    }
    return table;
}

}  // namespace grader
