// Grid TOML files: every axis form, defaults, and each kind of bad input
// with the file, line and key in its message.
#include "host/errors.hpp"
#include "host/grid.hpp"
#include "test_util.hpp"

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

struct bad_grid {
  const char* name;
  const char* text;
  const char* message;
};

const bad_grid bad_grids[] = {
    {"Syntax", "[countries\ncount = 1\n", "bad.toml:1:"},
    {"UnknownTable", "[colours]\nred = 1\n", "bad.toml:1:1: colours: unknown table"},
    {"UnknownTopLevelKey", "speed = 3\n", "bad.toml:1:9: speed: unknown top-level key"},
    {"UnknownKey", "[countries]\ncount = 1\ndatasets = 1\nshare_prob = 1\nsize = 2\n",
     "bad.toml:5:8: countries.size: unknown key (the table [countries] takes count, datasets, share_prob)"},
    {"NegativeCount", "[standards]\ncount = -1\n", "bad.toml:2:9: standards.count: value -1 is negative"},
    {"FractionalCount", "[standards]\ncount = 2.5\ndifficulty = 1\n",
     "bad.toml:2:9: standards.count: value 2.5 is not an integer"},
    {"FractionalG", "[exchange]\ncountries_per_activity = { linspace = [0, 1, 3] }\n",
     "bad.toml:2:26: exchange.countries_per_activity: value 0.5 is not an integer"},
    {"ProbabilityAboveOne", "[resources]\ncount = 1\nshare_prob = { values = [0.5, 1.2] }\n",
     "bad.toml:3:14: resources.share_prob: value 1.2 is not a probability in [0, 1]"},
    {"NaN", "[ethics]\ncount = 1\ndifficulty = nan\n",
     "bad.toml:3:14: ethics.difficulty: value nan is not finite"},
    {"Infinity", "[exchange]\nactivities = inf\n", "bad.toml:2:14: exchange.activities: value inf is not finite"},
    {"NegativeDifficulty", "[ethics]\ncount = 1\ndifficulty = -0.5\n",
     "bad.toml:3:14: ethics.difficulty: value -0.5 is negative"},
    {"String", "[exchange]\nactivities = \"ten\"\n",
     "bad.toml:2:14: exchange.activities: value is \"ten\", expected a number or an axis table"},
    {"ZeroPointLinspace", "[exchange]\nactivities = { linspace = [0, 5, 0] }\n",
     "exchange.activities: linspace = [0, 5, 0] has zero points"},
    {"ZeroPointRange", "[standards]\ncount = { range = [5, 1] }\n",
     "standards.count: range = [5, 1] has zero points"},
    {"EmptyValues", "[exchange]\nactivities = { values = [] }\n",
     "bad.toml:2:25: exchange.activities: values has 0 elements, expected 1 to"},
    {"EmptyArray", "[exchange]\nactivities = []\n", "bad.toml:2:14: exchange.activities: axis has zero points"},
    {"TwoAxisKinds", "[exchange]\nactivities = { values = [1], linspace = [0, 1, 2] }\n",
     "exchange.activities: axis has both 'linspace' and 'values'"},
    {"UnknownAxisKey", "[exchange]\nactivities = { points = [1] }\n",
     "exchange.activities: unknown axis key 'points'"},
    {"StepWithoutRange", "[exchange]\nactivities = { values = [1], step = 2 }\n",
     "exchange.activities: 'step' is only allowed with 'range'"},
    {"ZeroStep", "[standards]\ncount = { range = [1, 5], step = 0 }\n", "step 0 must be a positive integer"},
    {"LinspaceArity", "[exchange]\nactivities = { linspace = [0, 1] }\n",
     "exchange.activities: linspace has 2 elements, expected 3"},
    {"LogspaceOverflow", "[countries]\ncount = 1\nshare_prob = 1\ndatasets = { logspace = [300, 400, 3] }\n",
     "countries.datasets: logspace = [300, 400, 3] reaches 10^400 which overflows a double"},
    {"MissingItems", "[standards]\ncount = { range = [0, 3] }\n",
     "bad.toml: standards.difficulty: missing, but standards.count can be > 0"},
    {"IntegerOverflow", "[standards]\ncount = 99999999999999999999\n", "bad.toml:2:"},
    {"GridOverflow",
     "[countries]\ncount = { range = [0, 99] }\ndatasets = { linspace = [0, 1, 100] }\n"
     "share_prob = { linspace = [0, 1, 100] }\n[standards]\ncount = { range = [0, 99] }\n"
     "difficulty = { linspace = [0, 1, 100] }\n[exchange]\nactivities = { linspace = [0, 1, 100] }\n"
     "countries_per_activity = { range = [0, 99] }\n[resources]\ncount = { range = [0, 99] }\n"
     "share_prob = { linspace = [0, 1, 100] }\n[ethics]\ncount = { range = [0, 99] }\ndifficulty = 1\n",
     "bad.toml: the grid has more than 2^63 - 1 scenarios"},
    {"AxisTooLong", "[exchange]\nactivities = { linspace = [0, 1, 100000001] }\n",
     "has 100000001 points, more than the 100000000 allowed per axis"},
};

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
