// Tests the result channel's records (harness/result_channel.hpp) and the grader's reading
// of them (sealed_results.hpp): what is sealed opens, anything else is named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include "compile/source_review.hpp"
#include "harness/result_channel.hpp"
#include "hsys/temp_dir.hpp"
#include "results/sealed_results.hpp"
#include "results/text_safety.hpp"

namespace {

namespace channel = harness::channel;

channel::Secret fixed_secret() {
    channel::Secret secret;
    for (int i = 0; i < 16; ++i)
        secret.key[i] = static_cast<std::uint8_t>(i);
    return secret;
}

std::string record(const channel::Secret& secret, std::uint64_t seq, const nlohmann::json& j) {
    return channel::seal(secret, seq, j.dump());
}

// A whole, honest run: begin, result, canary, end.
std::string honest_run(const channel::Secret& secret, const std::string& outcome) {
    return record(secret, 0, {{"kind", "begin"}, {"test", "S.T"}}) +
           record(secret, 1,
                  {{"kind", "result"}, {"test", "S.T"}, {"outcome", outcome}, {"message", "m"}}) +
           record(secret, 2, {{"kind", "canary"}, {"failed", true}}) +
           record(secret, 3, {{"kind", "end"}, {"exit_code", outcome == "fail" ? 1 : 0}});
}

// Tests SipHash-2-4 against the reference vectors of its paper (key 00..0f).
TEST(ChannelTest, SipHashMatchesTheReferenceVectors) {
    auto key = fixed_secret().key;
    std::uint8_t message[15];
    for (int i = 0; i < 15; ++i)
        message[i] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(channel::siphash24(key, message, 0), 0x726fdb47dd0e0e31ULL);
    EXPECT_EQ(channel::siphash24(key, message, 15), 0xa129ca6149be45e5ULL);
}

// Tests that sealed records open in order, and that a record sealed with another secret,
// altered, or out of order does not.
TEST(ChannelTest, OnlyRecordsSealedInOrderWithTheSecretOpen) {
    auto secret = fixed_secret();
    auto stream = channel::seal(secret, 0, "a") + channel::seal(secret, 1, "b");
    auto opened = channel::open(secret, stream);
    EXPECT_EQ(opened.problem, "");
    EXPECT_EQ(opened.payloads, (std::vector<std::string>{"a", "b"}));

    auto other = secret;
    other.key[0] ^= 1;
    EXPECT_NE(channel::open(other, stream).problem, "");
    auto altered = stream;
    altered[4] = 'x';
    EXPECT_NE(channel::open(secret, altered).problem, "");
    auto swapped = channel::seal(secret, 1, "b") + channel::seal(secret, 0, "a");
    EXPECT_NE(channel::open(secret, swapped).problem, "");
    auto cut = channel::open(secret, stream.substr(0, stream.size() - 3));
    EXPECT_EQ(cut.problem, "");
    EXPECT_TRUE(cut.cut_short);
    EXPECT_EQ(cut.payloads.size(), 1u);
}

// Tests that an honest run reads as its outcome, with nothing to distrust.
TEST(SealedResultTest, HonestRunReadsAsItsOutcome) {
    auto secret = fixed_secret();
    for (std::string outcome : {"pass", "fail", "skip"}) {
        auto stream = honest_run(secret, outcome);
        auto r = grader::read_sealed_result(stream, stream.size(), 1 << 20, secret, "S.T");
        EXPECT_EQ(r.integrity, "") << outcome;
        EXPECT_TRUE(r.found && r.began && r.ended) << outcome;
        EXPECT_EQ(r.passed, outcome == "pass");
        EXPECT_EQ(r.skipped, outcome == "skip");
        EXPECT_EQ(r.message, "m");
    }
}

// Tests that each way a run's records can be wrong is named.
TEST(SealedResultTest, EveryDeviationIsAnIntegrityProblem) {
    auto secret = fixed_secret();
    auto read = [&](const std::string& stream) {
        return grader::read_sealed_result(stream, stream.size(), 1 << 20, secret, "S.T").integrity;
    };
    auto begin = record(secret, 0, {{"kind", "begin"}, {"test", "S.T"}});
    EXPECT_NE(read(begin + record(secret, 1, {{"kind", "begin"}, {"test", "S.T"}})).find("twice"),
              std::string::npos);
    EXPECT_NE(read(record(secret, 0, {{"kind", "begin"}, {"test", "Other.T"}})).find("did not ask"),
              std::string::npos);
    EXPECT_NE(read(record(secret, 0, {{"kind", "result"}, {"test", "S.T"}, {"outcome", "pass"}}))
                  .find("not running"),
              std::string::npos);
    auto no_canary = begin +
                     record(secret, 1, {{"kind", "result"}, {"test", "S.T"}, {"outcome", "pass"}}) +
                     record(secret, 2, {{"kind", "end"}, {"exit_code", 0}});
    EXPECT_NE(read(no_canary).find("without its canary"), std::string::npos);
    auto canary_passed =
        begin + record(secret, 1, {{"kind", "result"}, {"test", "S.T"}, {"outcome", "pass"}}) +
        record(secret, 2, {{"kind", "canary"}, {"failed", false}}) +
        record(secret, 3, {{"kind", "end"}, {"exit_code", 0}});
    EXPECT_NE(read(canary_passed).find("hiding failures"), std::string::npos);
    auto after_end =
        honest_run(secret, "pass") + record(secret, 4, {{"kind", "begin"}, {"test", "S.T"}});
    EXPECT_NE(read(after_end).find("after the end"), std::string::npos);
    auto flood = honest_run(secret, "pass");
    EXPECT_NE(grader::read_sealed_result(flood, 10 << 20, 1 << 20, secret, "S.T").integrity, "");
}

// Tests that an authentic record whose fields are of the wrong type, out of range, too
// long, unknown or missing is `integrity` with a plain message, and never an exception
// (nlohmann's type_error once escaped and ended the grader without a report).
TEST(SealedResultTest, MalformedAuthenticRecordsAreIntegrityNeverExceptions) {
    auto secret = fixed_secret();
    auto begin = record(secret, 0, {{"kind", "begin"}, {"test", "S.T"}});
    auto result = [&](const nlohmann::json& j) { return begin + record(secret, 1, j); };
    auto through_canary = [&](const nlohmann::json& canary_record) {
        return begin +
               record(secret, 1, {{"kind", "result"}, {"test", "S.T"}, {"outcome", "pass"}}) +
               record(secret, 2, canary_record);
    };
    auto ending = [&](const nlohmann::json& end_record) {
        return through_canary({{"kind", "canary"}, {"failed", true}}) +
               record(secret, 3, end_record);
    };
    struct Case {
        std::string stream;
        std::string said;  // a part of the plain message
    };
    std::vector<Case> cases = {
        {record(secret, 0, {{"kind", 5}}), "no kind"},
        {record(secret, 0, {{"test", "S.T"}}), "no kind"},
        {record(secret, 0, {{"kind", "launch"}, {"test", "S.T"}}), "unknown kind"},
        {record(secret, 0, {{"kind", "begin"}, {"test", 7}}), "\"test\" is not a string"},
        {record(secret, 0, {{"kind", "begin"}}), "\"test\" is missing"},
        {record(secret, 0, {{"kind", "begin"}, {"test", std::string(5000, 'x')}}), "longer than"},
        {record(secret, 0, {{"kind", "begin"}, {"test", "S.T"}, {"extra", 1}}), "never sends"},
        {result({{"kind", "result"}, {"test", "S.T"}, {"outcome", "won"}}), "not one of"},
        {result({{"kind", "result"}, {"test", "S.T"}, {"outcome", true}}), "not a string"},
        {result({{"kind", "result"}, {"test", "S.T"}, {"outcome", "fail"}, {"message", {1}}}),
         "\"message\" is not a string"},
        {through_canary({{"kind", "canary"}, {"failed", "yes"}}), "not true or false"},
        {through_canary({{"kind", "canary"}, {"test", "CourseCanary.X"}, {"failed", true}}),
         "never sends"},
        {ending({{"kind", "end"}, {"exit_code", "x"}}), "not an integer"},
        {ending({{"kind", "end"}, {"exit_code", 256}}), "between 0 and 255"},
        {ending({{"kind", "end"}, {"exit_code", -1}}), "between 0 and 255"},
        {ending({{"kind", "end"}, {"exit_code", 18446744073709551615ULL}}), "between 0 and 255"},
        {ending({{"kind", "end"}, {"exit_code", 1.5}}), "not an integer"},
        {record(secret, 0, nlohmann::json::array({"begin"})), "not a JSON object"},
    };
    for (const auto& c : cases) {
        grader::FrameworkResult r;
        ASSERT_NO_THROW(
            r = grader::read_sealed_result(c.stream, c.stream.size(), 1 << 20, secret, "S.T"))
            << c.said;
        EXPECT_NE(r.integrity.find(c.said), std::string::npos) << r.integrity;
        EXPECT_FALSE(r.passed && r.ended) << c.said;
    }
}

// Tests the input with which the channel's fuzz target (fuzz/channel_fuzzer.cpp) ended the
// grader before the records were checked: an authentic result record whose duplicate
// "kind" is a number (nlohmann's type_error 302 escaped read_sealed_result).
TEST(SealedResultTest, FuzzFoundDuplicateNumericKindIsIntegrity) {
    auto secret = fixed_secret();
    auto stream = channel::seal(secret, 0, R"({"kind":"begin","test":"S.T"})") +
                  channel::seal(secret, 1,
                                R"({"kind":"result","message":"psutil is not installed",)"
                                R"("outcome":"skipa5a7a7lt","messad":true,"k":true,"kind":0})");
    grader::FrameworkResult r;
    ASSERT_NO_THROW(r = grader::read_sealed_result(stream, stream.size(), 1 << 20, secret, "S.T"));
    EXPECT_NE(r.integrity.find("no kind"), std::string::npos) << r.integrity;
}

// Tests that a test's name quoted in an integrity message is cut and made printable.
TEST(SealedResultTest, QuotedNamesAreShortAndPrintable) {
    auto secret = fixed_secret();
    auto stream =
        record(secret, 0, {{"kind", "begin"}, {"test", "\x1b[2J" + std::string(3000, 'a')}});
    auto r = grader::read_sealed_result(stream, stream.size(), 1 << 20, secret, "S.T");
    EXPECT_NE(r.integrity.find("did not ask"), std::string::npos) << r.integrity;
    EXPECT_EQ(r.integrity.find('\x1b'), std::string::npos);
    EXPECT_LT(r.integrity.size(), 400u);
}

// Tests that the source review notes what a lab never needs, and nothing in plain code.
TEST(SourceReviewTest, NotesFrameworkInternalsIncludesAndAssembly) {
    auto notes = grader::review_text("x.cpp",
                                     "#include \"../../solutions/01-process/process.cpp\"\n"
                                     "#include </etc/shadow>\n"
                                     "asm(\".incbin \\\"/etc/passwd\\\"\");\n"
                                     "auto* u = testing::UnitTest::GetInstance();\n"
                                     "__attribute__((constructor)) static void early() {}\n"
                                     "int plasma = 0;  // not a word of its own: no note\n"
                                     "#include <unistd.h>\n"
                                     "pid_t pid = ::fork();\n");
    ASSERT_EQ(notes.size(), 5u);
    EXPECT_EQ(notes[0].line, 1);
    EXPECT_EQ(notes[1].line, 2);
    EXPECT_EQ(notes[2].line, 3);
    EXPECT_EQ(notes[3].line, 4);
    EXPECT_EQ(notes[4].line, 5);
}

// Tests that XML text loses U+FFFE and U+FFFF (valid UTF-8, not XML characters) and
// control bytes, and keeps ordinary text.
TEST(TextSafetyTest, XmlForbidsNoncharactersAndControls) {
    EXPECT_EQ(grader::xml_safe("a\xEF\xBF\xBE"
                               "b\xEF\xBF\xBF"
                               "c\x01"
                               "d"),
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD"
              "c\xEF\xBF\xBD"
              "d");
    EXPECT_EQ(grader::xml_safe("caf\xC3\xA9\n\tok"), "caf\xC3\xA9\n\tok");
}

// Tests that the console sees escapes, not terminal control sequences.
TEST(TextSafetyTest, ConsoleShowsControlsEscaped) {
    EXPECT_EQ(grader::console_safe("\x1b[2J\rTotal: 186 / 186\n"),
              "\\x1b[2J\\x0dTotal: 186 / 186\n");
    EXPECT_EQ(grader::console_safe("\xC2\x9B"
                                   "31m"),
              "\\xc2\\x9b31m");  // C1 CSI
    EXPECT_EQ(grader::console_safe("\xff"), "\\xff");
    EXPECT_EQ(grader::console_safe("caf\xC3\xA9\tok\n"), "caf\xC3\xA9\tok\n");
}

}  // namespace

