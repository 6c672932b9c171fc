#pragma once
// Bit-for-bit comparison of two --reduce states, random rows with edge
// values, and the generic fold of a backend's rows chunk by chunk: the SIMD
// folds' tests (plain_fold, filtered_fold, the CPU backend) check against it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/backends/cpu_backend.hpp"
#include "host/reduce/state.hpp"

namespace coopgrid::test {

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Counts, extrema (first index on ties), exact sums, infinities, top list and histogram, to the bit.
inline void expect_identical(const reduce_state& a, const reduce_state& b, const std::string& what) {
  EXPECT_EQ(a.scenarios, b.scenarios) << what;
  EXPECT_EQ(a.selected, b.selected) << what;
  for (int m = 0; m < num_metrics; ++m) {
    const auto &x = a.metrics[m], &y = b.metrics[m];
    const std::string name = what + " " + metric_names[m];
    EXPECT_EQ(x.count, y.count) << name;
    EXPECT_EQ(x.argmin, y.argmin) << name;
    EXPECT_EQ(x.argmax, y.argmax) << name;
    EXPECT_TRUE(same_bits(x.min, y.min)) << name << ": " << x.min << " vs " << y.min;
    EXPECT_TRUE(same_bits(x.max, y.max)) << name << ": " << x.max << " vs " << y.max;
    EXPECT_TRUE(x.moments == y.moments) << name << ": " << x.moments[0].value() << " vs " << y.moments[0].value();
    EXPECT_EQ(x.has_pos_inf, y.has_pos_inf) << name;
    EXPECT_EQ(x.has_neg_inf, y.has_neg_inf) << name;
    EXPECT_TRUE(same_bits(x.mean(), y.mean())) << name;
  }
  ASSERT_EQ(a.top.size(), b.top.size()) << what;
  for (std::size_t i = 0; i < a.top.size(); ++i) {
    EXPECT_TRUE(same_bits(a.top[i].first, b.top[i].first)) << what << " top " << i;
    EXPECT_EQ(a.top[i].second, b.top[i].second) << what << " top " << i;
  }
  EXPECT_EQ(a.hist.bins, b.hist.bins) << what;
  EXPECT_EQ(a.hist.below, b.hist.below) << what;
  EXPECT_EQ(a.hist.above, b.hist.above) << what;
}

/// Rows of small multiples of 0.5 (ties everywhere), with edge values sprinkled in (NaN unless no_nan).
template <class T>
std::vector<metric_row<T>> random_rows(std::mt19937_64& rng, std::size_t n, double edge_rate, bool no_nan = false) {
  const T inf = std::numeric_limits<T>::infinity();
  const T edges[] = {inf, -inf, T(-0.0), T(0), std::numeric_limits<T>::max(), -std::numeric_limits<T>::max(),
                     std::numeric_limits<T>::denorm_min(), T(1e-30), std::numeric_limits<T>::quiet_NaN()};
  const std::size_t edge_count = std::size(edges) - (no_nan ? 1 : 0);
  std::uniform_int_distribution<int> small(-6, 6);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<metric_row<T>> rows(n);
  for (auto& r : rows) {
    for (auto& v : r.v) {
      v = u(rng) < edge_rate ? edges[rng() % edge_count] : static_cast<T>(small(rng) * 0.5);
    }
  }
  return rows;
}

/// The generic fold of a backend's rows, chunk by chunk as the CPU backend's brute-force reduce splits them.
template <class T>
reduce_state generic_reduce(backend<T>& be, const reduce_spec& spec, index_t first, index_t count) {
  reduce_state total(spec);
  std::vector<metric_row<T>> rows;
  for (index_t lo = first; lo < first + count; lo += cpu_reduce_chunk) {
    const index_t n = std::min(first + count, lo + cpu_reduce_chunk) - lo;
    rows.resize(static_cast<std::size_t>(n));
    be.evaluate(lo, n, rows.data());
    reduce_state s(spec);
    s.add_rows_generic(spec, rows.data(), lo, n);
    total.merge(spec, s);
  }
  total.finish(spec);
  return total;
}

}  // namespace coopgrid::test
