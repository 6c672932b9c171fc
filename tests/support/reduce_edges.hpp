#pragma once
// A check for tests that compare a device's --reduce counts with the CPU
// backend's: no value may lie within a few ulps of a histogram bin edge or a
// --where threshold, where one ulp of a device's expm1 or log1p moves a count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "host/backends/cpu_backend.hpp"
#include "host/reduce/state.hpp"
#include "host/source/source.hpp"

namespace coopgrid::test {

/// The histogram slot of x as reduce_state counts it: a bin, or -1 below, -2 above.
inline index_t hist_slot(const reduce_spec& spec, double x) {
  if (x < spec.hist_lo) return -1;
  if (x > spec.hist_hi) return -2;
  const double width = spec.hist_hi - spec.hist_lo;
  const auto bin = width > 0 ? static_cast<index_t>((x - spec.hist_lo) / width * static_cast<double>(spec.hist_bins))
                             : 0;
  return std::min<index_t>(bin, spec.hist_bins - 1);
}

/// True when some value within `ulps` ulps of x (in T) gives `outcome` another value than x does.
template <class T, class Outcome>
bool near_edge(T x, int ulps, Outcome outcome) {
  if (!std::isfinite(x)) return false;  // infinities are exact on every device
  const auto at = outcome(static_cast<double>(x));
  T lo = x, hi = x;
  for (int i = 0; i < ulps; ++i) {
    lo = std::nextafter(lo, -std::numeric_limits<T>::infinity());
    hi = std::nextafter(hi, std::numeric_limits<T>::infinity());
    if (outcome(static_cast<double>(lo)) != at || outcome(static_cast<double>(hi)) != at) return true;
  }
  return false;
}

/**
 * @brief Asserts that no scenario of `src` (the CPU backend's values in
 *        precision T) has a --where metric within `ulps` ulps of its threshold,
 *        or, when selected, a histogram value within `ulps` ulps of a bin edge.
 */
template <class T>
void expect_clear_of_edges(const source& src, const reduce_spec& spec, int ulps = 16) {
  const bool hist = spec.hist_metric >= 0 && spec.hist_range_given;
  auto cpu = make_cpu_backend<T>(src, {});
  const index_t n = src.num_scenarios(), piece = index_t{1} << 20;
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(std::min(n, piece)));
  index_t near = 0;
  std::string first;
  for (index_t lo = 0; lo < n; lo += piece) {
    const index_t count = std::min(piece, n - lo);
    cpu->evaluate(lo, count, rows.data());
    for (index_t i = 0; i < count; ++i) {
      const T* v = rows[static_cast<std::size_t>(i)].v;
      bool selected = true;
      int edge = -1;  // the metric found near an edge
      for (const auto& f : spec.where) {
        const auto passes = [&](double x) { return f.at_least ? x >= f.threshold : x <= f.threshold; };
        if (near_edge(v[f.metric], ulps, passes)) edge = f.metric;
        selected = selected && passes(static_cast<double>(v[f.metric]));
      }
      if (hist && selected && near_edge(v[spec.hist_metric], ulps, [&](double x) { return hist_slot(spec, x); })) {
        edge = spec.hist_metric;
      }
      if (edge >= 0 && near++ == 0) {
        first = "scenario " + std::to_string(lo + i) + ", " + metric_names[edge] + " = " +
                std::to_string(static_cast<double>(v[edge]));
      }
    }
  }
  EXPECT_EQ(near, 0) << near << " scenarios lie within " << ulps << " ulps of a threshold or bin edge (the first: "
                     << first << "): one ulp of a device's arithmetic would move a count";
}

}  // namespace coopgrid::test
