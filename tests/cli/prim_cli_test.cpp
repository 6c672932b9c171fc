// End-to-end `coopgrid prim` (README, "Where do the outcomes happen: PRIM"): the
// grid path equals the grid's rows searched, designs search their rows, and bad
// options exit 2 with one line naming the flag. EMA Workbench's own PRIM on the
// same rows: python/tests/test_prim.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::run_cli;

using test::data;
const std::string small = "'" + data + "/grid_small.toml' ";

// The report without the lines that name how it was computed and how long it took.
std::string without_method(const std::string& json) {
  std::istringstream in(json);
  std::string line, out;
  while (std::getline(in, line)) {
    for (const char* key : {"\"method\"", "\"backend\"", "\"seconds\"", "\"passes\"", "\"bins\"", "\"bins_kept\""})
      if (line.find(key) != std::string::npos) line.clear();
    if (line.empty()) continue;
    out += line + "\n";
  }
  return out;
}

TEST(CliPrim, GridCountedBlockByBlockEqualsItsRowsSearched) {
  for (const std::string where : {"--where 'standards_p_any >= 0.5'",
                                  "--where 'shared_expected>=1000' --where 'exchange_total_log10 > 3'"}) {
    const auto grid = run_cli("prim " + small + where);
    const auto rows = run_cli("prim " + small + where + " --brute-force --backend cpu");
    ASSERT_EQ(grid.code, 0) << grid.err;
    ASSERT_EQ(rows.code, 0) << rows.err;
    EXPECT_NE(grid.out.find("\"method\": \"grid\""), std::string::npos);
    EXPECT_NE(rows.out.find("\"method\": \"rows\""), std::string::npos);
    EXPECT_EQ(without_method(grid.out), without_method(rows.out));
    EXPECT_NE(grid.out.find("\"threshold_met\": true"), std::string::npos) << grid.out;
  }
}

// A grid's axes have few values: streamed, its bins are the values and every
// row places them, so the search is EMA's exactly (host/prim/streamed.hpp).
TEST(CliPrim, GridRowsStreamedEqualTheGridPath) {
  const std::string where = "--where 'shared_expected>=1000' --where 'exchange_total_log10 > 3'";
  const auto grid = run_cli("prim " + small + where);
  const auto streamed = run_cli("prim " + small + where + " --brute-force --streamed --backend cpu");
  ASSERT_EQ(grid.code, 0) << grid.err;
  ASSERT_EQ(streamed.code, 0) << streamed.err;
  EXPECT_NE(streamed.out.find("\"method\": \"streamed\""), std::string::npos) << streamed.out;
  EXPECT_EQ(without_method(grid.out), without_method(streamed.out));
}

// Past --max-rows a design is streamed (not refused); --streamed asks for it at any size.
TEST(CliPrim, DesignPastMaxRowsIsStreamed) {
  const std::string design = "prim '" + data + "/problem_sharing.toml' --design lhs --n 3000 --seed 1 "
                             "--where 'shared_expected >= 3000' --json";
  const auto past = run_cli(design + " --max-rows 1000");
  const auto asked = run_cli(design + " --streamed");
  const auto coarse = run_cli(design + " --streamed --bins 16");
  const auto exact = run_cli(design);
  for (const auto* r : {&past, &asked, &coarse, &exact}) ASSERT_EQ(r->code, 0) << r->err;
  EXPECT_NE(past.out.find("\"method\": \"streamed\""), std::string::npos) << past.out;
  EXPECT_NE(past.out.find("\"bins\": 1000"), std::string::npos) << past.out;  // 3 rows a bin: 3000 > 1024 values
  EXPECT_NE(coarse.out.find("\"bins\": 16"), std::string::npos) << coarse.out;
  EXPECT_NE(exact.out.find("\"method\": \"rows\""), std::string::npos) << exact.out;
  EXPECT_EQ(without_method(past.out), without_method(asked.out));
  EXPECT_NE(without_method(coarse.out), without_method(asked.out));  // coarser cuts: another trajectory
  EXPECT_NE(past.out.find("\"scenarios\": 3000"), std::string::npos);
  const auto cases = exact.out.substr(exact.out.find("\"cases\": "), 20);
  EXPECT_NE(past.out.find(cases), std::string::npos) << cases;  // the same rows of interest
}

