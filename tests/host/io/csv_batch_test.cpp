// Batch directories: parsing (columns in any order, quoting, CRLF, BOM,
// blank lines, missing item files) and every kind of bad input, each with
// the exact location and rule in its message.
#include "host/io/csv_batch.hpp"
#include "host/source/batch.hpp"
#include "host/io/csv_reader.hpp"
#include "host/util/errors.hpp"
#include "tests/support/bad_inputs.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::temp_dir;
using test::write_file;
using test::bad_case;
using test::bad_cases;
using test::good_scenarios;

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
