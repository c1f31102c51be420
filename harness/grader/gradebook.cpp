// The gradebook of `grader batch`: rows from the reports, merged with an earlier
// gradebook's when only some students were graded again.
#include "gradebook.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "course/file.hpp"

namespace grader {
namespace fs = std::filesystem;
using nlohmann::json;

std::string csv_field(const std::string& field) {
    if (field.find_first_of(",\"\r\n") == std::string::npos)
        return field;
    std::string quoted = "\"";
    for (char c : field)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

void read_report(const std::string& report_path, GradebookRow& row) {
    json report = json::parse(course::read_file(report_path));
    row.score = report.at("score").get<double>();
    row.max_score = report.at("max_score").get<double>();
    std::map<std::string, int> timeouts;  // per lab
    for (const auto& test : report.at("tests")) {
        auto verdict = test.at("verdict").get<std::string>();
        ++row.verdicts[verdict];
        timeouts[test.at("lab").get<std::string>()] += verdict == "timeout";
    }
    auto flag = [&row](const std::string& why) {
        row.flagged += (row.flagged.empty() ? "" : "; ") + why;
    };
    for (const auto& lab : report.at("labs")) {
        auto id = lab.at("id").get<std::string>();
        row.lab_scores[id] = lab.at("score").get<double>();
        row.lab_max[id] = lab.at("max_score").get<double>();
        if (!lab.value("built", true))
            flag("lab " + id + " does not compile");
        if (timeouts[id] > 0)
            flag(fmt::format("lab {}: {} test(s) timed out", id, timeouts[id]));
        if (lab.value("flagged", false))
            flag("lab " + id + ": " + lab.value("flag_reason", ""));
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

std::vector<std::string> gradebook_columns(const std::vector<LabSpec>& labs) {
    std::vector<std::string> columns = {"student"};
    for (const auto& lab : labs) {
        columns.push_back("lab" + lab.id);
        columns.push_back("lab" + lab.id + "_max");
    }
    columns.insert(columns.end(), {"total", "max"});
    columns.insert(columns.end(), verdict_columns.begin(), verdict_columns.end());
    columns.insert(columns.end(), {"other", "status", "flagged"});
    return columns;
}

// @p row as the gradebook's fields, by column name.
std::map<std::string, std::string> row_fields(const GradebookRow& row,
                                              const std::vector<LabSpec>& labs) {
    std::map<std::string, std::string> fields;
    fields["student"] = row.student;
    auto number = [](const std::map<std::string, double>& values, const std::string& id) {
        auto found = values.find(id);
        return found == values.end() ? std::string() : fmt::format("{:g}", found->second);
    };
    for (const auto& lab : labs) {
        fields["lab" + lab.id] = number(row.lab_scores, lab.id);
        fields["lab" + lab.id + "_max"] = number(row.lab_max, lab.id);
    }
    fields["total"] = fmt::format("{:g}", row.score);
    fields["max"] = fmt::format("{:g}", row.max_score);
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
    auto all = keep_others ? read_gradebook(path) : decltype(read_gradebook(path)){};
    for (const auto& row : rows)
        all[row.student] = row_fields(row, labs);
    if (auto parent = fs::path(path).parent_path(); !parent.empty())
        fs::create_directories(parent);
    auto columns = gradebook_columns(labs);
    std::ofstream csv(path);
    for (std::size_t i = 0; i < columns.size(); ++i)
        csv << (i ? "," : "") << columns[i];
    csv << "\n";
    for (auto& [student, fields] : all) {
        for (std::size_t i = 0; i < columns.size(); ++i)
            csv << (i ? "," : "") << csv_field(fields[columns[i]]);
        csv << "\n";
    }
    if (!csv.flush())
        throw std::system_error(errno, std::generic_category(), "write " + path);
}

}  // namespace grader