TEST(CliPrim, DesignRowsAndChosenInputs) {
  const auto r = run_cli("prim '" + data + "/problem_sharing.toml' --design lhs --n 2000 --seed 1 "
                         "--where 'shared_expected >= 3000' --inputs countries.datasets,countries.share_prob --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"inputs\": [\"countries.datasets\", \"countries.share_prob\"]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"scenarios\": 2000"), std::string::npos);
  EXPECT_NE(r.out.find("\"kind\": \"design\""), std::string::npos);
}

// A batch: its inputs are each scenario's list sizes and exchange scalars; its
// cases of interest are the scenarios run --reduce --where selects.
TEST(CliPrim, BatchListSizesAndScalars) {
  const std::string varied = "'" + data + "/varied' ";
  const auto r = run_cli("prim " + varied + "--where 'shared_expected >= 1000' --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"inputs\": [\"countries.count\", \"standards.count\", \"exchange.activities\", "
                       "\"exchange.countries_per_activity\", \"resources.count\", \"ethics.count\"]"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"kind\": \"batch\""), std::string::npos);
  EXPECT_NE(r.out.find("\"scenarios\": 300"), std::string::npos);
  const auto sel = run_cli("run " + varied + "--reduce --where 'shared_expected >= 1000' --json --backend cpu");
  ASSERT_EQ(sel.code, 0) << sel.err;
  const auto at = sel.out.find("\"selected\": ");
  ASSERT_NE(at, std::string::npos) << sel.out;
  const std::string selected = sel.out.substr(at + 12, sel.out.find_first_of(",\n", at) - at - 12);
  EXPECT_NE(r.out.find("\"cases\": " + selected + ","), std::string::npos) << selected << "\n" << r.out;
  const auto two = run_cli("prim " + varied + "--where 'shared_expected >= 1000' --inputs ethics.count,countries.count "
                           "--json");
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_NE(two.out.find("\"inputs\": [\"ethics.count\", \"countries.count\"]"), std::string::npos) << two.out;
  const auto streamed = run_cli("prim " + varied + "--where 'shared_expected >= 1000' --json --streamed");
  ASSERT_EQ(streamed.code, 0) << streamed.err;
  EXPECT_EQ(without_method(streamed.out), without_method(r.out));  // 300 rows: bins of single values
}

TEST(CliPrim, BadOptionsExit2NamingTheFlag) {
  struct bad {
    std::string args, message;
  };
  const bad cases[] = {
      {small, "--where is required"},
      {small + "--where 'shared_expected >= 1' --peel-alpha 0.5", "--peel-alpha must be in (0, 0.5) (got 0.5)"},
      {small + "--where 'shared_expected >= 1' --mass-min 2", "--mass-min must be in [0, 1] (got 2)"},
      {small + "--where 'shared_expected >= 1' --inputs nope", "--inputs: 'nope' is not an input of"},
      {small + "--where 'shared_expectd >= 1'", "unknown metric 'shared_expectd'"},
      {small + "--where 'shared_expected >= 1e300'", "no case of interest"},
      {"'" + data + "/cases' --where 'shared_expected >= 1' --inputs datasets", "--inputs: 'datasets' is not an input of"},
      {"'" + data + "/problem_sharing.toml' --design lhs --n 100 --where 'shared_expected >= 1' --max-rows 10 "
       "--exact",
       "more rows than --max-rows 10"},
      {small + "--where 'shared_expected >= 1' --brute-force --max-rows 10", "more rows than --max-rows 10"},
      {small + "--where 'shared_expected >= 1' --brute-force --streamed --exact", "--streamed and --exact"},
      {small + "--where 'shared_expected >= 1' --brute-force --streamed --bins 1", "--bins must be at least 2"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli("prim " + c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(r.err.find("coopgrid: error: "), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace coopgrid
