// Factorized grid reductions against the element-wise fold (the cpu backend
// with --brute-force): counts, extrema, top-K and histograms identical, means
// within 1e-12, on random grids, both precisions, sub-ranges and a grid of
// more than 2^32 scenarios.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <variant>

#include "host/backends/cpu_backend.hpp"
#include "host/reduce/factorized.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

template <class T>
class Factorized : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Factorized, Precisions);

const grid& grid_of(const source& s) { return std::get<grid>(s.input); }

bool same_factor_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// The element-wise fold over [first, first + count).
template <class T>
reduce_state brute(const source& src, const reduce_spec& spec, index_t first, index_t count) {
  backend_options o;
  o.threads = 2;
  o.brute_force = true;
  return make_cpu_backend<T>(src, o)->reduce(spec, first, count, {});
}

void expect_same(const reduce_state& f, const reduce_state& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(f.scenarios, b.scenarios);
  EXPECT_EQ(f.selected, b.selected);
  for (int m = 0; m < num_metrics; ++m) {
    SCOPED_TRACE(metric_names[m]);
    const auto &x = f.metrics[m], &y = b.metrics[m];
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.argmin, y.argmin);
    EXPECT_EQ(x.argmax, y.argmax);
    EXPECT_TRUE(same_factor_bits(x.min, y.min)) << x.min << " " << y.min;
    EXPECT_TRUE(same_factor_bits(x.max, y.max)) << x.max << " " << y.max;
    EXPECT_EQ(x.has_pos_inf, y.has_pos_inf);
    EXPECT_EQ(x.has_neg_inf, y.has_neg_inf);
    const double mf = x.mean(), mb = y.mean();
    if (std::isnan(mb) || std::isinf(mb)) {
      EXPECT_TRUE(same_factor_bits(mf, mb) || (std::isnan(mf) && std::isnan(mb))) << mf << " " << mb;
    } else {
      // Relative to the values' scale: log10 metrics of both signs may cancel.
      const double scale = std::max({std::abs(mb), std::isfinite(y.min) ? std::abs(y.min) : 0.0,
                                     std::isfinite(y.max) ? std::abs(y.max) : 0.0});
      EXPECT_LE(std::abs(mf - mb), 1e-12 * scale) << mf << " " << mb;
    }
  }
  EXPECT_EQ(f.top, b.top);
  EXPECT_EQ(f.hist.bins, b.hist.bins);
  EXPECT_EQ(f.hist.below, b.hist.below);
  EXPECT_EQ(f.hist.above, b.hist.above);
}

/// A small random grid over every block's edges: empty blocks, T = 0 (-inf
/// logs), p in {0, 1}, and repeated axis values (ties).
std::string random_factor_grid(std::mt19937_64& rng) {
  auto pick = [&](std::initializer_list<const char*> pool, bool integer) {
    std::vector<std::string> v(pool.begin(), pool.end());
    const int n = std::uniform_int_distribution<int>(1, 3)(rng);
    std::vector<std::string> chosen;
    for (int i = 0; i < n; ++i) chosen.push_back(v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]);
    (void)integer;
    if (n == 1) return chosen[0];
    std::string s = "{ values = [";
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + chosen[static_cast<std::size_t>(i)];
    return s + "] }";
  };
  std::ostringstream t;
  t << "[countries]\ncount = " << pick({"0", "1", "2", "5"}, true)
    << "\ndatasets = " << pick({"0", "1", "2.5", "10", "100", "0.1"}, false)
    << "\nshare_prob = " << pick({"0", "0.3", "0.57", "0.5", "1"}, false)
    << "\n[standards]\ncount = " << pick({"0", "1", "2", "3", "7"}, true)
    << "\ndifficulty = " << pick({"0", "0.1", "1", "2.5"}, false)
    << "\n[exchange]\nactivities = " << pick({"0", "0.5", "1", "10"}, false)
    << "\ncountries_per_activity = " << pick({"0", "1", "2", "5"}, true)
    << "\n[resources]\ncount = " << pick({"0", "1", "3"}, true) << "\nshare_prob = " << pick({"0", "0.5", "1"}, false)
    << "\n[ethics]\ncount = " << pick({"0", "1", "2"}, true) << "\ndifficulty = " << pick({"0", "0.2", "1"}, false)
    << "\n";
  return t.str();
}

