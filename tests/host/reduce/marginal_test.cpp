// Marginals: factorized grid marginals against the scenario-by-scenario fold
// (exact sums equal, extrema to the bit) on random small grids with --where
// filters and empty cells; exact merge and text round trips; batch and
// design bins against the reference backend; bad --marginal options.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <string>

#include "host/backends/cpu_backend.hpp"
#include "host/backends/reference.hpp"
#include "host/engine/option_values.hpp"
#include "host/reduce/factorized.hpp"
#include "host/reduce/marginal.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

bool same_marginal_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::vector<int> all_metrics() {
  std::vector<int> m(num_metrics);
  for (int i = 0; i < num_metrics; ++i) m[i] = i;
  return m;
}

/// The scenario-by-scenario fold of [first, first + count) with backend `be`.
template <class T>
void brute(const source& src, backend<T>& be, const reduce_spec& spec, index_t first, index_t count,
           std::vector<marginal>& ms) {
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(count));
  be.evaluate(first, count, rows.data());
  std::vector<double> wide(static_cast<std::size_t>(count) * num_metrics);
  for (index_t i = 0; i < count; ++i) {
    for (int m = 0; m < num_metrics; ++m) wide[static_cast<std::size_t>(i * num_metrics + m)] = rows[i].v[m];
  }
  fold_marginals(src, spec, wide.data(), first, count, ms);
}

/// Identical cells: counts, extrema bits, infinities and exact sums (so means to the bit).
void expect_identical(const std::vector<marginal>& a, const std::vector<marginal>& b, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t j = 0; j < a.size(); ++j) {
    ASSERT_EQ(a[j].cells.size(), b[j].cells.size());
    for (std::size_t i = 0; i < a[j].cells.size(); ++i) {
      const auto &x = a[j].cells[i], &y = b[j].cells[i];
      SCOPED_TRACE(a[j].name() + " cell " + std::to_string(i));
      ASSERT_EQ(x.count, y.count);
      if (x.count == 0) continue;
      EXPECT_TRUE(same_marginal_bits(x.min, y.min)) << x.min << " " << y.min;
      EXPECT_TRUE(same_marginal_bits(x.max, y.max)) << x.max << " " << y.max;
      EXPECT_EQ(x.has_pos_inf, y.has_pos_inf);
      EXPECT_EQ(x.has_neg_inf, y.has_neg_inf);
      EXPECT_TRUE(x.moments == y.moments);
      EXPECT_TRUE(same_marginal_bits(x.mean(), y.mean()) || (std::isnan(x.mean()) && std::isnan(y.mean())));
    }
  }
}

std::string random_marginal_grid(std::mt19937_64& rng) {
  auto pick = [&](std::initializer_list<const char*> pool) {
    std::vector<std::string> v(pool.begin(), pool.end());
    const int n = std::uniform_int_distribution<int>(1, 3)(rng);
    if (n == 1) return v[rng() % v.size()];
    std::string s = "{ values = [";
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + v[rng() % v.size()];
    return s + "] }";
  };
  std::ostringstream t;
  t << "[countries]\ncount = " << pick({"0", "1", "2", "5"}) << "\ndatasets = " << pick({"0", "1", "2.5", "100"})
    << "\nshare_prob = " << pick({"0", "0.3", "0.57", "1"}) << "\n[standards]\ncount = " << pick({"0", "1", "3", "7"})
    << "\ndifficulty = " << pick({"0", "0.1", "2.5"}) << "\n[exchange]\nactivities = " << pick({"0", "0.5", "10"})
    << "\ncountries_per_activity = " << pick({"0", "1", "5"}) << "\n[resources]\ncount = " << pick({"0", "1", "3"})
    << "\nshare_prob = " << pick({"0", "0.5", "1"}) << "\n[ethics]\ncount = " << pick({"0", "1", "2"})
    << "\ndifficulty = " << pick({"0", "0.2", "1"}) << "\n";
  return t.str();
}

