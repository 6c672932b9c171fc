// The reported statistics (host/reduce/metric_statistics.hpp) from the exact power sums
// every fold keeps (kernels/statistics.hpp): the standard deviation's golden values and
// edge cases, against a two-pass reference in long double on random rows with a mean
// far from zero, through the SIMD and generic folds alike, and merged from units.
#include "host/reduce/metric_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "host/reduce/state.hpp"
#include "tests/support/reduce_compare.hpp"

namespace coopgrid {
namespace {

metric_summary summary_of(const std::vector<double>& xs) {
  metric_summary s;
  for (std::size_t i = 0; i < xs.size(); ++i) s.add(xs[i], static_cast<index_t>(i));
  return s;
}

/// The population standard deviation by two passes in long double (64-bit significand).
double two_pass_sd(const std::vector<double>& xs) {
  long double mean = 0, ss = 0;
  for (double x : xs) mean += x;
  mean /= static_cast<long double>(xs.size());
  for (double x : xs) ss += (x - mean) * (x - mean);
  return static_cast<double>(std::sqrt(ss / static_cast<long double>(xs.size())));
}

TEST(MetricStatistics, TableNamesMeanThenSd) {
  ASSERT_EQ(std::size(metric_statistics), 2u);
  EXPECT_STREQ(metric_statistics[0].name, "mean");
  EXPECT_STREQ(metric_statistics[1].name, "sd");
  EXPECT_EQ(statistic_names(), "mean, sd");
  EXPECT_EQ(num_moments, 2);
}

TEST(MetricStatistics, SdGoldenValues) {
  EXPECT_EQ(sd_of(summary_of({1, 2, 3, 4})), std::sqrt(1.25));  // var = 5/4 exactly, rounded once
  EXPECT_EQ(mean_of(summary_of({1, 2, 3, 4})), 2.5);
  EXPECT_EQ(sd_of(summary_of({2, 4, 4, 4, 5, 5, 7, 9})), 2.0);  // the textbook case
  EXPECT_EQ(sd_of(summary_of({-3, 3})), 3.0);
  EXPECT_EQ(sd_of(summary_of({0.1, 0.2})), 0.05);  // |0.1 - 0.2| / 2, as the doubles hold them
}

TEST(MetricStatistics, SdEdgeCases) {
  EXPECT_TRUE(std::isnan(sd_of(summary_of({}))));  // nothing selected
  EXPECT_EQ(sd_of(summary_of({42.5})), 0.0);
  EXPECT_EQ(sd_of(summary_of(std::vector<double>(1000, 0.1))), 0.0);  // one value throughout: exactly 0
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(std::isnan(sd_of(summary_of({1, inf}))));
  EXPECT_TRUE(std::isnan(sd_of(summary_of({-inf, 1}))));
  // A square past the sums' range: no sd rather than a wrong one.
  EXPECT_TRUE(std::isnan(sd_of(summary_of({0, 1e160}))));
  EXPECT_EQ(sd_of(summary_of({0, 2e150})), 1e150);
  // Subnormal and tiny values: squares underflow, the sd does not pretend otherwise.
  EXPECT_EQ(sd_of(summary_of({0, 0})), 0.0);
  EXPECT_NEAR(sd_of(summary_of({0, 2e-100})), 1e-100, 1e-115);
}

// Rows of mean `offset` and sd ~`scale`: the cancellation grows as offset / scale.
template <class T>
std::vector<metric_row<T>> shifted_rows(std::mt19937_64& rng, std::size_t n, double offset, double scale) {
  std::normal_distribution<double> z(0, 1);
  std::vector<metric_row<T>> rows(n);
  for (auto& r : rows) {
    for (int m = 0; m < num_metrics; ++m) r.v[m] = static_cast<T>(offset * (m + 1) + scale * z(rng));
  }
  return rows;
}

template <class T>
class StatisticsFolds : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(StatisticsFolds, Precisions);

TYPED_TEST(StatisticsFolds, SdMatchesTwoPassThroughEveryFold) {
  using T = TypeParam;
  std::mt19937_64 rng(17);
  for (double offset : {0.0, 1.0, 1e3, 1e4}) {
    const auto rows = shifted_rows<T>(rng, 3 * static_cast<std::size_t>(reduce_unit) + 77, offset, 1.0);
    const reduce_spec spec;
    reduce_state fast(spec), generic(spec), merged(spec);
    const auto n = static_cast<index_t>(rows.size());
    for (index_t lo = 0; lo < n; lo += reduce_unit) {  // a unit at a time, as the backends fold
      const index_t c = std::min(reduce_unit, n - lo);
      fast.add_rows(spec, rows.data() + lo, lo, c);
      generic.add_rows_generic(spec, rows.data() + lo, lo, c);
      reduce_state part(spec);
      part.add_rows(spec, rows.data() + lo, lo, c);
      merged.merge(spec, part);
    }
    test::expect_identical(fast, generic, "offset " + std::to_string(offset));
    test::expect_identical(fast, merged, "merged, offset " + std::to_string(offset));
    for (int m = 0; m < num_metrics; ++m) {
      std::vector<double> xs;
      for (const auto& r : rows) xs.push_back(static_cast<double>(r.v[m]));
      const double want = two_pass_sd(xs), got = sd_of(fast.metrics[m]);
      EXPECT_NEAR(got, want, 4e-16 * want) << "offset " << offset << ", " << metric_names[m];
      EXPECT_EQ(sd_of(merged.metrics[m]), got);
    }
  }
}

}  // namespace
}  // namespace coopgrid
