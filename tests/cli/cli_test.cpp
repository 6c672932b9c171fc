// End-to-end: the coopgrid binary on the files in data/ and on bad input.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

#include "tests/support/bad_inputs.hpp"
#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using result = test::cli_result;
using test::run_cli;

using test::data;

TEST(Cli, HelpEverywhere) {
  for (const char* sub : {"", "run ", "compare ", "validate ", "info "}) {
    const auto r = run_cli(std::string(sub) + "--help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
  const auto r = run_cli("run --help");
  EXPECT_NE(r.out.find("--reduce"), std::string::npos);
  EXPECT_NE(r.out.find("shared_expected"), std::string::npos);  // metric names are listed
}

TEST(Cli, DocumentCasesGoldenValues) {
  const auto r = run_cli("run " + data + "/cases --backend cpu");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "scenario,datasets_total,shared_expected,shared_variance,shared_quota,standards_difficulty,"
            "standards_p_any,standards_p_all,standards_expected,standards_constrained,"
            "exchange_effect_log10,exchange_total_log10,resources_shared,ethics_difficulty,"
            "ethics_q_any,ethics_q_all");
  // Parse the rows back and check every golden value of MODEL.md section 3.
  std::map<std::string, std::vector<double>> rows;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, v;
    std::getline(fields, id, ',');
    while (std::getline(fields, v, ',')) rows[id].push_back(std::stod(v));
  }
  ASSERT_EQ(rows.size(), 5u);
  struct golden { const char* id; metric m; double value; };
  const golden goldens[] = {
      {"data_sharing", metric::shared_expected, 8000},
      {"data_sharing", metric::shared_variance, 1600},
      {"data_sharing", metric::shared_quota, 8000},
      {"standards", metric::standards_difficulty, 0.3},
      {"standards", metric::standards_p_any, 0.11453250670444388},
      {"standards", metric::standards_p_all, 6.2738772972990977e-5},
      {"standards", metric::standards_expected, 0.11920649762334581},
      {"standards", metric::standards_constrained, 3},
      {"exchange", metric::exchange_effect_log10, 5},
      {"exchange", metric::exchange_total_log10, 15},
      {"resources", metric::resources_shared, 2.5},
      {"ethics", metric::ethics_difficulty, 0.4},
      {"ethics", metric::ethics_q_any, 0.24214171674480096},
      {"ethics", metric::ethics_q_all, 0.016757156662950763},
  };
  for (const auto& g : goldens) {
    const double got = rows[g.id].at(static_cast<std::size_t>(g.m));
    EXPECT_NEAR(got, g.value, 1e-15 * g.value) << g.id << " " << metric_names[static_cast<int>(g.m)];
  }
}

TEST(Cli, CompareAgreesOnEveryDataInput) {
  for (const char* input : {"cases", "varied", "grid_small.toml", "grid_edges.toml"}) {
    for (const char* p : {"f64", "f32"}) {
      const auto r = run_cli("compare " + data + "/" + input + " --backend cpu --precision " + p +
                             " --sample 200000");
      EXPECT_EQ(r.code, 0) << input << " " << p << "\n" << r.out << r.err;
      EXPECT_NE(r.out.find("all " + std::to_string(num_metrics) + " metrics agree"), std::string::npos) << r.out;
    }
  }
}

TEST(Cli, MetricsSubsetAndGridAxisColumns) {
  const auto r = run_cli("run " + data + "/grid_small.toml --metrics shared_expected,exchange_total_log10");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto header = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(header.find("scenario,countries.count,"), 0u) << header;
  EXPECT_NE(header.find(",shared_expected,exchange_total_log10"), std::string::npos) << header;
  EXPECT_NE(r.out.find("-inf"), std::string::npos);  // T = 0 with G > 0 is in this grid
}

