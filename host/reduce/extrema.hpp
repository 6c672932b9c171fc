#pragma once
/**
 * @file extrema.hpp
 * @brief The summary of one metric over the selected scenarios: count,
 *        min/argmin, max/argmax (ties: the lowest index), the exact sum of
 *        the finite values and which infinities occurred (the mean).
 */
#include <limits>

#include "host/reduce/exact_sum.hpp"
#include "kernels/config.hpp"

namespace coopgrid {

/// Summary of one metric over the selected scenarios.
struct metric_summary {
  index_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  index_t argmin = -1, argmax = -1;
  exact_sum sum;  ///< finite values only, exact
  bool has_pos_inf = false, has_neg_inf = false;  ///< infinities decide the mean alone

  /// Adds v (scenario k) exactly: the slow path for single rows.
  void add(double v, index_t k);
  /// Count, extrema and infinities of v; the caller sums finite values (add_rows).
  void add_extrema(double v, index_t k);
  void merge(const metric_summary& o);
  double mean() const;
};

}  // namespace coopgrid
