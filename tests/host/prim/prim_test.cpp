// PRIM's pieces against hand-computed values; the whole search against EMA
// Workbench itself is python/tests/test_prim.py.
#include "host/prim/prim.hpp"

#include "host/prim/grid_prim.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <cmath>
#include <vector>

#include "host/util/errors.hpp"
#include "tests/support/prim_rows.hpp"

using namespace coopgrid;
using namespace coopgrid::prim;

TEST(PrimQuantile, MidpointOfTheOrderStatisticsAround) {
  const std::vector<double> v{1, 2, 3, 4, 5};
  EXPECT_EQ(ema_quantile(v, 0.05), 1.5);  // (n-1) q = 0.2: between v[0] and v[1]
  EXPECT_EQ(ema_quantile(v, 0.95), 4.5);  // 3.8: between v[3] and v[4]
  EXPECT_EQ(ema_quantile(v, 0.5), 3.5);   // exactly v[2]: a tie with itself, so EMA steps on to v[3]
}

TEST(PrimQuantile, WidensPastTiesAwayFromTheMedian) {
  EXPECT_EQ(ema_quantile({1, 1, 1, 2}, 0.05), 1.5);  // lower: the upper index moves up to the 2
  EXPECT_EQ(ema_quantile({1, 2, 2, 2}, 0.95), 1.5);  // upper: the lower index moves down to the 1
  EXPECT_EQ(ema_quantile({3, 3, 3}, 0.05), 3.0);     // all equal: stops at the end
  EXPECT_EQ(ema_quantile({3, 3, 3}, 0.95), 3.0);
  EXPECT_EQ(ema_quantile({7}, 0.05), 7.0);
}

TEST(PrimQuantile, RepeatedValuesWithoutBuildingThem) {  // the grid path's quantile = the rows'
  const std::vector<std::vector<double>> cases{{1}, {1, 2}, {1, 1, 2}, {0.5, 1, 1, 1, 4, 7}, {2, 2, 2}, {-3, 0, 0, 9}};
  for (const auto& sorted : cases) {
    for (std::int64_t repeat : {1, 2, 3, 7, 100}) {
      std::vector<double> data;
      for (double v : sorted) data.insert(data.end(), static_cast<std::size_t>(repeat), v);
      for (double q : {0.02, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.98})
        EXPECT_EQ(ema_quantile_repeated(sorted, repeat, q), ema_quantile(data, q))
            << "values " << sorted.size() << " repeat " << repeat << " q " << q;
    }
  }
}

TEST(PrimQuantile, SelectionIsTheSortedQuantile) {  // ties, runs, extremes, every side
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n = 1 + rng() % 40;
    std::vector<double> v(n);
    for (double& x : v) x = static_cast<double>(rng() % (1 + trial % 6));  // few distinct values: many ties
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (double q : {0.02, 0.05, 0.3, 0.5, 0.7, 0.95, 0.98}) {
      std::vector<double> work = v;
      EXPECT_EQ(ema_quantile_unsorted(work, q), ema_quantile(sorted, q)) << "n " << n << " q " << q;
    }
  }
}

TEST(PrimBinomial, UpperTailIsTheOneSidedTest) {
  EXPECT_EQ(binomial_upper_tail(0, 10, 0.3), 1.0);
  EXPECT_DOUBLE_EQ(binomial_upper_tail(1, 1, 0.5), 0.5);
  EXPECT_NEAR(binomial_upper_tail(8, 10, 0.5), 56.0 / 1024.0, 1e-16);  // C(10,8)+C(10,9)+C(10,10)
  EXPECT_EQ(binomial_upper_tail(11, 10, 0.5), 0.0);
  EXPECT_EQ(binomial_upper_tail(5, 5, 1.0), 1.0);
}

namespace {
using data = test::prim_rows;

// x0 evenly spread over [0, 1), x1 a distractor; interest exactly where x0 >= 0.7.
data threshold_data(int n) {
  data d;
  d.columns.assign(2, {});
  for (int r = 0; r < n; ++r) {
    double x0 = static_cast<double>(r) / n;
    d.columns[0].push_back(x0);
    d.columns[1].push_back(static_cast<double>((r * 7919) % n) / n);
    d.interest.push_back(x0 >= 0.7);
  }
  return d;
}
}  // namespace

TEST(PrimSearch, PeelsToTheRegionOfInterestAndKeepsEmasStatistics) {
  data d = threshold_data(1000);
  prim_result r = find_box(d.view(), {});
  ASSERT_GE(r.trajectory.size(), 2u);
  EXPECT_EQ(r.total_rows, 1000);
  EXPECT_EQ(r.total_cases, 300);
  const box_entry& first = r.trajectory.front();
  EXPECT_EQ(first.rows, 1000);
  EXPECT_EQ(first.cases, 300);
  EXPECT_EQ(first.restricted, 0);
  EXPECT_EQ(first.quasi_p[0][0], -1.0);
  for (std::size_t i = 1; i <= static_cast<std::size_t>(r.peel_steps); ++i)
    EXPECT_LT(r.trajectory[i].rows, r.trajectory[i - 1].rows) << i;  // each peel removes rows
  for (const box_entry& e : r.trajectory) {
    EXPECT_EQ(e.coverage, static_cast<double>(e.cases) / 300.0);
    EXPECT_EQ(e.density, static_cast<double>(e.cases) / static_cast<double>(e.rows));
    EXPECT_EQ(e.mass, static_cast<double>(e.rows) / 1000.0);
  }
  const box_entry& last = r.trajectory.back();
  EXPECT_TRUE(r.threshold_met);
  EXPECT_EQ(last.density, 1.0);
  EXPECT_EQ(last.limits.upper[1], r.initial.upper[1]);  // the distractor is never the best cut
  EXPECT_GE(last.limits.lower[0], 0.69);
  EXPECT_LE(last.limits.lower[0], 0.75);  // the last peel may overshoot: density 1 leaves nothing to paste
  EXPECT_GE(last.quasi_p[0][0], 0.0);
  EXPECT_LT(last.quasi_p[0][0], 1e-10);  // removing the cut loses density by far
}

TEST(PrimSearch, RefusesWhatItCannotSearch) {
  data d = threshold_data(100);
  prim_options bad;
  bad.peel_alpha = 0.5;
  EXPECT_THROW(find_box(d.view(), bad), input_error);
  prim_options neg;
  neg.mass_min = -0.1;
  EXPECT_THROW(find_box(d.view(), neg), input_error);
  data none = d;
  none.interest.assign(none.interest.size(), 0);
  EXPECT_THROW(find_box(none.view(), {}), input_error);
  data empty;
  empty.columns.assign(1, {});
  EXPECT_THROW(find_box(empty.view(), {}), input_error);
  data nan = d;
  nan.columns[1][5] = std::nan("");
  EXPECT_THROW(find_box(nan.view(), {}), input_error);
}