TEST(Cli, ReduceWritesJsonAtomically) {
  test::temp_dir d;
  const auto out = d / "summary.json";
  const auto r = run_cli("run " + data + "/grid_small.toml --reduce --where 'shared_expected>=1' "
                         "--top 3 --by shared_expected --histogram standards_p_any:4 -o " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto js = test::read_file(out);
  for (const char* key : {"\"scenarios\":", "\"selected\":", "\"argmin\":", "\"mean\":", "\"top\":",
                          "\"histogram\":", "\"axes\":", "\"where\": [\"shared_expected>=1\"]"}) {
    EXPECT_NE(js.find(key), std::string::npos) << key << "\n" << js;
  }
}

TEST(Cli, JsonIsTheReduceReport) {
  test::temp_dir d;
  const std::string run = "run " + data + "/grid_small.toml --reduce --top 2 --by shared_expected --no-progress ";
  ASSERT_EQ(run_cli(run + "-o " + (d / "plain.json").string()).code, 0);
  const auto r = run_cli(run + "--json -o " + (d / "json.json").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::read_file(d / "json.json"), test::read_file(d / "plain.json"));
  const auto bad = run_cli("run " + data + "/cases --json");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "coopgrid: error: --json needs --reduce\n");
  EXPECT_TRUE(bad.out.empty()) << bad.out;
}

// The cpu backend reduces grids factorized; --brute-force folds every scenario.
// The reports agree (the means too, on these grids) up to the merge state,
// whose exact sums differ on the second grid: brute force rounds once per
// reduction unit (so --brute-force is seen to take the element-wise path).
TEST(Cli, BruteForceReportEqualsFactorized) {
  test::temp_dir d;
  test::write_file(d / "g.toml", R"([countries]
count = { range = [1, 7] }
datasets = { linspace = [0.1, 3.3, 7] }
share_prob = 0.3
[standards]
count = { range = [1, 50] }
difficulty = { linspace = [0, 5, 100] }
[exchange]
activities = 10
countries_per_activity = 5
[resources]
count = 5
share_prob = 0.5
[ethics]
count = 2
difficulty = 0.2
)");
  const std::string opts = " --reduce --json --backend cpu --no-progress --where 'standards_p_any>=0.2' "
                           "--top 9 --by exchange_total_log10 --histogram shared_expected:5 ";
  for (const std::string& input : {data + "/grid_small.toml", (d / "g.toml").string()}) {
    for (const char* prec : {"f64", "f32"}) {
      const std::string run = "run " + input + opts + "--precision " + prec + " ";
      ASSERT_EQ(run_cli(run + "-o " + (d / "f.json").string()).code, 0);
      const auto r = run_cli(run + "--brute-force -o " + (d / "b.json").string());
      ASSERT_EQ(r.code, 0) << r.err;
      const auto f = test::read_file(d / "f.json"), b = test::read_file(d / "b.json");
      const auto cut = f.find("\"merge_state\"");
      ASSERT_NE(cut, std::string::npos);
      ASSERT_NE(f.find("\"histogram\""), std::string::npos);
      EXPECT_EQ(f.substr(0, cut), b.substr(0, cut)) << input << " " << prec;
      if (input != data + "/grid_small.toml" && std::string(prec) == "f64") {
        EXPECT_NE(f, b);
      }
    }
    // compare checks the factorized reduction on every sample window of a grid.
    const auto c = run_cli("compare " + input + " --backend cpu --sample 5000");
    EXPECT_EQ(c.code, 0) << c.out << c.err;
    EXPECT_NE(c.out.find("factorized grid reduction: equals the element-wise fold on "), std::string::npos) << c.out;
  }
}