/// A random spec: filters on metrics of random blocks with thresholds taken
/// from the grid's own values (sometimes none pass), top-K, a histogram.
template <class T>
reduce_spec random_spec(std::mt19937_64& rng, const source& src) {
  auto be = make_cpu_backend<T>(src, {});
  const index_t n = src.num_scenarios();
  auto value = [&](int m) {
    metric_row<T> row;
    be->evaluate(std::uniform_int_distribution<index_t>(0, n - 1)(rng), 1, &row);
    return static_cast<double>(row.v[m]);
  };
  std::uniform_int_distribution<int> any_metric(0, num_metrics - 1);
  reduce_spec spec;
  const int filters = std::uniform_int_distribution<int>(0, 3)(rng);
  for (int i = 0; i < filters; ++i) {
    filter f;
    f.metric = any_metric(rng);
    f.at_least = rng() % 2 == 0;
    f.threshold = rng() % 8 == 0 ? 1e300 * (f.at_least ? 1 : -1) : value(f.metric);
    if (!std::isfinite(f.threshold)) f.threshold = 0;
    spec.where.push_back(f);
  }
  if (rng() % 4 != 0) {
    spec.top_k = std::uniform_int_distribution<index_t>(1, 60)(rng);
    spec.top_by = any_metric(rng);
    spec.top_ascending = rng() % 2 == 0;
  }
  if (rng() % 2 == 0) {
    spec.hist_metric = any_metric(rng);
    spec.hist_bins = std::uniform_int_distribution<index_t>(1, 9)(rng);
    double a = value(spec.hist_metric), b = value(spec.hist_metric);
    if (!std::isfinite(a)) a = -1;
    if (!std::isfinite(b)) b = 1;
    spec.hist_lo = std::min(a, b);
    spec.hist_hi = std::max(a, b);
    spec.hist_range_given = true;
  }
  return spec;
}

TYPED_TEST(Factorized, RandomGridsWholeAndSubRanges) {
  using T = TypeParam;
  std::mt19937_64 rng(16);
  int nonempty = 0, empty = 0, with_inf = 0, tied_top = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const source src = test::grid_source(random_factor_grid(rng));
    const index_t n = src.num_scenarios();
    auto fg = factorized_grid::build<T>(grid_of(src));
    for (int s = 0; s < 4; ++s) {
      const reduce_spec spec = random_spec<T>(rng, src);
      index_t first = 0, count = n;
      if (s > 0) {  // a sub-range: shards, segments, compare windows
        first = std::uniform_int_distribution<index_t>(0, n - 1)(rng);
        count = std::uniform_int_distribution<index_t>(0, n - first)(rng);
      }
      const auto b = brute<T>(src, spec, first, count);
      const auto f = fg.reduce(spec, first, count);
      expect_same(f, b, "trial " + std::to_string(trial) + " spec " + std::to_string(s));
      EXPECT_TRUE(factorized_agrees(f, b));
      (b.selected > 0 ? nonempty : empty) += 1;
      for (const auto& m : b.metrics) with_inf += m.has_neg_inf;
      for (std::size_t i = 1; i < b.top.size(); ++i) tied_top += b.top[i].first == b.top[i - 1].first;
    }
  }
  // The draws reach what they are meant to cover.
  EXPECT_GT(nonempty, 100);
  EXPECT_GT(empty, 20);
  EXPECT_GT(with_inf, 20);
  EXPECT_GT(tied_top, 100);
}

TYPED_TEST(Factorized, OneShotFormAndCpuBackendDefault) {
  using T = TypeParam;
  const source src = test::grid_source(test::random_grid_toml);
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.3"), parse_filter("shared_expected<=1000")};
  spec.top_k = 25;
  spec.top_by = static_cast<int>(metric::exchange_effect_log10);
  spec.hist_metric = static_cast<int>(metric::ethics_q_any);
  spec.hist_bins = 7;
  spec.hist_lo = 0.1;
  spec.hist_hi = 0.9;
  spec.hist_range_given = true;
  const index_t n = src.num_scenarios();
  const auto b = brute<T>(src, spec, 0, n);
  ASSERT_GT(b.selected, 0);
  expect_same(factorized_grid_reduce<T>(grid_of(src), spec, 0, n), b, "one-shot");
  expect_same(make_cpu_backend<T>(src, {})->reduce(spec, 0, n, {}), b, "cpu backend default");
  // Segment by segment (the checkpoint loop) and merged: the same again.
  auto be = make_cpu_backend<T>(src, {});
  reduce_state merged(spec);
  for (index_t lo = 0; lo < n; lo += 99'991) merged.merge(spec, be->reduce(spec, lo, std::min<index_t>(99'991, n - lo), {}));
  merged.finish(spec);
  expect_same(merged, b, "segments");
}

