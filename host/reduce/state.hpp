#pragma once
/**
 * @file state.hpp
 * @brief The --reduce state: counts, per-metric extrema and exact sums, the
 *        top-K list and the histogram. It merges exactly and in a fixed
 *        order, so results do not depend on thread count or chunk size.
 */
#include <array>
#include <vector>

#include "host/reduce/extrema.hpp"
#include "host/reduce/histogram_counts.hpp"
#include "host/reduce/spec.hpp"
#include "host/reduce/top_k.hpp"
#include "kernels/formulas.hpp"
#include "kernels/histogram.hpp"
#include "kernels/metrics.hpp"

namespace coopgrid {

struct reduce_state {
  index_t scenarios = 0;  ///< evaluated
  index_t selected = 0;   ///< passing every filter
  std::array<metric_summary, num_metrics> metrics;
  std::vector<top_entry> top;  ///< best first after finish(); may hold extra candidates before
  histogram_counts hist;

  /// Sets up the histogram bins of `spec`.
  explicit reduce_state(const reduce_spec& spec = {});

  /**
   * @brief Adds rows [first, first + count) (values widened to double) that pass
   *        the filters. Finite values are summed in row order (Neumaier) and the
   *        result added exactly: call it once per reduction unit. It takes the
   *        SIMD fold (host/reduce/filtered_fold.hpp), with add_rows_generic's
   *        bits.
   */
  template <class T>
  void add_rows(const reduce_spec& spec, const metric_row<T>* rows, index_t first, index_t count);
  /// add_rows, one row and metric after another: the contract (the SIMD folds' tests compare with it).
  template <class T>
  void add_rows_generic(const reduce_spec& spec, const metric_row<T>* rows, index_t first, index_t count);
  /// Adds one row of scenario k (already widened).
  void add(const reduce_spec& spec, const double* v, index_t k);
  /// Folds `o` in, exactly (counts, extrema, top lists, histograms and sums alike).
  void merge(const reduce_spec& spec, const reduce_state& o);
  /// Sorts and trims the top list to K.
  void finish(const reduce_spec& spec);

  /// Counts a selected row's value x of the histogram metric in its bin (hist not empty).
  void add_to_histogram(const reduce_spec& spec, double x) {
    hist.add(histogram_bin(x, spec.hist_lo, spec.hist_hi, spec.hist_bins));
  }

 private:
  /// The top-K candidate and histogram bin of a selected row.
  void add_selected(const reduce_spec& spec, const double* v, index_t k);
};

}  // namespace coopgrid
