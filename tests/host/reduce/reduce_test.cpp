// Reductions against brute force: summary, filters, top-K, histogram, and
// merge equality for any split.
#include <cmath>
#include "host/backends/cpu_backend.hpp"
#include "host/util/errors.hpp"
#include "host/reduce/state.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

std::vector<std::array<double, num_metrics>> random_rows(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> small(0, 20);  // many ties
  std::vector<std::array<double, num_metrics>> rows(n);
  for (auto& r : rows) {
    for (auto& v : r) v = small(rng) * 0.5;
  }
  rows[3][static_cast<int>(metric::exchange_total_log10)] = -std::numeric_limits<double>::infinity();
  return rows;
}

TEST(Reduce, SummaryFiltersTopAndHistogramMatchBruteForce) {
  const auto rows = random_rows(5000, 3);
  reduce_spec spec;
  spec.where = {parse_filter("shared_expected>=2"), parse_filter("standards_p_any<=8.5")};
  spec.top_k = 25;
  spec.top_by = static_cast<int>(metric::datasets_total);
  spec.hist_metric = static_cast<int>(metric::resources_shared);
  spec.hist_bins = 7;
  spec.hist_lo = 1;
  spec.hist_hi = 8;
  spec.hist_range_given = true;
  reduce_state st(spec);
  for (std::size_t k = 0; k < rows.size(); ++k) st.add(spec, rows[k].data(), static_cast<index_t>(k));
  st.finish(spec);

  // Brute force.
  std::vector<std::size_t> sel;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& r = rows[k];
    if (r[static_cast<int>(metric::shared_expected)] >= 2 && r[static_cast<int>(metric::standards_p_any)] <= 8.5) {
      sel.push_back(k);
    }
  }
  EXPECT_EQ(st.scenarios, 5000);
  EXPECT_EQ(st.selected, static_cast<index_t>(sel.size()));
  for (int m = 0; m < num_metrics; ++m) {
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    index_t amn = -1, amx = -1;
    for (auto k : sel) {
      const double v = rows[k][m];
      if (v < mn) mn = v, amn = static_cast<index_t>(k);
      if (v > mx) mx = v, amx = static_cast<index_t>(k);
      sum += v;
    }
    EXPECT_EQ(st.metrics[m].min, mn) << metric_names[m];
    EXPECT_EQ(st.metrics[m].argmin, amn) << metric_names[m];  // first index among ties
    EXPECT_EQ(st.metrics[m].max, mx);
    EXPECT_EQ(st.metrics[m].argmax, amx);
    EXPECT_DOUBLE_EQ(st.metrics[m].mean(), sum / static_cast<double>(sel.size()));
  }
  std::vector<top_entry> all;
  for (auto k : sel) all.emplace_back(rows[k][static_cast<int>(metric::datasets_total)], static_cast<index_t>(k));
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return top_better(a, b, false); });
  all.resize(25);
  EXPECT_EQ(st.top, all);
  std::vector<index_t> hist(7, 0);
  index_t below = 0, above = 0;
  for (auto k : sel) {
    const double x = rows[k][static_cast<int>(metric::resources_shared)];
    if (x < 1) ++below;
    else if (x > 8) ++above;
    else ++hist[std::min<std::size_t>(6, static_cast<std::size_t>((x - 1) / 7 * 7))];
  }
  EXPECT_EQ(st.hist.bins, hist);
  EXPECT_EQ(st.hist.below, below);
  EXPECT_EQ(st.hist.above, above);
}

TEST(Reduce, MergeOfAnySplitEqualsOnePass) {
  const auto rows = random_rows(3000, 9);
  reduce_spec spec;
  spec.top_k = 10;
  spec.top_by = static_cast<int>(metric::shared_variance);
  spec.top_ascending = true;
  reduce_state one(spec);
  for (std::size_t k = 0; k < rows.size(); ++k) one.add(spec, rows[k].data(), static_cast<index_t>(k));
  one.finish(spec);
  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{1500}, std::size_t{2999}}) {
    reduce_state a(spec), b(spec);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      (k < split ? a : b).add(spec, rows[k].data(), static_cast<index_t>(k));
    }
    b.merge(spec, a);  // merged in the "wrong" order on purpose: extrema and top still exact
    b.finish(spec);
    EXPECT_EQ(b.top, one.top);
    for (int m = 0; m < num_metrics; ++m) {
      EXPECT_EQ(b.metrics[m].argmin, one.metrics[m].argmin);
      EXPECT_EQ(b.metrics[m].argmax, one.metrics[m].argmax);
      EXPECT_EQ(b.metrics[m].count, one.metrics[m].count);
    }
  }
}

