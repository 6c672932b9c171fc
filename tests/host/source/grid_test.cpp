// Grid TOML files: every axis form, defaults, and each kind of bad input
// with the file, line and key in its message.
#include "host/io/grid_reader.hpp"
#include "host/util/errors.hpp"
#include "host/source/grid.hpp"
#include "tests/support/bad_inputs.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

TEST(GridToml, AxisForms) {
  const grid g = parse_grid(R"(
[countries]
count = { range = [1, 10, 3] }
datasets = { logspace = [2, 6, 5] }
share_prob = { linspace = [0, 1, 101] }
[standards]
count = [1, 2, 50]
difficulty = 0.1
[exchange]
activities = { values = [0, 10.5] }
countries_per_activity = 5
)", "g.toml");
  EXPECT_EQ(g.ints[countries_count], (std::vector<index_t>{1, 4, 7, 10}));
  EXPECT_EQ(g.reals[countries_datasets], (std::vector<double>{1e2, 1e3, 1e4, 1e5, 1e6}));
  EXPECT_EQ(g.reals[countries_share_prob].size(), 101u);
  EXPECT_EQ(g.reals[countries_share_prob].front(), 0.0);
  EXPECT_EQ(g.reals[countries_share_prob][50], 0.5);
  EXPECT_EQ(g.reals[countries_share_prob].back(), 1.0);
  EXPECT_EQ(g.ints[standards_count], (std::vector<index_t>{1, 2, 50}));
  EXPECT_EQ(g.ints[exchange_countries_per_activity], (std::vector<index_t>{5}));
  EXPECT_EQ(g.ints[resources_count], (std::vector<index_t>{0}));  // missing: empty block
  EXPECT_EQ(g.reals[exchange_activities], (std::vector<double>{0, 10.5}));
  EXPECT_EQ(g.num_scenarios, 4 * 5 * 101 * 3 * 2);
  EXPECT_EQ(g.axes(), (std::vector<int>{countries_count, countries_datasets, countries_share_prob,
                                        standards_count, exchange_activities}));
}

TEST(GridToml, EmptyFileIsOneEmptyScenario) {
  const grid g = parse_grid("", "empty.toml");
  EXPECT_EQ(g.num_scenarios, 1);
  EXPECT_TRUE(g.axes().empty());
}

using test::bad_grid;
using test::bad_grids;

class BadGrid : public ::testing::TestWithParam<bad_grid> {};

TEST_P(BadGrid, NamesFileLineKeyAndRule) {
  const auto& c = GetParam();
  try {
    parse_grid(c.text, "bad.toml");
    FAIL() << "no error for " << c.name;
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
        << "message: " << e.what() << "\nexpected: " << c.message;
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line only";
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BadGrid, ::testing::ValuesIn(bad_grids),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GridToml, MissingFile) {
  EXPECT_THROW(read_grid_file("/nonexistent/grid.toml"), input_error);
}

}  // namespace
}  // namespace coopgrid

namespace coopgrid {
namespace {
TEST(GridToml, UnicodeInCommentsIsFine) {
  const grid g = parse_grid("# Grille § with ünïcödé\n[exchange] # ☃\nactivities = 3 # x\n", "u.toml");
  EXPECT_EQ(g.reals[exchange_activities], (std::vector<double>{3}));
}
}  // namespace
}  // namespace coopgrid
