// End-to-end: `coopgrid sobol` and `coopgrid morris` through the binary (DESIGNS.md
// section 4): shards merged, checkpoints resumed (interrupted and complete), growth
// (--resume with a larger --n) and --until-conf all give the bits of one fresh run;
// bad usage exits 2 with one line; the reference and cpu backends agree.
#include <sys/wait.h>

#include <cstdio>
#include <regex>
#include <sstream>

#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using result = test::cli_result;
using test::run_cli;

using test::data;
using test::sharing;
const std::string fixed_problem = "'" + data + "/problem_morris.toml' ";

/// The report from "metrics" on: the indices and the exact merge state (not the timing before them).
std::string results_of(const std::string& json) {
  const auto at = json.find("\"metrics\":");
  EXPECT_NE(at, std::string::npos) << json;
  return at == std::string::npos ? "" : json.substr(at);
}

/// A JSON run of `args` into `file` (which it returns the text of).
std::string run_json(const std::string& args, const std::filesystem::path& file) {
  const auto r = run_cli(args + " --no-progress -o '" + file.string() + "'");
  EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
  return test::read_file(file);
}

/// Every number that follows "key": { "...": in the metrics (the ST_conf values, say).
std::vector<double> values_of(const std::string& json, const std::string& key) {
  std::vector<double> out;
  const std::regex block("\"" + key + "\": \\{([^}]*)\\}");
  for (std::sregex_iterator it(json.begin(), json.end(), block), end; it != end; ++it) {
    const std::string inner = (*it)[1];
    const std::regex num(":\\s*([-+0-9.eEaINnfity]+)");
    for (std::sregex_iterator v(inner.begin(), inner.end(), num); v != end; ++v) out.push_back(std::stod((*v)[1]));
  }
  return out;
}

const std::string sobol_args = "sobol " + sharing + "--metrics shared_expected,standards_p_all,exchange_effect_log10 ";