// Option combinations refused through the binary: exit 2 and one line (the
// messages themselves are checked against validate() in tests/host/commands).
TEST(Cli, RefusedCombinationsExitTwo) {
  const std::string cases = "run " + data + "/cases ";
  const std::pair<std::string, const char*> refused[] = {
      {cases + "--histogram shared_expected:4", "--where, --top and --histogram need --reduce"},
      {cases + "--reduce --by shared_expected", "--by needs --top K"},
      {cases + "--checkpoint x.ckpt", "--checkpoint needs --reduce"},
      {cases + "--reduce --checkpoint x.ckpt --histogram shared_expected:4",
       "--checkpoint with --histogram needs an explicit range"},
      {cases + "--backend cpu --devices 0", "--devices applies to the cuda backend"},
      {cases + "--backend reference --precision f32", "the reference backend computes in long double"},
      {cases + "--reduce --histogram shared_expected:0", "--histogram 'shared_expected:0': BINS must be"},
      {cases + "--shard 2/2", "--shard '2/2': expected K/N"},
      {"compare " + data + "/cases --backend reference --precision f32", "the reference backend computes"},
  };
  for (const auto& [args, message] : refused) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_EQ(r.err.find(std::string("coopgrid: error: ") + message), 0u) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(Cli, RowsBeyondTheDefaultLimitNeedMaxRows) {
  test::temp_dir d;
  const auto out = (d / "rows.csv").string();
  // The main job without --reduce: 8.64e7 rows (24.6 GB of CSV) are refused before any is written.
  auto r = run_cli("run " + data + "/grid_main.toml --no-progress -o " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.find("coopgrid: error: " + data + "/grid_main.toml: 86400000 scenarios of CSV rows is more "
                       "than 10000000 without --max-rows; use --reduce for a summary, or --max-rows N"),
            0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  // An explicit --max-rows is the limit, either way.
  r = run_cli("run " + data + "/grid_small.toml --no-progress --max-rows 100 -o " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.find("coopgrid: error: " + data + "/grid_small.toml: 9720 scenarios is more than --max-rows 100"),
            0u)
      << r.err;
  r = run_cli("run " + data + "/grid_small.toml --no-progress --max-rows 9720 -o " + out);
  EXPECT_EQ(r.code, 0) << r.err;
  // Under the default limit, to a file or a pipe: no --max-rows needed.
  r = run_cli("run " + data + "/grid_small.toml --no-progress --metrics shared_expected");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 9721);
}

TEST(Cli, RowsToATerminalBeyondAScreenfulNeedMaxRows) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) is not installed";
  test::temp_dir d;
  const auto log = d / "typescript";
  // script(1) runs the command with a terminal as its stdout and stderr; -e: the command's exit status.
  const auto in_terminal = [&](const std::string& args) {
    const std::string cmd = "'" + test::binary_path() + "' run " + data + "/grid_small.toml --no-progress " + args;
    const int status =
        std::system(("script -qec \"" + cmd + "\" '" + log.string() + "' </dev/null >/dev/null 2>&1").c_str());
    return std::pair<int, std::string>{WIFEXITED(status) ? WEXITSTATUS(status) : -1, test::read_file(log)};
  };
  auto [code, text] = in_terminal("");
  EXPECT_EQ(code, 2) << text;
  EXPECT_NE(text.find("coopgrid: error: " + data + "/grid_small.toml: 9720 scenarios of CSV rows to a terminal "
                      "(more than 50 without --max-rows); use --reduce for a summary, -o FILE, or --max-rows N"),
            std::string::npos)
      << text;
  std::tie(code, text) = in_terminal("--max-rows 9720 --metrics shared_expected");
  EXPECT_EQ(code, 0) << text;
  std::tie(code, text) = in_terminal("--reduce --top 2 --by shared_expected");
  EXPECT_EQ(code, 0) << text;
}

