// Scale-out: shards tile the input, merge(shards) == the unsharded run to the
// byte, and several backends in one process give one backend's bits.
#include "host/backends/cpu_backend.hpp"
#include "host/util/errors.hpp"
#include "host/backends/multi_backend.hpp"
#include "host/reduce/report.hpp"
#include "host/commands/merge.hpp"
#include "host/commands/run_reduce.hpp"
#include "host/commands/run.hpp"
#include "host/io/load_source.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

TEST(Shards, TileTheInputOnUnitBoundaries) {
  for (index_t n : {index_t{1}, reduce_unit - 1, reduce_unit, 5 * reduce_unit + 3, index_t{1} << 40}) {
    for (index_t parts : {1, 2, 3, 7, 64}) {
      index_t expect_lo = 0;
      for (index_t k = 0; k < parts; ++k) {
        const auto [lo, hi] = shard_range(n, {k, parts});
        EXPECT_EQ(lo, expect_lo) << n << " " << k << "/" << parts;
        EXPECT_LE(lo, hi);
        EXPECT_TRUE(lo % reduce_unit == 0 || lo == n);
        expect_lo = hi;
      }
      EXPECT_EQ(expect_lo, n);
    }
  }
}

struct merge_case {
  const char* name;
  bool grid;
};

class MergeEqualsUnsharded : public ::testing::TestWithParam<merge_case> {};

TEST_P(MergeEqualsUnsharded, ForSeveralShardCounts) {
  test::temp_dir d;
  source src;
  if (GetParam().grid) {
    src.path = (d / "g.toml").string();
    test::write_file(d / "g.toml", R"(
[countries]
count = { range = [1, 16] }
datasets = { logspace = [0, 6, 8] }
share_prob = { linspace = [0, 1, 9] }
[standards]
count = { range = [0, 9] }
difficulty = { linspace = [0, 3, 5] }
[exchange]
activities = { values = [0, 5] }
countries_per_activity = { values = [0, 3] }
)");
    src = load_source(d / "g.toml");
  } else {
    test::write_batch_dir(d / "b", test::random_specs(2 * static_cast<std::size_t>(reduce_unit) + 99, 5, 6));
    src = load_source(d / "b");
  }
  for (precision prec : {precision::f64, precision::f32}) {
    run_options opt;
    opt.backend = backend_kind::cpu;
    opt.prec = prec;
    opt.reduce = true;
    opt.where = {parse_filter("shared_expected>=1")};
    opt.top = 9;
    opt.by = static_cast<int>(metric::standards_expected);
    opt.histogram = histogram_option{static_cast<int>(metric::standards_p_any), 5, true, 0, 1};
    opt.output = (d / "whole.json").string();
    run_reduce(src, opt);
    run_options rows = opt;
    rows.reduce = false;
    rows.output = (d / "whole.csv").string();
    run_rows(src, rows);
    for (index_t parts : {1, 2, 3, 5}) {
      std::vector<std::string> jsons, csvs;
      for (index_t k = parts - 1; k >= 0; --k) {  // reports in any order
        opt.shard = {k, parts};
        opt.output = (d / ("s" + std::to_string(k) + ".json")).string();
        run_reduce(src, opt);
        jsons.push_back(opt.output);
      }
      merge_command({jsons, "", (d / "merged.json").string(), ""});
      EXPECT_EQ(test::read_file(d / "merged.json"), test::read_file(d / "whole.json")) << parts;
      // Rows for one shard count per precision (5: empty and partial shards; 3: first, middle,
      // last): each CSV pass writes the whole input again (the grid case took 208 s of the
      // ASan suite with all four counts, 68 s so; 12.5 -> 4.3 s in Release).
      if (parts != (prec == precision::f64 ? 5 : 3)) continue;
      for (index_t k = 0; k < parts; ++k) {  // CSVs in shard order
        rows.shard = {k, parts};
        rows.output = (d / ("s" + std::to_string(k) + ".csv")).string();
        run_rows(src, rows);
        csvs.push_back(rows.output);
      }
      merge_command({csvs, "", (d / "merged.csv").string(), ""});
      EXPECT_EQ(test::read_file(d / "merged.csv"), test::read_file(d / "whole.csv")) << parts;
    }
    opt.shard = {0, 1};
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, MergeEqualsUnsharded,
                         ::testing::Values(merge_case{"Grid", true}, merge_case{"Batch", false}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Merge, RefusesIncompleteOrMixedShards) {
  test::temp_dir d;
  const auto src = load_source(test::data_dir() + "/grid_small.toml");
  run_options opt;
  opt.backend = backend_kind::cpu;
  opt.reduce = true;
  auto shard = [&](index_t k, index_t n, const std::string& name) {
    opt.shard = {k, n};
    opt.output = (d / name).string();
    run_reduce(src, opt);
    return opt.output;
  };
  // grid_small has 5,400 scenarios: one unit, so shard 0/2 holds it all and 1/2 is empty.
  const auto a = shard(0, 2, "a.json"), b = shard(1, 2, "b.json");
  EXPECT_NO_THROW(merge_command({{a, b}, "", (d / "ok.json").string(), ""}));
  EXPECT_THROW(merge_command({{a}, "", (d / "x.json").string(), ""}), usage_error);     // 1/2 missing
  EXPECT_THROW(merge_command({{a, a}, "", (d / "x.json").string(), ""}), usage_error);  // given twice
  opt.prec = precision::f32;
  const auto c = shard(1, 2, "c.json");
  EXPECT_THROW(merge_command({{a, c}, "", (d / "x.json").string(), ""}), usage_error);  // another precision
  EXPECT_THROW(merge_command({{a, b}, test::data_dir() + "/grid_edges.toml", (d / "x.json").string(), ""}), usage_error);
  EXPECT_FALSE(std::filesystem::exists(d / "x.json"));
}

TEST(MultiBackend, EqualsOneBackendToTheBit) {
  const auto src = test::batch_source(test::random_specs(4 * static_cast<std::size_t>(reduce_unit) + 7, 8, 5));
  const index_t n = src.num_scenarios();
  reduce_spec spec;
  spec.top_k = 12;
  spec.top_by = 2;
  auto one = make_cpu_backend<double>(src, {1, 0, 0, {}});
  std::vector<std::unique_ptr<backend<double>>> parts;
  for (int i = 0; i < 3; ++i) parts.push_back(make_cpu_backend<double>(src, {1, 0, 0, {}}));
  auto multi = make_multi_backend<double>(std::move(parts));
  const auto a = one->reduce(spec, 0, n, {});
  index_t ticks = 0;
  const auto b = multi->reduce(spec, 0, n, [&](index_t k) { ticks += k; });
  EXPECT_EQ(ticks, n);
  EXPECT_EQ(a.top, b.top);
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_TRUE(a.metrics[m].moments == b.metrics[m].moments) << m;
    EXPECT_EQ(a.metrics[m].argmax, b.metrics[m].argmax);
  }
  std::vector<metric_row<double>> ra(static_cast<std::size_t>(n)), rb(static_cast<std::size_t>(n));
  one->evaluate(0, n, ra.data());
  multi->evaluate(0, n, rb.data());
  EXPECT_EQ(0, std::memcmp(ra.data(), rb.data(), ra.size() * sizeof(ra[0])));
}

}  // namespace
}  // namespace coopgrid