/// `call` throws usage_error whose one-line message contains `part`.
#define EXPECT_USAGE_ERROR(call, part)                                                   \
  do {                                                                                   \
    try {                                                                                \
      call;                                                                              \
      ADD_FAILURE() << "no usage_error: " #call;                                         \
    } catch (const usage_error& e) {                                                     \
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();        \
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();       \
    }                                                                                    \
  } while (0)

marginal_option option(const std::string& text) { return parse_marginal(text); }

template <class T>
class Marginal : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Marginal, Precisions);

TYPED_TEST(Marginal, FactorizedEqualsBruteForceOnRandomGrids) {
  using T = TypeParam;
  std::mt19937_64 rng(2016);
  int grids = 0, empty_cells = 0, pairs_one_block = 0, pairs_two_blocks = 0;
  for (int iter = 0; iter < 60; ++iter) {
    const auto src = test::grid_source(random_marginal_grid(rng));
    const grid& g = test::grid_of(src);
    const auto axes = g.axes();
    if (axes.empty()) continue;
    ++grids;
    std::vector<marginal_option> opts;
    for (int f : axes) opts.push_back(option(grid_field_names[f]));
    for (std::size_t i = 0; i < axes.size(); ++i) {
      for (std::size_t j = 0; j < axes.size(); ++j) {
        if (i == j || rng() % 2) continue;
        opts.push_back(option(std::string(grid_field_names[axes[i]]) + "," + grid_field_names[axes[j]]));
        // Same block: both fields below the same next block's first field.
        const bool same = (axes[i] < 3) == (axes[j] < 3) && (axes[i] < 5) == (axes[j] < 5) &&
                          (axes[i] < 7) == (axes[j] < 7) && (axes[i] < 9) == (axes[j] < 9);
        ++(same ? pairs_one_block : pairs_two_blocks);
      }
    }
    reduce_spec spec;
    auto be = make_cpu_backend<T>(src, {});
    const index_t n = src.num_scenarios();
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      filter f;
      f.metric = static_cast<int>(rng() % num_metrics);
      f.at_least = rng() % 2 == 0;
      metric_row<T> row;
      be->evaluate(static_cast<index_t>(rng() % static_cast<std::uint64_t>(n)), 1, &row);
      f.threshold = std::isfinite(static_cast<double>(row.v[f.metric])) ? static_cast<double>(row.v[f.metric]) : 0;
      spec.where.push_back(f);
    }
    std::vector<int> metrics = all_metrics();
    if (rng() % 2) metrics = {static_cast<int>(rng() % num_metrics), static_cast<int>(rng() % num_metrics)};
    const index_t first = rng() % 2 ? 0 : static_cast<index_t>(rng() % static_cast<std::uint64_t>(n));
    const index_t count = first == 0 ? n : static_cast<index_t>(rng() % static_cast<std::uint64_t>(n - first + 1));
    auto fact = resolve_marginals(src, opts, metrics);
    auto want = fact;
    auto fg = factorized_grid::build<T>(g);
    for (auto& m : fact) fg.add_marginal(spec, m, first, count);
    backend_options bo;
    bo.brute_force = true;
    brute(src, *make_cpu_backend<T>(src, bo), spec, first, count, want);
    expect_identical(fact, want, "grid " + std::to_string(iter));
    // Every cell count sums to the selected scenarios.
    const auto st = make_cpu_backend<T>(src, bo)->reduce(spec, first, count, {});
    for (const auto& m : want) {
      index_t total = 0;
      for (index_t c = 0; c < m.num_cells(); ++c) {
        total += m.at(c, 0).count;
        empty_cells += m.at(c, 0).count == 0;
      }
      EXPECT_EQ(total, st.selected);
    }
    // Split in two and merged: the same bits.
    if (count >= 2) {
      auto a = resolve_marginals(src, opts, metrics), b = a;
      for (auto& m : a) fg.add_marginal(spec, m, first, count / 2);
      for (auto& m : b) fg.add_marginal(spec, m, first + count / 2, count - count / 2);
      for (std::size_t j = 0; j < a.size(); ++j) b[j].merge(a[j]);
      expect_identical(b, fact, "merged halves");
    }
  }
  EXPECT_GT(grids, 30);
  EXPECT_GT(empty_cells, 0);
  EXPECT_GT(pairs_one_block, 0);
  EXPECT_GT(pairs_two_blocks, 0);
}