namespace {

// Tests that a task passing in full while its stub's todo() is still in the source (spliced
// or not) is noted for review, that a task not passing in full is not, and that every call
// is found with its task and line (what the next step reads of a lab not graded).
TEST(SourceReviewTest, NotesTheTodosOfTasksThatPass) {
    hsys::TempDir dir("review");
    std::ofstream(dir.path() / "x.cpp") << "int f() {\n"
                                           "    course::todo(\"Task 1\");\n"
                                           "}\n"
                                           "int g() {\n"
                                           "    course::to\\\n"
                                           "do(\"Task 2\");\n"
                                           "    course::todo (\"Task\" \" 2\");\n"
                                           "}\n";
    grader::LabSpec lab;
    lab.sources = {"x.cpp"};
    lab.tasks = {{1, "One", "one"}, {2, "Two", "two"}};
    auto notes = grader::todos_of_passing_tasks(lab, dir.path().string(), {2});
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_EQ(notes[0].line, 5);
    EXPECT_EQ(notes[1].line, 7);
    EXPECT_NE(notes[0].what.find("Task 2 passes every test"), std::string::npos);
    EXPECT_TRUE(grader::todos_of_passing_tasks(lab, dir.path().string(), {}).empty());
    auto calls = grader::todo_calls(lab, dir.path().string());  // what the next step reads
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0].task, 1);
    EXPECT_EQ(calls[0].line, 2);
}

}  // namespace