TYPED_TEST(Factorized, TiesFromARepeatedAxisValue) {
  using T = TypeParam;
  // Equal shared_expected in several countries points, interleaved with every other block.
  const source src = test::grid_source(R"(
[countries]
count = { values = [2, 1, 2, 4] }
datasets = { values = [5, 10, 5] }
share_prob = 0.5
[standards]
count = { values = [1, 3] }
difficulty = { values = [0.5, 0.5] }
[exchange]
activities = { values = [0, 10] }
countries_per_activity = { values = [2, 0] }
[resources]
count = 2
share_prob = 0.5
[ethics]
count = { values = [2, 2] }
difficulty = 0.2
)");
  const index_t n = src.num_scenarios();
  for (bool asc : {false, true}) {
    for (int by : {static_cast<int>(metric::shared_expected), static_cast<int>(metric::exchange_total_log10),
                   static_cast<int>(metric::ethics_q_all)}) {
      reduce_spec spec;
      spec.top_k = 40;
      spec.top_by = by;
      spec.top_ascending = asc;
      spec.where = {parse_filter("standards_difficulty>=0.5")};
      const auto b = brute<T>(src, spec, 0, n);
      ASSERT_EQ(b.top.size(), 40u);
      int ties = 0;  // tie groups of several block points, interleaved by the other blocks
      for (std::size_t i = 1; i < b.top.size(); ++i) ties += b.top[i].first == b.top[i - 1].first;
      EXPECT_GE(ties, 30);
      expect_same(factorized_grid_reduce<T>(grid_of(src), spec, 0, n), b, metric_names[by]);
      expect_same(factorized_grid_reduce<T>(grid_of(src), spec, 7, n - 20), brute<T>(src, spec, 7, n - 20), "sub-range");
    }
  }
}

TYPED_TEST(Factorized, EmptySelectionAndInfinities) {
  using T = TypeParam;
  const source src = test::grid_source(test::random_grid_toml);
  const index_t n = src.num_scenarios();
  reduce_spec none;
  none.where = {parse_filter("resources_shared>=1e9")};
  none.top_k = 5;
  none.top_by = 0;
  const auto fe = factorized_grid_reduce<T>(grid_of(src), none, 0, n);
  EXPECT_EQ(fe.selected, 0);
  EXPECT_EQ(fe.scenarios, n);
  EXPECT_TRUE(fe.top.empty());
  expect_same(fe, brute<T>(src, none, 0, n), "empty");
  reduce_spec inf;  // activities = 0 and G > 0: -inf logs
  inf.where = {parse_filter("exchange_effect_log10<=-1e300")};
  inf.top_k = 3;
  inf.top_by = static_cast<int>(metric::exchange_total_log10);
  const auto fi = factorized_grid_reduce<T>(grid_of(src), inf, 0, n);
  ASSERT_GT(fi.selected, 0);
  EXPECT_TRUE(std::isinf(fi.metrics[static_cast<int>(metric::exchange_effect_log10)].mean()));
  EXPECT_EQ(fi.top.size(), 3u);
  EXPECT_EQ(fi.top[0].first, -std::numeric_limits<double>::infinity());
  expect_same(fi, brute<T>(src, inf, 0, n), "-inf");
}

