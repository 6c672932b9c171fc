// End-to-end: `run PROBLEM --samples X` (README, "Uncertainty"): the user's own rows give the
// rows a design with the same values gives, in every file layout; every bad value exits 2 with
// one line naming the file line (or row), the column, the value and the rule, and writes nothing.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::run_cli;

using test::data;
// Parameters in order: countries.datasets loguniform [100, 10000], countries.share_prob uniform
// [0.2, 0.9], standards.count integers [1, 10], standards.difficulty triangular [0.1, 0.5, 2.0],
// exchange.activities lognormal, exchange.countries_per_activity choice [2, 5, 10],
// resources.share_prob truncnormal [0.6, 0.15, 0, 1].
using test::sharing;
const std::string good_row = "500 0.5 3 1.0 12.5 5 0.7";

using test::q;

TEST(CliSamples, EveryLayoutGivesTheDesignsRows) {
  test::temp_dir d;
  const std::string design = "--design sobol --n 64 --seed 3 --scramble ";
  std::map<std::string, std::string> expected;  // per backend: the reference computes its own way
  for (const std::string backend : {"cpu", "reference"}) {
    const auto e = run_cli("run " + sharing + design + "--backend " + backend);
    ASSERT_EQ(e.code, 0) << e.err;
    expected[backend] = e.out;
  }
  // .txt with 17 digits (SALib's %.8e rounds), .npy and .csv carry the values exactly.
  for (const std::string x : {"X.txt", "X.npy", "X.csv"}) {
    const std::string digits = x == "X.txt" ? "--digits 17 " : "";
    const auto s = run_cli("sample " + sharing + design + digits + "-o " + q(d / x));
    ASSERT_EQ(s.code, 0) << s.err;
    for (const std::string backend : {"cpu", "reference"}) {
      const auto r = run_cli("run " + sharing + "--samples " + q(d / x) + "--backend " + backend);
      ASSERT_EQ(r.code, 0) << x << ": " << r.err;
      EXPECT_EQ(r.out, expected[backend]) << x << " on " << backend;
    }
  }
  // salib-y: Y in X's order, one line per row.
  const auto y = run_cli("run " + sharing + "--samples " + q(d / "X.csv") + "--format salib-y --metrics shared_expected");
  const auto y_design = run_cli("run " + sharing + design + "--format salib-y --metrics shared_expected");
  ASSERT_EQ(y.code, 0) << y.err;
  EXPECT_EQ(y.out, y_design.out);
  EXPECT_EQ(std::count(y.out.begin(), y.out.end(), '\n'), 64);
}

TEST(CliSamples, ReduceAndMarginalsAsForDesigns) {
  test::temp_dir d;
  test::write_file(d / "X.txt", "# SALib's layout: a comment line\n" + good_row + "\n\n600 0.8 10 0.2 3 10 0\n");
  const auto r = run_cli("run " + sharing + "--samples " + q(d / "X.txt") +
                         "--reduce --json --marginal countries.share_prob:2 --top 1 --by shared_expected");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"scenarios\": 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"countries.share_prob\": 0.8"), std::string::npos) << r.out;  // the row's own value
  EXPECT_NE(r.out.find("\"marginals\""), std::string::npos) << r.out;
}

TEST(CliSamples, TruncnormalLowerBoundIsAValidValue) {
  // resources.share_prob truncnormal [0.6, 0.15, 0, 1] at 0: its lower bound, in the support.
  test::temp_dir d;
  test::write_file(d / "X.txt", "500 0.5 3 1.0 12.5 5 0\n");
  const auto r = run_cli("run " + sharing + "--samples " + q(d / "X.txt"));
  EXPECT_EQ(r.code, 0) << r.err;
}

void expect_bad_samples(const std::string& file, const std::string& text, const std::string& message) {
  test::temp_dir d;
  test::write_file(d / file, text);
  const auto r = run_cli("run " + sharing + "--samples " + q(d / file) + "-o " + q(d / "out.csv"));
  EXPECT_EQ(r.code, 2) << file << ": " << text;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.csv"));
}