TEST(Cli, BadInputExitsTwoWithOneLine) {
  test::temp_dir d;
  test::write_file(d / "b/scenarios.csv", "scenario,activities,countries_per_activity\na,1,1\n");
  test::write_file(d / "b/countries.csv", "scenario,datasets,share_prob\na,5,1.5\n");
  const auto r = run_cli("run " + (d / "b").string() + " -o " + (d / "out.csv").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("countries.csv:2: column 'share_prob': value '1.5' is not a probability in [0, 1]"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.csv"));

  test::write_file(d / "g.toml", "[standards]\ncount = 2.5\n");
  const auto g = run_cli("validate " + (d / "g.toml").string());
  EXPECT_EQ(g.code, 2);
  EXPECT_NE(g.err.find("g.toml:2:9: standards.count: value 2.5 is not an integer"), std::string::npos) << g.err;

  EXPECT_EQ(run_cli("run " + data + "/cases --precision f16").code, 2);
  EXPECT_EQ(run_cli("run " + data + "/cases --top 3").code, 2);
  EXPECT_EQ(run_cli("run " + data + "/cases --reduce --top 3").code, 2);  // --by missing
  EXPECT_EQ(run_cli("run " + data + "/cases --reduce --where 'foo>=1'").code, 2);
  EXPECT_EQ(run_cli("run /nonexistent").code, 2);
  EXPECT_EQ(run_cli("run " + data + "/grid_big.toml").code, 2);  // too many rows without --reduce
}

// Every bad input of the parser tables, through the binary: exit 2, one line
// on stderr naming the location and the rule, nothing on stdout.
class CliBadBatch : public ::testing::TestWithParam<test::bad_case> {};
TEST_P(CliBadBatch, ExitsTwoWithTheMessage) {
  const auto& c = GetParam();
  test::temp_dir d;
  test::write_file(d / "b/scenarios.csv", test::good_scenarios);
  test::write_file(d / "b" / c.file, c.text);
  const auto r = run_cli("validate '" + (d / "b").string() + "'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}
INSTANTIATE_TEST_SUITE_P(Table, CliBadBatch, ::testing::ValuesIn(test::bad_cases),
                         [](const auto& info) { return std::string(info.param.name); });

class CliBadGrid : public ::testing::TestWithParam<test::bad_grid> {};
TEST_P(CliBadGrid, ExitsTwoWithTheMessage) {
  const auto& c = GetParam();
  test::temp_dir d;
  test::write_file(d / "bad.toml", c.text);
  const auto r = run_cli("run '" + (d / "bad.toml").string() + "' -o '" + (d / "out.csv").string() + "'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.csv"));
}
INSTANTIATE_TEST_SUITE_P(Table, CliBadGrid, ::testing::ValuesIn(test::bad_grids),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Cli, WriteFailureIsReportedAndLeavesNoFile) {
  test::temp_dir d;
  // A 4 KiB file-size limit makes the write fail (EFBIG) part-way through.
  const auto r = run_cli("run " + data + "/grid_small.toml -o " + (d / "out.csv").string(),
                         "trap '' XFSZ; ulimit -f 4; ");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("write failed"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.csv"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path()), {}), 0);
}

TEST(Cli, CudaWithoutDeviceIsAClearRuntimeError) {
  const auto info = run_cli("info");
  ASSERT_EQ(info.code, 0);
  if (info.out.find("cuda devices:\n") != std::string::npos) GTEST_SKIP() << "a CUDA device is present";
  const auto r = run_cli("run " + data + "/cases --backend cuda");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cuda"), std::string::npos) << r.err;
}

TEST(Cli, ValidatePrintsCounts) {
  const auto r = run_cli("validate " + data + "/grid_big.toml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("scenarios"), std::string::npos);
  const auto b = run_cli("validate " + data + "/cases");
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(b.out.find("5 scenarios"), std::string::npos) << b.out;
}

TEST(Cli, ValidateParsesALargeCsvBatchOnAnyThreadsAlike) {
  // Over 1 MiB, so the default sizes split it into parallel chunks.
  test::temp_dir d;
  std::string sc = "scenario,activities,countries_per_activity\n";
  for (int k = 0; k < 90000; ++k) sc += "s" + std::to_string(k) + "," + std::to_string(k) + ".5,3\n";
  ASSERT_GT(sc.size(), std::size_t{1} << 20);
  test::write_file(d / "b/scenarios.csv", sc);
  const auto one = run_cli("validate --threads 1 '" + (d / "b").string() + "'");
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_NE(one.out.find("90,000 scenarios"), std::string::npos) << one.out;
  for (const char* t : {"2", "3", "0"}) {
    const auto r = run_cli("validate --threads " + std::string(t) + " '" + (d / "b").string() + "'");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, one.out) << t << " threads";
  }
  // Two bad records far apart: every thread count names the first.
  sc.replace(sc.find("\ns60000,60000.5,3\n"), 18, "\ns60000,-1,3\n");
  sc.replace(sc.find("\ns80000,80000.5,3\n"), 18, "\ns80000,x,3\n");
  test::write_file(d / "b/scenarios.csv", sc);
  for (const char* t : {"1", "2", "3"}) {
    const auto r = run_cli("validate --threads " + std::string(t) + " '" + (d / "b").string() + "'");
    EXPECT_EQ(r.code, 2) << t << " threads";
    EXPECT_EQ(r.err, "coopgrid: error: " + (d / "b/scenarios.csv").string() +
                         ":60002: column 'activities': value '-1' is negative (must be >= 0)\n")
        << t << " threads";
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace coopgrid

namespace coopgrid {
namespace {

/// Starts coopgrid ARGS in the background, waits until `marker` exists, sends
/// `signal`, and returns the exit code.
int run_and_signal(const std::string& args, const std::filesystem::path& marker, const char* signal) {
  test::temp_dir d;
  const auto script = d / "kill.sh";
  test::write_file(script, "'" + test::binary_path() + "' " + args + " 2>/dev/null &\npid=$!\n"
                           "for i in $(seq 1 3000); do compgen -G '" + marker.string() + "' >/dev/null && break; sleep 0.01; done\n"
                           "kill -" + signal + " $pid\nwait $pid\nexit $?\n");
  const int status = std::system(("bash '" + script.string() + "'").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The temporary file of a run writing `final_name` in `dir` (".NAME.tmp-PID").
bool has_temp_file(const std::filesystem::path& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

TEST(CliSignals, InterruptLeavesNoPartialOutput) {
  for (auto [sig, code] : {std::pair<const char*, int>{"INT", 130}, {"TERM", 143}}) {
    test::temp_dir d;
    // 86.4 million CSV rows take minutes: the signal lands mid-write. --backend cpu: the
    // test is the signal's, and auto would move it to a device (where present) and its timing.
    const auto out = d / "rows.csv";
    // The temporary name carries the PID: wait for any file to appear in d.
    const int rc = run_and_signal("run " + data + "/grid_main.toml --backend cpu --no-progress --max-rows 100000000 -o '" +
                                      out.string() + "'",
                                  d.path() / ("." + out.filename().string() + ".tmp-*"), sig);
    EXPECT_EQ(rc, code) << sig;
    EXPECT_FALSE(std::filesystem::exists(out)) << sig;
    EXPECT_FALSE(has_temp_file(d.path())) << sig;
  }
}

TEST(CliCheckpoint, KilledRunResumesToTheUninterruptedResult) {
  test::temp_dir d;
  // grid_main.toml at 0.4 of its size (3.456e7 scenarios, segments of 2^24: a
  // checkpoint after the first, two more to go): under ASan the whole grid made
  // this the suite's longest test (162 s of 380). The killed run uses one
  // thread, so the signal lands mid-run; the others use the default (the
  // result does not depend on the thread count).
  test::write_file(d / "grid.toml",
                   "[countries]\ncount = { range = [1, 100] }\ndatasets = { logspace = [2, 6, 9] }\n"
                   "share_prob = { linspace = [0, 1, 8] }\n[standards]\ncount = { range = [1, 50, 7] }\n"
                   "difficulty = { linspace = [0, 5, 30] }\n[exchange]\nactivities = { linspace = [0, 20, 20] }\n"
                   "countries_per_activity = 5\n[resources]\ncount = 5\nshare_prob = 0.5\n"
                   "[ethics]\ncount = 2\ndifficulty = 0.2\n");
  // --brute-force: the factorized reduction of this grid ends before a signal could land.
  // --backend cpu: auto picks cuda where a device is present, whose fused reduction of these
  // scenarios may end before the signal does.
  const std::string common = "run '" + (d / "grid.toml").string() + "' --reduce --where 'standards_p_any>=0.3' "
                             "--top 20 --by shared_variance --histogram ethics_q_any:8:0:1 --no-progress "
                             "--brute-force --backend cpu ";
  const auto whole = run_cli(common + "-o '" + (d / "whole.json").string() + "'");
  ASSERT_EQ(whole.code, 0) << whole.err;
  const auto cp = d / "state.ckpt";
  const int rc = run_and_signal(common + "--threads 1 --checkpoint '" + cp.string() + "' --checkpoint-interval 0 -o '" +
                                    (d / "resumed.json").string() + "'",
                                cp, "TERM");
  ASSERT_EQ(rc, 143) << "the run finished before the signal; the grid is too small for this test";
  ASSERT_TRUE(std::filesystem::exists(cp));
  EXPECT_FALSE(std::filesystem::exists(d / "resumed.json"));
  const auto resumed = run_cli(common + "--checkpoint '" + cp.string() + "' --resume -o '" +
                               (d / "resumed.json").string() + "'");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(test::read_file(d / "resumed.json"), test::read_file(d / "whole.json"));

  // A checkpoint of another reduction is refused.
  const auto other = run_cli("run " + data + "/grid_main.toml --reduce --checkpoint '" + cp.string() +
                             "' --resume -o '" + (d / "x.json").string() + "'");
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("was written for another input"), std::string::npos) << other.err;
  EXPECT_EQ(run_cli("run " + data + "/cases --reduce --resume").code, 2);
}


/// The "marginals" member of a JSON report (up to the merge state).
std::string marginals_member(const std::string& json) {
  const auto at = json.find("\"marginals\"");
  const auto end = json.find("\"merge_state\"");
  if (at == std::string::npos || end == std::string::npos) return "";
  return json.substr(at, end - at);
}

TEST(CliMarginal, FactorizedBruteForceShardsAndResumeAgree) {
  test::temp_dir d;
  const std::string common = "run " + data + "/grid_small.toml --reduce --json --no-progress "
                             "--where 'standards_p_any>=0.1' --marginal countries.count "
                             "--marginal standards.count,exchange.activities --marginal exchange.activities,countries.share_prob ";
  const auto whole = run_cli(common + "--backend cpu");
  ASSERT_EQ(whole.code, 0) << whole.err;
  const auto want = marginals_member(whole.out);
  ASSERT_NE(want, "");
  EXPECT_NE(want.find("\"values\": [0, 5, 10, 15, 20]"), std::string::npos) << want;
  // Exact sums: the scenario-by-scenario fold gives the same digits, on every backend that computes in double alike.
  const auto brute = run_cli(common + "--backend cpu --brute-force --threads 2");
  ASSERT_EQ(brute.code, 0) << brute.err;
  EXPECT_EQ(marginals_member(brute.out), want);
  const auto ref = run_cli(common + "--backend reference");
  ASSERT_EQ(ref.code, 0) << ref.err;
  EXPECT_NE(marginals_member(ref.out), "");

  // Shards merged: the whole run's marginals.
  std::string files;
  for (int k = 0; k < 3; ++k) {
    const auto part = d / ("part" + std::to_string(k) + ".json");
    const auto r = run_cli(common + "--backend cpu --shard " + std::to_string(k) + "/3 -o '" + part.string() + "'");
    ASSERT_EQ(r.code, 0) << r.err;
    files += " '" + part.string() + "'";
  }
  const auto merged = run_cli("merge" + files);
  ASSERT_EQ(merged.code, 0) << merged.err;
  EXPECT_EQ(marginals_member(merged.out), want);

  // Resumed from the checkpoint: the marginals come back from it.
  const auto cp = d / "state.ckpt";
  ASSERT_EQ(run_cli(common + "--backend cpu --brute-force --checkpoint '" + cp.string() + "'").code, 0);
  EXPECT_NE(test::read_file(cp).find("marginals 3"), std::string::npos);
  const auto resumed = run_cli(common + "--backend cpu --brute-force --checkpoint '" + cp.string() + "' --resume");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(marginals_member(resumed.out), want);
  // Another marginal: another fingerprint, the checkpoint is refused.
  const auto other = run_cli("run " + data + "/grid_small.toml --reduce --no-progress --where 'standards_p_any>=0.1' "
                             "--marginal countries.count --brute-force --checkpoint '" + cp.string() + "' --resume");
  EXPECT_EQ(other.code, 2) << other.err;
}

TEST(CliMarginal, CsvParsesBack) {
  test::temp_dir d;
  const auto csv = d / "m.csv";
  const auto r = run_cli("run " + data + "/varied --reduce --json --no-progress --metrics shared_expected,ethics_q_any "
                         "--marginal activities:4 --marginal activities:2,countries_per_activity:3 "
                         "--marginal-csv '" + csv.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"edges\": ["), std::string::npos);
  std::istringstream in(test::read_file(csv));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "marginal,activities,countries_per_activity,metric,count,min,max,mean,sd");
  int rows = 0;
  long long total_one_axis = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    if (line.back() == ',') f.push_back("");
    ASSERT_GE(f.size(), 5u) << line;
    if (line.rfind("\"activities:2,countries_per_activity:3\",", 0) == 0) {
      ASSERT_EQ(f.size(), 10u) << line;  // the name is quoted: it holds a comma
      continue;
    }
    ASSERT_EQ(f[0], "activities:4") << line;
    ASSERT_EQ(f.size(), 9u) << line;
    EXPECT_EQ(f[2], "");  // not an axis of this marginal
    const long long count = std::stoll(f[4]);
    if (f[3] == "shared_expected") total_one_axis += count;
    if (count > 0) {
      EXPECT_LE(std::stod(f[5]), std::stod(f[7])) << line;
      EXPECT_LE(std::stod(f[7]), std::stod(f[6])) << line;
      EXPECT_GE(std::stod(f[8]), 0) << line;  // sd
      EXPECT_LE(std::stod(f[8]), std::stod(f[6]) - std::stod(f[5])) << line;
    }
  }
  EXPECT_EQ(rows, 4 * 2 + 6 * 2);
  EXPECT_EQ(total_one_axis, 300);
}

// merge --marginal-csv: the shards' marginals merged give the very bytes of
// the unsharded run's --marginal-csv (a grid factorized, a design binned over
// its declared ranges); inputs without marginals are refused.
TEST(CliMarginal, MergedShardsWriteTheRunsCsv) {
  test::temp_dir d;
  const std::string problem = data + "/problem_sharing.toml --design lhs --n 3000 --seed 2 ";
  const std::pair<std::string, std::string> runs[] = {
      {"grid", data + "/grid_small.toml --where 'standards_p_any>=0.1' --marginal countries.count "
                      "--marginal standards.count,exchange.activities "},
      {"design", problem + "--marginal countries.share_prob:5 --marginal standards.count:3,exchange.activities:4 "}};
  for (const auto& [name, args] : runs) {
    SCOPED_TRACE(name);
    const std::string common = "run " + args + "--reduce --json --no-progress --backend cpu ";
    const auto whole_csv = d / (name + "-whole.csv");
    const auto whole = run_cli(common + "--marginal-csv '" + whole_csv.string() + "' -o /dev/null");
    ASSERT_EQ(whole.code, 0) << whole.err;
    std::string files;
    for (int k = 0; k < 3; ++k) {
      const auto part = d / (name + std::to_string(k) + ".json");
      const auto r = run_cli(common + "--shard " + std::to_string(k) + "/3 -o '" + part.string() + "'");
      ASSERT_EQ(r.code, 0) << r.err;
      files += " '" + part.string() + "'";
    }
    const auto merged_csv = d / (name + "-merged.csv");
    const auto merged = run_cli("merge" + files + " --marginal-csv '" + merged_csv.string() + "' -o '" +
                                (d / (name + "-merged.json")).string() + "'");
    ASSERT_EQ(merged.code, 0) << merged.err;
    const auto want = test::read_file(whole_csv);
    EXPECT_EQ(want.rfind("marginal,", 0), 0u) << want.substr(0, 200);  // the header
    EXPECT_GT(std::count(want.begin(), want.end(), '\n'), 10);
    EXPECT_EQ(test::read_file(merged_csv), want);
  }
  // Without marginals: refused, no CSV written.
  const auto plain = d / "plain.json";
  ASSERT_EQ(run_cli("run " + data + "/grid_small.toml --reduce --json --no-progress -o '" + plain.string() + "'").code, 0);
  const auto none = d / "none.csv";
  const auto r = run_cli("merge '" + plain.string() + "' --marginal-csv '" + none.string() + "' -o /dev/null");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("carries no marginals (run it with --marginal)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(none));
}

// compare --marginal: the backend's marginals of the compared scenarios (the
// cpu's factorized on a grid) against the reference's, in both precisions.
TEST(CliMarginal, CompareChecksMarginals) {
  const std::pair<std::string, std::string> cases[] = {
      {data + "/grid_small.toml --marginal countries.count --marginal standards.count,exchange.activities",
       "marginal standards.count,exchange.activities: "},
      {data + "/varied --marginal activities:4", "marginal activities:4: "},
      {data + "/problem_sharing.toml --design lhs --n 2000 --seed 2 --marginal countries.share_prob:5",
       "marginal countries.share_prob:5: "}};
  for (const auto& [args, says] : cases) {
    for (const char* p : {"f64", "f32"}) {
      const auto r = run_cli("compare " + args + " --backend cpu --sample 20000 --precision " + p);
      EXPECT_EQ(r.code, 0) << args << " " << p << "\n" << r.out << r.err;
      const auto at = r.out.find(says);
      ASSERT_NE(at, std::string::npos) << r.out;
      EXPECT_EQ(r.out.find("cell metrics agree", at), r.out.find('\n', at) - std::string("cell metrics agree").size())
          << r.out;
      EXPECT_EQ(r.out.find("DISAGREE"), std::string::npos) << r.out;
    }
  }
  const auto bad = run_cli("compare " + data + "/grid_small.toml --backend cpu --marginal nope");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("'nope' is not an axis of this grid"), std::string::npos) << bad.err;
}

TEST(CliMarginal, BadOptionsExit2WithOneLine) {
  const std::string grid = "run " + data + "/grid_small.toml ";
  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{
           {grid + "--reduce --marginal nope", "--marginal 'nope': 'nope' is not an axis of this grid (known: "},
           {grid + "--reduce --marginal countries.count:4", "drop ':4'"},
           {grid + "--reduce --marginal a,b,c", "at most two axes"},
           {"run " + data + "/varied --reduce --marginal activities:0", "BINS '0' must be an integer in [1, 65536]"},
           {"run " + data + "/varied --reduce --marginal activities", "give activities:BINS"},
           {grid + "--marginal countries.count", "--marginal needs --reduce"},
           {grid + "--reduce --marginal-csv x.csv", "--marginal-csv x.csv: needs --marginal"}}) {
    const auto r = run_cli(args + " -o /dev/null");
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace coopgrid
