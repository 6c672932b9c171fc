#pragma once
/**
 * @file extrema.hpp
 * @brief The summary of one metric over the selected scenarios: count,
 *        min/argmin, max/argmax (ties: the lowest index), the exact power
 *        sums of the finite values (kernels/statistics.hpp) and which
 *        infinities occurred. Every fold ends in it; what is reported from it
 *        (mean, ...) is host/reduce/metric_statistics.hpp's.
 */
#include <array>
#include <istream>
#include <limits>
#include <string>

#include "host/reduce/exact_sum.hpp"
#include "kernels/config.hpp"
#include "kernels/statistics.hpp"

namespace coopgrid {

/// Summary of one metric over the selected scenarios.
struct metric_summary {
  index_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  index_t argmin = -1, argmax = -1;
  std::array<exact_sum, num_moments> moments;  ///< power sums of the finite values, exact
  bool has_pos_inf = false, has_neg_inf = false;  ///< infinities decide the mean alone

  /// Adds v (scenario k) exactly: the slow path for single rows.
  void add(double v, index_t k);
  /// Count, extrema and infinities of v; the caller sums finite values (add_rows).
  void add_extrema(double v, index_t k);
  /// Adds a unit's Neumaier pair of power sum j exactly (both parts, always).
  void add_unit_sum(int j, double sum, double comp) {
    moments[static_cast<std::size_t>(j)].add(sum);
    moments[static_cast<std::size_t>(j)].add(comp);
  }
  /// Every power sum counted m times (a value standing for m scenarios: factorized grids).
  void multiply_sums(std::uint64_t m);
  void merge(const metric_summary& o);
  double mean() const;

  /// The power sums as saved-state text: their count, then each as exact_sum hex.
  std::string moments_text() const;
  /// Reads moments_text(); false when damaged; throws usage_error for another count (another build).
  bool parse_moments(std::istream& in, const std::string& what);
};

}  // namespace coopgrid
