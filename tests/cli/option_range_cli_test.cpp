// Issue 29 through the binary: every integer option is its exact typed value or exit 2 with one
// line naming the flag, the value as typed and the range; a misspelt distribution names the known ones.
#include "tests/support/cli_runner.hpp"

namespace coopgrid {
namespace {

using test::run_cli;

using test::data;
using test::sharing;
const std::string morris_problem = "'" + data + "/problem_morris.toml' ";
const std::string grid = "'" + data + "/grid_small.toml' ";

struct refused_option {
  std::string args;
  std::string message;  ///< the whole line after "coopgrid: error: "
};

const std::string count_range = "an integer from 1 to 9223372036854775807";

const refused_option refused_options[] = {
    {"sample " + sharing + "--design mc --n 0", "--n must be at least 1 (got '0')"},
    {"sample " + sharing + "--design mc --n -1", "--n must be at least 1 (got '-1')"},
    {"sample " + sharing + "--design mc --n abc", "--n must be " + count_range + " (got 'abc')"},
    {"sample " + sharing + "--design mc --n 10.5", "--n must be " + count_range + " (got '10.5')"},
    {"sample " + sharing + "--design mc --n 9223372036854775808",
     "--n must be at most 9223372036854775807 (got '9223372036854775808')"},
    {"sample " + sharing + "--design mc --n 4 --seed -1", "--seed must be at least 0 (got '-1')"},
    {"sample " + sharing + "--design mc --n 4 --seed 18446744073709551616",
     "--seed must be at most 18446744073709551615 (got '18446744073709551616')"},
    {"sample " + sharing + "--design mc --n 4 --max-rows 0", "--max-rows must be at least 1 (got '0')"},
    {"sample " + sharing + "--design mc --n 4 --digits 18", "--digits must be at most 17 (got '18')"},
    {"sample " + sharing + "--design morris --n 4 --levels 0", "--levels must be at least 1 (got '0')"},
    {"sobol " + sharing + "--n 0", "--n must be at least 1 (got '0')"},
    {"sobol " + sharing + "--n 8 --bootstrap 99999999999", "--bootstrap must be at most 10000 (got '99999999999')"},
    {"sobol " + sharing + "--n 8 --bootstrap -1", "--bootstrap must be at least 0 (got '-1')"},
    {"sobol " + sharing + "--n 8 --seed -1", "--seed must be at least 0 (got '-1')"},
    {"sobol " + sharing + "--n 8 --threads -1", "--threads must be at least 0 (got '-1')"},
    {"sobol " + sharing + "--n 8 --until-conf 0.1 --max-n 0", "--max-n must be at least 1 (got '0')"},
    {"morris " + morris_problem + "--trajectories 0", "--trajectories must be at least 1 (got '0')"},
    {"morris " + morris_problem + "--trajectories 4 --levels -2", "--levels must be at least 1 (got '-2')"},
    {"run " + grid + "--threads 2147483648", "--threads must be at most 2147483647 (got '2147483648')"},
    {"run " + grid + "--max-rows 0", "--max-rows must be at least 1 (got '0')"},
    {"run " + grid + "--reduce --top 1000001", "--top must be at most 1000000 (got '1000001')"},
    {"run " + grid + "--device -1", "--device must be at least 0 (got '-1')"},
    {"run " + grid + "--shard 99999999999999999999/2",
     "--shard '99999999999999999999/2': expected K/N with 0 <= K < N (K counts from 0)"},
    {"compare " + grid + "--sample 0", "--sample must be at least 1 (got '0')"},
    {"validate " + grid + "--threads x", "--threads must be an integer from 0 to 2147483647 (got 'x')"},
};

TEST(OptionRangeCli, EveryRefusalIsOneLineWithTheFlagTheTextAndTheRange) {
  for (const auto& c : refused_options) {
    const auto r = run_cli(c.args + " --no-progress");
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_EQ(r.err, "coopgrid: error: " + c.message + "\n") << c.args;
    EXPECT_EQ(r.out, "") << c.args;
  }
}

TEST(OptionRangeCli, LargestValuesAreKeptExactly) {
  // 2^64 - 1 is a seed like any other: not wrapped from -1, not clamped from 2^64.
  const auto max = run_cli("sample " + sharing + "--design mc --n 4 --seed 18446744073709551615 --no-progress");
  const auto other = run_cli("sample " + sharing + "--design mc --n 4 --seed 18446744073709551614 --no-progress");
  ASSERT_EQ(max.code, 0) << max.err;
  ASSERT_EQ(other.code, 0) << other.err;
  EXPECT_NE(max.out, other.out);
}

TEST(OptionRangeCli, UnknownDistributionNamesTheKnownOnes) {
  test::temp_dir d;
  test::write_file(d / "p.toml", "[countries]\ncount = 3\ndatasets = { gaussian = [1, 2] }\nshare_prob = 0.5\n");
  const auto r = run_cli("sample '" + (d / "p.toml").string() + "' --design mc --n 4");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("coopgrid: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("countries.datasets: unknown axis key 'gaussian'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a distribution: uniform, loguniform, normal, truncnormal, lognormal, triangular, integers, "
                       "choice"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace coopgrid
