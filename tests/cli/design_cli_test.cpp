// End-to-end: problem files and designs through the coopgrid binary (README,
// "Uncertainty: problem files and designs"): every bad problem exits 2 with its
// one-line message and writes nothing; rows, sample, salib-y, shards + merge,
// checkpoints and compare on data/problem_*.
#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include "tests/support/bad_inputs.hpp"
#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using result = test::cli_result;
using test::run_cli;

using test::data;
using test::sharing;
const std::string salib = "'" + data + "/problem_salib.txt' --fixed '" + data + "/problem_fixed.toml' ";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

void expect_bad(const test::bad_grid& c, const char* file, const char* message) {
  test::temp_dir d;
  test::write_file(d / file, c.text);
  const auto r = run_cli("run '" + (d / file).string() + "' --design mc --n 4 -o '" + (d / "out.csv").string() + "'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.csv"));
}

class CliBadProblem : public ::testing::TestWithParam<test::bad_grid> {};
TEST_P(CliBadProblem, ExitsTwoWithTheMessage) {
  const auto& c = GetParam();
  // A file without one valid distribution table is read as a grid: the grid's message names the key.
  const std::string name = c.name;
  const char* message = name == "UnknownDistributionKey" ? "exchange.activities: unknown axis key 'unifrom'"
                        : name == "NoDistribution"       ? "--design samples a problem file, and"
                                                         : c.message;
  expect_bad(c, "bad.toml", message);
}
INSTANTIATE_TEST_SUITE_P(Table, CliBadProblem, ::testing::ValuesIn(test::bad_problems),
                         [](const auto& info) { return std::string(info.param.name); });

class CliBadSalibProblem : public ::testing::TestWithParam<test::bad_grid> {};
TEST_P(CliBadSalibProblem, ExitsTwoWithTheMessage) { expect_bad(GetParam(), "bad.txt", GetParam().message); }
INSTANTIATE_TEST_SUITE_P(Table, CliBadSalibProblem, ::testing::ValuesIn(test::bad_salib_problems),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CliDesign, UsageErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {"run " + sharing, "is a problem file: give --design"},
      {"run " + sharing + "--design sobol", "--design sobol needs --n N"},
      {"run " + sharing + "--design mc --n 4 --levels 6", "--levels applies to --design morris, not mc"},
      {"run " + sharing + "--design mc --n 4 --scramble", "--scramble applies to Sobol' points"},
      {"run " + sharing + "--design morris --n 4 --levels 5", "--levels 5: Morris needs an even number"},
      {"run '" + data + "/grid_small.toml' --design mc --n 4", "--design samples a problem file"},
      {"run '" + data + "/grid_small.toml' --n 4", "give --design"},
      {"run " + sharing + "--design mc --n 4 --format salib-y", "--format salib-y needs --metrics"},
      {"sample " + sharing + "--n 4", "sample: give --design"},
      {"sample '" + data + "/grid_small.toml' --design mc --n 4", "--design samples a problem file"},
      {"sample " + sharing + "--design mc --n 4 --format npy", ".npy output is binary"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  }
}

TEST(CliDesign, RowsCarryTheSampledValues) {
  const auto rows = lines(run_cli("run " + sharing + "--design lhs --n 50 --seed 4 --backend cpu").out);
  ASSERT_EQ(rows.size(), 51u);
  EXPECT_EQ(rows[0].rfind("scenario,countries.datasets,countries.share_prob,standards.count,", 0), 0u) << rows[0];
  // `sample --format csv` gives the same inputs in the same columns, at full precision.
  const auto x = lines(run_cli("sample " + sharing + "--design lhs --n 50 --seed 4 --format csv").out);
  ASSERT_EQ(x.size(), 51u);
  for (std::size_t i = 1; i < x.size(); ++i) EXPECT_EQ(rows[i].rfind(x[i] + ",", 0), 0u) << i;
  // SALib's X: no header, seven space-delimited %.8e columns.
  const auto salib_x = lines(run_cli("sample " + sharing + "--design lhs --n 50 --seed 4").out);
  ASSERT_EQ(salib_x.size(), 50u);
  EXPECT_EQ(std::count(salib_x[0].begin(), salib_x[0].end(), ' '), 6) << salib_x[0];
  EXPECT_NE(salib_x[0].find("e+0"), std::string::npos) << salib_x[0];
}