TEST(CliSamples, BadValuesNameLineColumnValueAndRule) {
  const std::string h = "# X\n" + good_row + "\n";  // the bad row is on line 3
  expect_bad_samples("X.txt", h + "500 0.95 3 1.0 12.5 5 0.7\n",
             "X.txt:3: column countries.share_prob: value 0.95 is outside uniform [0.2, 0.9]");
  expect_bad_samples("X.txt", h + "500 0.5 3.5 1.0 12.5 5 0.7\n", "X.txt:3: column standards.count: value 3.5 is not an integer");
  expect_bad_samples("X.txt", h + "500 0.5 11 1.0 12.5 5 0.7\n",
             "X.txt:3: column standards.count: value 11 is outside integers [1, 10]");
  expect_bad_samples("X.txt", h + "500 0.5 3 1.0 12.5 4 0.7\n",
             "X.txt:3: column exchange.countries_per_activity: value 4 is not one of the values of choice");
  expect_bad_samples("X.txt", h + "500 0.5 3 1.0 -2 5 0.7\n", "X.txt:3: column exchange.activities: value -2 is negative");
  expect_bad_samples("X.txt", h + "500 0.5 3 1.0 12.5 5 1.5\n",
             "X.txt:3: column resources.share_prob: value 1.5 is not a probability in [0, 1]");
  expect_bad_samples("X.txt", h + "nan 0.5 3 1.0 12.5 5 0.7\n",
             "X.txt:3: column countries.datasets: value nan is not a finite number");
  expect_bad_samples("X.txt", h + "500 abc 3 1.0 12.5 5 0.7\n",
             "X.txt:3: column countries.share_prob: value 'abc' is not a number");
  expect_bad_samples("X.txt", h + "500 0.5 3\n", "X.txt:3: 3 values where the problem has 7 parameters");
  expect_bad_samples("X.txt", "# nothing\n", "X.txt: no rows of samples");
  expect_bad_samples("X.csv", "a,b\n", "X.csv:1: header columns a, b are not the problem's parameters in order");
  expect_bad_samples("X.csv",
             "sample,countries.datasets,countries.share_prob,standards.count,standards.difficulty,"
             "exchange.activities,exchange.countries_per_activity,resources.share_prob\n0,500,0.5,3,1,12.5,5,0.7\n"
             "1,500,0.5,3,3,12.5,5,0.7\n",
             "X.csv:3: column standards.difficulty: value 3 is outside triangular");
  expect_bad_samples("X.json", "[]", "expected a .txt (SALib's layout), .npy or .csv file");
}

TEST(CliSamples, NpyRowsAreOneBased) {
  test::temp_dir d;
  ASSERT_EQ(run_cli("sample " + sharing + "--design mc --n 3 -o " + q(d / "X.npy")).code, 0);
  // Row 2's countries.datasets (the 8th double) made negative, in place.
  std::string bytes = test::read_file(d / "X.npy");
  const double bad = -1.0;
  std::memcpy(&bytes[bytes.size() - 3 * 7 * sizeof(double) + 7 * sizeof(double)], &bad, sizeof bad);
  test::write_file(d / "bad.npy", bytes);
  const auto r = run_cli("run " + sharing + "--samples " + q(d / "bad.npy"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.npy: row 2: column countries.datasets: value -1 is negative"), std::string::npos) << r.err;
}

TEST(CliSamples, UsageErrors) {
  test::temp_dir d;
  test::write_file(d / "X.txt", good_row + "\n");
  const auto both = run_cli("run " + sharing + "--samples " + q(d / "X.txt") + "--design mc --n 2");
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.err.find("does not combine with --design"), std::string::npos) << both.err;
  const auto grid = run_cli("run '" + data + "/grid_small.toml' --samples " + q(d / "X.txt"));
  EXPECT_EQ(grid.code, 2) << grid.err;
  const auto named = run_cli("run " + sharing + "--design samples --n 2");
  EXPECT_EQ(named.code, 2);
}

}  // namespace
}  // namespace coopgrid