TEST(SensitivityCli, ShardsMergedEqualTheWholeRun) {
  test::temp_dir d;
  // 3 * 4096 + 1000 base points: shards cut at unit multiples, one with a partial unit.
  const std::string args = sobol_args + "--n 13288 --seed 3 --second-order --bootstrap 30";
  const auto whole = run_json(args, d / "whole.json");
  std::string files;
  for (int k = 0; k < 3; ++k) {
    const auto f = d / ("part" + std::to_string(k) + ".json");
    run_json(args + " --shard " + std::to_string(k) + "/3", f);
    files += " '" + f.string() + "'";
  }
  const auto r = run_cli("merge" + files + " -o '" + (d / "merged.json").string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(results_of(test::read_file(d / "merged.json")), results_of(whole));
  // Morris too.
  const std::string margs = "morris " + fixed_problem + "--trajectories 9000 --seed 2 --bootstrap 20";
  const auto mwhole = run_json(margs, d / "mwhole.json");
  files.clear();
  for (int k = 0; k < 2; ++k) {
    const auto f = d / ("mpart" + std::to_string(k) + ".json");
    run_json(margs + " --shard " + std::to_string(k) + "/2", f);
    files += " '" + f.string() + "'";
  }
  const auto mr = run_cli("merge" + files + " -o '" + (d / "mmerged.json").string() + "'");
  ASSERT_EQ(mr.code, 0) << mr.err;
  EXPECT_EQ(results_of(test::read_file(d / "mmerged.json")), results_of(mwhole));
  // A shard missing: refused.
  const auto gap = run_cli("merge '" + (d / "part0.json").string() + "' '" + (d / "part2.json").string() + "' -o '" +
                           (d / "gap.json").string() + "'");
  EXPECT_EQ(gap.code, 2) << gap.err;
}

TEST(SensitivityCli, CheckpointResumeEqualsTheUninterruptedRun) {
  test::temp_dir d;
  // Over two 2^18-point segments, a checkpoint after every one (--checkpoint-interval 0).
  const std::string args = sobol_args + "--n 600000 --seed 1 --bootstrap 0 --checkpoint-interval 0";
  const auto fresh = run_json(args, d / "fresh.json");
  const auto cp = d / "run.cp";
  // Interrupt a run as soon as its first checkpoint exists (or let it finish: either way resume must agree).
  test::write_file(d / "interrupt.sh",
                   "'" + test::binary_path() + "' " + args + " --checkpoint '" + cp.string() + "' --no-progress -o '" +
                       (d / "first.json").string() + "' 2>/dev/null &\npid=$!\n"
                       "while [ ! -s '" + cp.string() + "' ] && kill -0 $pid 2>/dev/null; do sleep 0.01; done\n"
                       "kill -INT $pid 2>/dev/null; wait $pid; exit 0\n");
  ASSERT_EQ(std::system(("bash '" + (d / "interrupt.sh").string() + "'").c_str()), 0);
  ASSERT_TRUE(std::filesystem::exists(cp));
  const auto resumed = run_json(args + " --checkpoint '" + cp.string() + "' --resume", d / "resumed.json");
  EXPECT_EQ(results_of(resumed), results_of(fresh));
  // Resuming from the complete run's checkpoint adds nothing.
  const auto again = run_json(args + " --checkpoint '" + cp.string() + "' --resume", d / "again.json");
  EXPECT_EQ(results_of(again), results_of(fresh));
  // A checkpoint of another analysis is refused.
  const auto other = run_cli(sobol_args + "--n 600000 --seed 2 --bootstrap 0 --checkpoint '" + cp.string() +
                             "' --resume --no-progress -o '" + (d / "other.json").string() + "'");
  EXPECT_EQ(other.code, 2) << other.err;
}

TEST(SensitivityCli, GrowthEqualsAFreshRunOfTheLargerN) {
  test::temp_dir d;
  for (const auto& [n, n2] : std::vector<std::pair<int, int>>{{5000, 10000}, {4096, 8192}, {777, 9001}}) {
    const std::string args = sobol_args + "--seed 5 --bootstrap 25";
    const auto cp = d / ("grow" + std::to_string(n) + ".cp");
    run_json(args + " --n " + std::to_string(n) + " --checkpoint '" + cp.string() + "'", d / "small.json");
    const auto grown = run_json(args + " --n " + std::to_string(n2) + " --checkpoint '" + cp.string() + "' --resume",
                                d / "grown.json");
    const auto fresh = run_json(args + " --n " + std::to_string(n2), d / "fresh.json");
    EXPECT_EQ(results_of(grown), results_of(fresh)) << n << " -> " << n2;
  }
  // Morris grows the same way.
  const std::string margs = "morris " + fixed_problem + "--seed 4 --bootstrap 10";
  const auto cp = d / "morris.cp";
  run_json(margs + " --trajectories 3000 --checkpoint '" + cp.string() + "'", d / "msmall.json");
  const auto grown = run_json(margs + " --trajectories 7000 --checkpoint '" + cp.string() + "' --resume", d / "mg.json");
  EXPECT_EQ(results_of(grown), results_of(run_json(margs + " --trajectories 7000", d / "mf.json")));
}

TEST(SensitivityCli, UntilConfStopsBelowTheTargetAndEqualsAFreshRun) {
  test::temp_dir d;
  const std::string args = "sobol " + sharing + "--metrics shared_expected --seed 2 --bootstrap 50";
  const auto grown = run_json(args + " --n 256 --until-conf 0.05", d / "until.json");
  const auto n_at = grown.find("\"n\": ");
  ASSERT_NE(n_at, std::string::npos);
  const int n = std::stoi(grown.substr(n_at + 5));
  EXPECT_GT(n, 256);  // it had to grow
  EXPECT_EQ(n % 256, 0);
  const auto conf = values_of(grown, "ST_conf");
  ASSERT_FALSE(conf.empty());
  for (double c : conf) EXPECT_LE(c, 0.05);
  const auto fresh = run_json(args + " --n " + std::to_string(n), d / "fresh.json");
  EXPECT_EQ(results_of(grown), results_of(fresh));
  // The fresh run of half that n does not reach the target (so it stopped at the first n that does).
  const auto half = run_json(args + " --n " + std::to_string(n / 2), d / "half.json");
  double widest = 0;
  for (double c : values_of(half, "ST_conf")) widest = std::max(widest, c);
  EXPECT_GT(widest, 0.05);
  // --max-n stops the growth (with a note on stderr), still exit 0.
  const auto capped = run_cli(args + " --n 256 --until-conf 1e-6 --max-n 1024 --no-progress -o '" +
                              (d / "capped.json").string() + "'");
  EXPECT_EQ(capped.code, 0) << capped.err;
  EXPECT_NE(capped.err.find("not reached"), std::string::npos) << capped.err;
  EXPECT_NE(test::read_file(d / "capped.json").find("\"n\": 1024"), std::string::npos);
}

TEST(SensitivityCli, BadUsageExitsTwoWithOneLine) {
  test::temp_dir d;
  test::write_file(d / "cp.txt", "not a checkpoint\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"sobol " + sharing, "--n"},
      {"sobol " + sharing + "--n 64 --bootstrap -1", "--bootstrap"},
      {"sobol " + sharing + "--n 64 --conf 1.5", "--conf"},
      {"sobol " + sharing + "--n 64 --resume", "--resume needs --checkpoint"},
      {"sobol " + sharing + "--n 64 --until-conf 0.1 --shard 0/2", "--until-conf"},
      {"sobol " + sharing + "--n 64 --metrics shared_expected,no_such_metric", "no_such_metric"},
      {"sobol " + sharing + "--n 64 --max-n 128", "--max-n"},
      {"sobol " + sharing + "--n 64 --checkpoint '" + (d / "cp.txt").string() + "' --resume", "checkpoint"},
      {"morris " + sharing + "--trajectories 10", "groups are not supported by coopgrid morris"},
      {"morris " + fixed_problem, "--trajectories"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_cli(args + " --no-progress -o '" + (d / "out.json").string() + "'");
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(d / "out.json")) << args;
  }
}

TEST(SensitivityCli, ReferenceAgreesWithCpu) {
  test::temp_dir d;
  for (const std::string& args : {sobol_args + "--n 300 --second-order --seed 6 --bootstrap 20",
                                  "morris " + fixed_problem + "--trajectories 200 --seed 6 --bootstrap 20"}) {
    const auto ref = run_json(args + " --backend reference", d / "ref.json");
    const auto cpu = run_json(args + " --backend cpu", d / "cpu.json");
    EXPECT_NE(ref.find("\"backend\": \"reference\""), std::string::npos);
    for (const char* key : {"S1", "ST", "ST_conf", "S2", "mu", "mu_star", "sigma"}) {
      const auto a = values_of(ref, key), b = values_of(cpu, key);
      ASSERT_EQ(a.size(), b.size()) << key;
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(b[i], a[i], 1e-9 * std::max(1.0, std::fabs(a[i]))) << args << " " << key << " " << i;
      }
    }
  }
}

TEST(SensitivityCli, TablesOnATerminalJsonElsewhere) {
  const auto r = run_cli(sobol_args + "--n 64 --bootstrap 10 --no-progress");  // stdout is a file: JSON
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{", 0), 0u) << r.out;
  for (const char* key : {"\"analysis\": \"sobol\"", "\"parameters\": [", "\"evaluations\": ", "\"S1_conf\"",
                          "\"merge_state\""}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace coopgrid
