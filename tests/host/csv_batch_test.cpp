// Batch directories: parsing (columns in any order, quoting, CRLF, BOM,
// blank lines, missing item files) and every kind of bad input, each with
// the exact location and rule in its message.
#include "host/batch.hpp"
#include "host/csv_reader.hpp"
#include "host/errors.hpp"
#include "test_util.hpp"

namespace coopgrid {
namespace {

using test::temp_dir;
using test::write_file;

TEST(BatchCsv, ReadsColumnsByNameInAnyOrderAndKeepsItemOrder) {
  temp_dir d;
  write_file(d / "scenarios.csv", "countries_per_activity,scenario,activities\n5,b,10\n0,a,2.5\n");
  write_file(d / "countries.csv", "share_prob,scenario,datasets\n0.8,a,6000\n0.5,b,1\n0.8,a,4000\n");
  write_file(d / "standards.csv", "scenario,difficulty\nb,0.1\n");
  const auto b = read_batch_dir(d.path());
  ASSERT_EQ(b.ids, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(b.columns.activities, (std::vector<double>{10, 2.5}));
  EXPECT_EQ(b.columns.countries_per_activity, (std::vector<index_t>{5, 0}));
  EXPECT_EQ(b.columns.country_offsets, (std::vector<index_t>{0, 1, 3}));
  EXPECT_EQ(b.columns.datasets, (std::vector<double>{1, 6000, 4000}));
  EXPECT_EQ(b.columns.standard_offsets, (std::vector<index_t>{0, 1, 1}));
  EXPECT_EQ(b.columns.resource_offsets, (std::vector<index_t>{0, 0, 0}));  // missing file: empty
  EXPECT_EQ(b.columns.ethics_offsets, (std::vector<index_t>{0, 0, 0}));
}

TEST(BatchCsv, QuotesCrlfBomBlankLinesAndIntegralG) {
  temp_dir d;
  write_file(d / "scenarios.csv",
             "\xEF\xBB\xBFscenario,activities,countries_per_activity\r\n"
             "\"x, \"\"quoted\"\"\",1e1,5.0\r\n\r\n  \r\n"
             "\"multi\nline\",+3,2\r\n");
  write_file(d / "resources.csv", "scenario,share_prob\n\"x, \"\"quoted\"\"\", 0.5 \n");
  const auto b = read_batch_dir(d.path());
  ASSERT_EQ(b.ids.size(), 2u);
  EXPECT_EQ(b.ids[0], "x, \"quoted\"");
  EXPECT_EQ(b.ids[1], "multi\nline");
  EXPECT_EQ(b.columns.activities[0], 10.0);
  EXPECT_EQ(b.columns.countries_per_activity[0], 5);
  EXPECT_EQ(b.columns.resource_share_prob, (std::vector<double>{0.5}));
}

struct bad_case {
  const char* name;
  const char* file;      // which file gets `text`
  const char* text;
  const char* message;   // expected substring, including file and line
};

// scenarios.csv below is valid unless the case replaces it.
constexpr const char* good_scenarios = "scenario,activities,countries_per_activity\na,10,5\nb,1,0\n";

const bad_case bad_cases[] = {
    {"EmptyScenarios", "scenarios.csv", "", "scenarios.csv: empty file, expected a header row"},
    {"HeaderOnly", "scenarios.csv", "scenario,activities,countries_per_activity\n",
     "scenarios.csv: no scenarios"},
    {"MissingColumn", "scenarios.csv", "scenario,activities\na,1\n",
     "scenarios.csv:1: missing column 'countries_per_activity'"},
    {"UnknownColumn", "scenarios.csv", "scenario,activities,countries_per_activity,colour\na,1,1,red\n",
     "scenarios.csv:1: unknown column 'colour'"},
    {"DuplicateColumn", "scenarios.csv", "scenario,activities,activities,countries_per_activity\n",
     "scenarios.csv:1: column 'activities' appears twice"},
    {"DuplicateId", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,1\nb,1,1\na,2,2\n",
     "scenarios.csv:4: column 'scenario': id 'a' duplicates line 2"},
    {"EmptyId", "scenarios.csv", "scenario,activities,countries_per_activity\n,1,1\n",
     "scenarios.csv:2: column 'scenario': empty id"},
    {"TrailingGarbage", "scenarios.csv", "scenario,activities,countries_per_activity\na,10x,1\n",
     "scenarios.csv:2: column 'activities': value '10x' is not a number"},
    {"NaN", "scenarios.csv", "scenario,activities,countries_per_activity\na,nan,1\n",
     "scenarios.csv:2: column 'activities': value 'nan' is not finite"},
    {"Infinity", "scenarios.csv", "scenario,activities,countries_per_activity\na,inf,1\n",
     "scenarios.csv:2: column 'activities': value 'inf' is not finite"},
    {"NegativeActivities", "scenarios.csv", "scenario,activities,countries_per_activity\na,-1,1\n",
     "scenarios.csv:2: column 'activities': value '-1' is negative"},
    {"NonIntegerG", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,2.5\n",
     "scenarios.csv:2: column 'countries_per_activity': value '2.5' is not an integer"},
    {"NegativeG", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,-3\n",
     "scenarios.csv:2: column 'countries_per_activity': value '-3' is negative"},
    {"OverflowG", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,99999999999999999999\n",
     "scenarios.csv:2: column 'countries_per_activity': value '99999999999999999999' overflows a 64-bit integer"},
    {"HugeReal", "scenarios.csv", "scenario,activities,countries_per_activity\na,1e999,1\n",
     "scenarios.csv:2: column 'activities': value '1e999' is out of the range of a double"},
    {"EmptyValue", "scenarios.csv", "scenario,activities,countries_per_activity\na,,1\n",
     "scenarios.csv:2: column 'activities': empty value"},
    {"TooFewFields", "scenarios.csv", "scenario,activities,countries_per_activity\na,1\n",
     "scenarios.csv:2: expected 3 fields as in the header, found 2"},
    {"TooManyFields", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,1,1\n",
     "scenarios.csv:2: expected 3 fields as in the header, found 4"},
    {"UnterminatedQuote", "scenarios.csv", "scenario,activities,countries_per_activity\n\"a,1,1\n",
     "scenarios.csv:2: unterminated quoted field"},
    {"StrayQuote", "scenarios.csv", "scenario,activities,countries_per_activity\na\"b,1,1\n",
     "scenarios.csv:2: a quote inside an unquoted field"},
    {"ProbabilityAboveOne", "countries.csv", "scenario,datasets,share_prob\na,10,0.5\nb,10,1.5\n",
     "countries.csv:3: column 'share_prob': value '1.5' is not a probability in [0, 1]"},
    {"NegativeProbability", "resources.csv", "scenario,share_prob\na,-0.1\n",
     "resources.csv:2: column 'share_prob': value '-0.1' is not a probability in [0, 1]"},
    {"NegativeDatasets", "countries.csv", "scenario,datasets,share_prob\na,-5,0.5\n",
     "countries.csv:2: column 'datasets': value '-5' is negative"},
    {"NegativeDifficulty", "standards.csv", "scenario,difficulty\na,-0.1\n",
     "standards.csv:2: column 'difficulty': value '-0.1' is negative"},
    {"EthicsNaN", "ethics.csv", "scenario,difficulty\n\nb,NaN\n",
     "ethics.csv:3: column 'difficulty': value 'NaN' is not finite"},
    {"UnknownScenario", "ethics.csv", "scenario,difficulty\nzz,1\n",
     "ethics.csv:2: column 'scenario': id 'zz' is not in scenarios.csv"},
    {"EmptyItemFile", "standards.csv", "", "standards.csv: empty file, expected a header row"},
    {"ItemMissingColumn", "countries.csv", "scenario,datasets\na,1\n",
     "countries.csv:1: missing column 'share_prob'"},
};

class BadBatch : public ::testing::TestWithParam<bad_case> {};

TEST_P(BadBatch, NamesFileLineValueAndRule) {
  const auto& c = GetParam();
  temp_dir d;
  write_file(d / "scenarios.csv", good_scenarios);
  write_file(d / c.file, c.text);
  try {
    read_batch_dir(d.path());
    FAIL() << "no error for " << c.name;
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
        << "message: " << e.what() << "\nexpected: " << c.message;
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line only";
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BadBatch, ::testing::ValuesIn(bad_cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(BatchCsv, MissingDirectoryAndMissingScenarios) {
  temp_dir d;
  EXPECT_THROW(read_batch_dir(d / "nope"), input_error);
  try {
    read_batch_dir(d.path());
    FAIL();
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("scenarios.csv: file not found"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace coopgrid