TEST(Reduce, InfinitiesInTheMean) {
  metric_summary s;
  s.add(1, 0);
  s.add(-INFINITY, 1);
  EXPECT_EQ(s.mean(), -INFINITY);
  EXPECT_EQ(s.min, -INFINITY);
  EXPECT_EQ(s.argmin, 1);
  s.add(INFINITY, 2);
  EXPECT_TRUE(std::isnan(s.mean()));
  metric_summary empty;
  EXPECT_TRUE(std::isnan(empty.mean()));
}

// A metric that is -inf everywhere (T = 0, G > 0) still has a first argmax, and
// +inf everywhere a first argmin, as the device kernel reports; merges agree.
TEST(Reduce, AllInfiniteValuesStillHaveTheFirstIndexAsExtremum) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const reduce_spec spec;
  reduce_state a(spec), b(spec), whole(spec);
  std::array<double, num_metrics> v{};
  for (index_t k = 0; k < 10; ++k) {
    v.fill(-inf);
    v[0] = inf;
    (k < 5 ? a : b).add(spec, v.data(), k + 3);
    whole.add(spec, v.data(), k + 3);
  }
  for (const auto* s : {&whole, &a}) {
    EXPECT_EQ(s->metrics[1].argmax, 3);
    EXPECT_EQ(s->metrics[1].argmin, 3);
    EXPECT_EQ(s->metrics[0].argmin, 3);
  }
  reduce_state merged(spec);
  merged.merge(spec, b);
  merged.merge(spec, a);
  EXPECT_EQ(merged.metrics[1].argmax, 3);
  EXPECT_EQ(merged.metrics[0].argmin, 3);
  EXPECT_EQ(merged.metrics[1].max, -inf);
}

TEST(Reduce, FilterParsing) {
  const auto f = parse_filter("ethics_q_all<=1e-3");
  EXPECT_EQ(f.metric, static_cast<int>(metric::ethics_q_all));
  EXPECT_FALSE(f.at_least);
  EXPECT_EQ(f.threshold, 1e-3);
  EXPECT_EQ(parse_filter("ethics_q_all<1").threshold, std::nextafter(1.0, 0.0));  // strict: the next double
  EXPECT_THROW(parse_filter("ethics_q_all==1"), usage_error);                      // two bounds: parse_filters
  EXPECT_THROW(parse_filter("nope>=1"), usage_error);
  EXPECT_THROW(parse_filter("ethics_q_all>=x"), usage_error);
  EXPECT_THROW(parse_filter("ethics_q_all>=nan"), usage_error);
}

TEST(Reduce, CpuBackendReduceMatchesRowsOnAGrid) {
  auto src = test::grid_source(R"(
[countries]
count = { range = [0, 30] }
datasets = { logspace = [0, 3, 7] }
share_prob = { linspace = [0, 1, 11] }
[standards]
count = { range = [0, 12] }
difficulty = { values = [0, 0.5, 2] }
[exchange]
activities = { values = [0, 3] }
countries_per_activity = { values = [0, 2] }
)");
  const index_t n = src.num_scenarios();
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.1")};
  spec.top_k = 7;
  spec.top_by = static_cast<int>(metric::shared_expected);
  auto be = make_cpu_backend<double>(src, {2, 0, 0, {}});
  const auto st = be->reduce(spec, 0, n, {});
  std::vector<metric_row<double>> rows(static_cast<std::size_t>(n));
  be->evaluate(0, n, rows.data());
  reduce_state brute(spec);
  brute.add_rows(spec, rows.data(), 0, n);
  brute.finish(spec);
  EXPECT_EQ(st.selected, brute.selected);
  EXPECT_GT(st.selected, 0);
  EXPECT_LT(st.selected, n);
  EXPECT_EQ(st.top, brute.top);
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_EQ(st.metrics[m].min, brute.metrics[m].min);
    EXPECT_EQ(st.metrics[m].argmax, brute.metrics[m].argmax);
    const double a = st.metrics[m].mean(), b = brute.metrics[m].mean();
    if (std::isinf(b)) {
      EXPECT_EQ(a, b) << metric_names[m];
    } else {
      EXPECT_NEAR(a, b, 1e-12 * std::fabs(b)) << metric_names[m];
    }
  }
}

}  // namespace
}  // namespace coopgrid