TEST(CliDesign, SalibYHoldsTheMetricColumns) {
  const auto r = run_cli("run " + salib + "--design saltelli --n 8 --metrics shared_expected,resources_shared "
                         "--format salib-y --backend cpu");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto y = lines(r.out);
  ASSERT_EQ(y.size(), 8u * (4 + 2));  // 5 parameters in 4 groups (SALib's): G + 2 rows per base point
  const auto rows = lines(run_cli("run " + salib + "--design saltelli --n 8 --metrics shared_expected,"
                                  "resources_shared --backend cpu").out);
  ASSERT_EQ(rows.size(), y.size() + 1);
  for (std::size_t i = 0; i < y.size(); ++i) {
    std::string expected = rows[i + 1];
    // The CSV row's last two fields, space-delimited.
    const auto last = expected.rfind(','), before = expected.rfind(',', last - 1);
    EXPECT_EQ(y[i], expected.substr(before + 1, last - before - 1) + " " + expected.substr(last + 1)) << i;
  }
}

TEST(CliDesign, ShardsMergeIntoTheWholeRun) {
  test::temp_dir d;
  const std::string run = "run " + sharing + "--design sobol --n 3000 --scramble --seed 9 --backend cpu --reduce "
                          "--top 3 --by shared_expected --histogram shared_expected:8:0:200000 --json ";
  ASSERT_EQ(run_cli(run + "-o '" + (d / "whole.json").string() + "'").code, 0);
  std::string files;
  for (int k = 0; k < 3; ++k) {
    const auto f = (d / ("s" + std::to_string(k) + ".json")).string();
    ASSERT_EQ(run_cli(run + "--shard " + std::to_string(k) + "/3 -o '" + f + "'").code, 0);
    files += "'" + f + "' ";
  }
  const auto m = run_cli("merge " + files + "-o '" + (d / "merged.json").string() + "'");
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(test::read_file(d / "merged.json"), test::read_file(d / "whole.json"));
  EXPECT_NE(test::read_file(d / "whole.json").find("\"parameters\": {\"countries.datasets\""), std::string::npos);
}

TEST(CliDesign, ResumedCheckpointEqualsTheUninterruptedRun) {
  test::temp_dir d;
  const std::string run = "run " + sharing + "--design mc --n 200000 --backend cpu --reduce --json ";
  ASSERT_EQ(run_cli(run + "-o '" + (d / "whole.json").string() + "'").code, 0);
  const std::string ck = "--checkpoint '" + (d / "ck").string() + "' --checkpoint-interval 0 ";
  ASSERT_EQ(run_cli(run + ck + "-o '" + (d / "first.json").string() + "'").code, 0);
  const auto r = run_cli(run + ck + "--resume -o '" + (d / "resumed.json").string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::read_file(d / "resumed.json"), test::read_file(d / "whole.json"));
  // Another seed is another input: the checkpoint is refused.
  const auto other = run_cli("run " + sharing + "--design mc --n 200000 --seed 1 --backend cpu --reduce --json " + ck +
                             "--resume -o '" + (d / "other.json").string() + "'");
  EXPECT_EQ(other.code, 2) << other.err;
}

TEST(CliDesign, CompareAgreesOnEveryDesign) {
  for (const std::string design : {"--design mc --n 2000", "--design lhs --n 2000", "--design sobol --n 2048 --scramble",
                                   "--design saltelli --n 128 --second-order", "--design morris --n 100 --levels 6"}) {
    for (const char* p : {"f64", "f32"}) {
      const auto r = run_cli("compare " + sharing + design + " --backend cpu --precision " + p);
      EXPECT_EQ(r.code, 0) << design << " " << p << ": " << r.out << r.err;
    }
  }
  const auto r = run_cli("compare " + salib + "--design saltelli --n 64 --backend cpu");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(CliDesign, ValidatePrintsParametersAndTheDesignSize) {
  const auto p = run_cli("validate " + sharing);
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("7 parameters"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("countries.share_prob               uniform [0.2, 0.9] group sharing"), std::string::npos)
      << p.out;
  const auto d = run_cli("validate " + sharing + "--design saltelli --n 1024 --second-order");
  ASSERT_EQ(d.code, 0) << d.err;
  // 7 parameters in 6 groups (countries.share_prob and resources.share_prob share one): 2G + 2 rows.
  EXPECT_NE(d.out.find("n = 1,024 base points, 14 rows per point: 14,336 scenarios"), std::string::npos) << d.out;
}

}  // namespace
}  // namespace coopgrid