TEST(Marginal, TextRoundTripIsExact) {
  const auto src = test::grid_source(
      "[countries]\ncount = { values = [0, 2] }\ndatasets = { values = [1, 10] }\nshare_prob = 0.5\n"
      "[exchange]\nactivities = { values = [0, 10] }\ncountries_per_activity = 3\n");
  auto ms = resolve_marginals(src, {option("countries.count"), option("countries.datasets,exchange.activities")},
                              all_metrics());
  auto fg = factorized_grid::build<double>(test::grid_of(src));
  for (auto& m : ms) fg.add_marginal({}, m, 0, src.num_scenarios());
  const std::string text = marginals_text(ms);
  std::istringstream in(text);
  const auto back = parse_marginals_text(in, "state");
  expect_identical(back, ms, "round trip");
  EXPECT_EQ(marginals_text(back), text);
  EXPECT_EQ(marginals_spec_line(back), marginals_spec_line(ms));
  // exchange.activities = 0 gives -inf logs: the cell's mean is -inf.
  const auto& pair = ms[1];
  const auto slot = static_cast<std::size_t>(metric_by_name("exchange_effect_log10"));
  EXPECT_TRUE(std::isinf(pair.at(pair.cell_of(0, 0), slot).mean()));
  EXPECT_EQ(pair.at(pair.cell_of(1, 1), slot).mean(), 3.0);
  std::istringstream bad("marginals 1 3 x\n");
  EXPECT_THROW(parse_marginals_text(bad, "state"), input_error);
}

TEST(Marginal, BatchBinsMatchReferenceBackend) {
  const auto src = load_source(test::data_dir() + "/varied");
  auto ms = resolve_marginals(src, {option("activities:4"), option("activities:3,countries_per_activity:5")},
                              all_metrics());
  auto ref = ms;
  const index_t n = src.num_scenarios();
  brute(src, *make_cpu_backend<double>(src, {}), {}, 0, n, ms);
  brute(src, *make_reference_backend(src), {}, 0, n, ref);
  const auto& a = ms[0].axes[0];
  EXPECT_EQ(a.edge(0), a.lo);
  EXPECT_EQ(a.edge(4), a.hi);
  for (std::size_t j = 0; j < ms.size(); ++j) {
    index_t total = 0;
    for (std::size_t i = 0; i < ms[j].cells.size(); ++i) {
      const auto &x = ms[j].cells[i], &y = ref[j].cells[i];
      ASSERT_EQ(x.count, y.count);
      if (i % ms[j].metrics.size() == 0) total += x.count;
      if (x.count == 0) continue;
      const double scale = std::max({1.0, std::abs(y.mean()), std::abs(y.max), std::abs(y.min)});
      if (std::isfinite(y.mean())) {
        EXPECT_NEAR(x.mean(), y.mean(), 1e-9 * scale);
      }
    }
    EXPECT_EQ(total, n);
  }
  // The bins count the scenarios whose activities fall in them.
  const auto& b = std::get<batch>(src.input);
  index_t in_first = 0;
  for (index_t k = 0; k < n; ++k) in_first += b.columns.activities[static_cast<std::size_t>(k)] < a.edge(1);
  EXPECT_EQ(ms[0].at(0, 0).count, in_first);
}