// factorized_agrees (compare's check) sees each kind of difference.
TEST(FactorizedAgrees, RefusesEveryKindOfDifference) {
  const source src = test::grid_source(test::random_grid_toml);
  reduce_spec spec;
  spec.top_k = 4;
  spec.top_by = static_cast<int>(metric::standards_p_any);
  const auto b = brute<double>(src, spec, 1000, 50'000);
  const auto f = factorized_grid_reduce<double>(grid_of(src), spec, 1000, 50'000);
  ASSERT_TRUE(factorized_agrees(f, b));
  const int m = static_cast<int>(metric::standards_expected);
  std::vector<std::function<void(reduce_state&)>> changes = {
      [](reduce_state& s) { ++s.selected; },
      [&](reduce_state& s) { s.metrics[m].argmin += 1; },
      [&](reduce_state& s) { s.metrics[m].max = std::nextafter(s.metrics[m].max, 0.0); },
      [&](reduce_state& s) { s.metrics[m].moments[0].add(s.metrics[m].moments[0].value() * 1e-11); },
      [](reduce_state& s) { s.top[1].second += 1; },
      [&](reduce_state& s) { s.metrics[m].has_neg_inf = true; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto g = f;
    changes[i](g);
    EXPECT_FALSE(factorized_agrees(g, b)) << i;
  }
  auto g = f;  // a mean 1e-14 off still agrees
  g.metrics[m].moments[0].add(g.metrics[m].moments[0].value() * 1e-14);
  EXPECT_TRUE(factorized_agrees(g, b));
}

// 1.01e12 scenarios: sub-ranges around 2^32 against the fold, the whole grid
// against closed forms.
TYPED_TEST(Factorized, BeyondTwoToThe32) {
  using T = TypeParam;
  const source src = test::grid_source(R"(
[countries]
count = { range = [1, 100] }
datasets = { logspace = [2, 6, 100] }
share_prob = { linspace = [0, 1, 101] }
[standards]
count = { range = [1, 50] }
difficulty = { linspace = [0, 5, 100] }
[exchange]
activities = { linspace = [0, 20, 20] }
countries_per_activity = { range = [0, 9] }
[resources]
count = 5
share_prob = 0.5
[ethics]
count = 2
difficulty = 0.2
)");
  const index_t n = src.num_scenarios();
  ASSERT_EQ(n, index_t{100} * 100 * 101 * 50 * 100 * 20 * 10);
  auto fg = factorized_grid::build<T>(grid_of(src));
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.5")};
  spec.top_k = 50;
  spec.top_by = static_cast<int>(metric::exchange_total_log10);
  const index_t two32 = index_t{1} << 32;
  for (index_t first : {two32 - 70'000, two32 - 1, 3 * two32 + 12'345, n - 150'000}) {
    const index_t count = std::min<index_t>(150'000, n - first);
    expect_same(fg.reduce(spec, first, count), brute<T>(src, spec, first, count), "at " + std::to_string(first));
  }
  // Whole grid, no filter: closed forms.
  reduce_spec top;
  top.top_k = 3;
  top.top_by = static_cast<int>(metric::datasets_total);
  const auto w = fg.reduce(top, 0, n);
  EXPECT_EQ(w.scenarios, n);
  EXPECT_EQ(w.selected, n);
  const index_t countries_stride = n / (100 * 100 * 101);
  const auto& d = w.metrics[static_cast<int>(metric::datasets_total)];
  EXPECT_EQ(d.count, n);
  EXPECT_EQ(d.max, static_cast<double>(static_cast<T>(100) * static_cast<T>(grid_of(src).reals[countries_datasets][99])));
  // The first scenario with count 100 and the most datasets: share_prob and the rest at point 0.
  const index_t best = (index_t{99} * 100 * 101 + 99 * 101) * countries_stride;
  EXPECT_EQ(d.argmax, best);
  EXPECT_EQ(d.argmin, 0);
  ASSERT_EQ(w.top.size(), 3u);
  for (int i = 0; i < 3; ++i) {  // ties over every other field: consecutive indices
    EXPECT_EQ(w.top[static_cast<std::size_t>(i)].second, best + i);
    EXPECT_EQ(w.top[static_cast<std::size_t>(i)].first, d.max);
  }
  // The filter on standards keeps the same fraction in every other block.
  const auto f = fg.reduce(spec, 0, n);
  const auto sub = fg.reduce(spec, 0, 100 * 20 * 10 * 50);  // the first countries point: all of standards
  EXPECT_EQ(f.selected, sub.selected * 100 * 100 * 101);
  EXPECT_EQ(f.metrics[static_cast<int>(metric::standards_p_any)].min,
            sub.metrics[static_cast<int>(metric::standards_p_any)].min);
}

}  // namespace
}  // namespace coopgrid