// A design parameter's bins span the range its distribution declares in the
// problem file (every bounded kind), not the values drawn; the unbounded
// lognormal keeps the observed range. Every sample lands in a bin.
TEST(Marginal, DesignBinsSpanTheDeclaredRange) {
  source_options so;
  design_options d;
  d.kind = design::design_kind::lhs;
  d.n = 40;  // few samples: the observed range is well inside the declared one
  d.seed = 5;
  so.design = d;
  const auto src = load_source(test::data_dir() + "/problem_sharing.toml", so);
  const std::vector<std::string> names = {"countries.datasets:4",   "countries.share_prob:7", "standards.count:3",
                                          "standards.difficulty:5", "exchange.countries_per_activity:2",
                                          "resources.share_prob:10", "exchange.activities:6"};
  const std::vector<std::pair<double, double>> declared = {{100, 10000}, {0.2, 0.9}, {1, 10}, {0.1, 2.0},
                                                           {2, 10},      {0.0, 1.0}};
  std::vector<marginal_option> opts;
  for (const auto& n : names) opts.push_back(option(n));
  auto ms = resolve_marginals(src, opts, {static_cast<int>(metric::shared_expected)});
  const auto& ds = std::get<design_source>(src.input);
  for (std::size_t j = 0; j < ms.size(); ++j) {
    const auto& a = ms[j].axes[0];
    double lo = 0, hi = 0;
    for (index_t k = 0; k < ds.num_samples; ++k) {
      const double v = ds.parameter_values(k)[static_cast<std::size_t>(a.input)];
      lo = k == 0 ? v : std::min(lo, v);
      hi = k == 0 ? v : std::max(hi, v);
    }
    if (j < declared.size()) {
      EXPECT_EQ(a.lo, declared[j].first) << names[j];
      EXPECT_EQ(a.hi, declared[j].second) << names[j];
      const bool discrete = j == 2 || j == 4;  // 40 LHS samples reach both ends of integers and choice
      if (!discrete) {
        EXPECT_TRUE(lo > a.lo && hi < a.hi) << names[j] << ": the observed range would give other bins";
      }
    } else {  // lognormal: unbounded, so the values drawn
      EXPECT_EQ(a.lo, lo) << names[j];
      EXPECT_EQ(a.hi, hi) << names[j];
    }
  }
  const index_t n = src.num_scenarios();
  brute(src, *make_cpu_backend<double>(src, {}), {}, 0, n, ms);
  for (const auto& m : ms) {
    index_t total = 0;
    for (const auto& c : m.cells) total += c.count;
    EXPECT_EQ(total, n) << m.name();
  }
  // standards.count in [1, 10] over 3 bins: 1..3 | 4..6 | 7..10 (edges 4 and 7).
  const auto& counts = ms[2];
  index_t low = 0;
  for (index_t k = 0; k < n; ++k) low += ds.parameter_values(k)[static_cast<std::size_t>(counts.axes[0].input)] < 4;
  EXPECT_EQ(counts.at(0, 0).count, low);
}

TEST(Marginal, BadOptions) {
  const auto grid = test::grid_source("[countries]\ncount = { values = [0, 2] }\ndatasets = 1\nshare_prob = 0.5\n");
  const auto batch = load_source(test::data_dir() + "/varied");
  auto resolve = [](const source& s, const std::string& t) { resolve_marginals(s, {option(t)}, all_metrics()); };
  EXPECT_USAGE_ERROR(option("a,b,c"), "at most two axes");
  EXPECT_USAGE_ERROR(option("activities:0"), "BINS '0' must be an integer");
  EXPECT_USAGE_ERROR(option("activities:x"), "BINS 'x' must be an integer");
  EXPECT_USAGE_ERROR(option("activities:-3"), "BINS '-3'");
  EXPECT_USAGE_ERROR(option(",activities"), "expected AXIS");
  EXPECT_USAGE_ERROR(resolve(grid, "standards.count"), "not an axis of this grid (known: countries.count)");
  EXPECT_USAGE_ERROR(resolve(grid, "countries.count:3"), "drop ':3'");
  EXPECT_USAGE_ERROR(resolve(batch, "activities"), "give activities:BINS");
  EXPECT_USAGE_ERROR(resolve(batch, "datasets:3"), "not a column of scenarios.csv");
  EXPECT_USAGE_ERROR(resolve(batch, "activities:300,countries_per_activity:300"), "cells, at most 65536");
  EXPECT_USAGE_ERROR(resolve(batch, "activities:3,activities:4"), "given twice");
}

}  // namespace
}  // namespace coopgrid
