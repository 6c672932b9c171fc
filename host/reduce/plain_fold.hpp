#pragma once
/**
 * @file plain_fold.hpp
 * @brief The --reduce fold of the common case, a spec with no --where, --top
 *        or --histogram: counts, extrema and sums only, with every metric in
 *        a SIMD lane (row order kept per metric, so the bits are add_rows').
 */
#include <cstdint>

#include "host/reduce/state.hpp"

namespace coopgrid {

/// Doubles per row of a plain fold: the metrics, padded to whole 8-lane vectors (the pad lane is ignored).
inline constexpr int plain_lanes = max_metrics;

/// True when spec asks for counts, extrema and sums only: reduce_state::add_rows may take the plain fold.
inline bool is_plain(const reduce_spec& spec) {
  return spec.where.empty() && spec.top_k == 0 && spec.hist_metric < 0;
}

/**
 * @brief Folds the rows of one reduction unit into a reduce_state for a plain
 *        spec: the same comparisons and Neumaier steps as add_rows, per metric
 *        in row order, so the same bits (extrema, first index on ties, sums).
 *        The SIMD kernel carries the running values; the index of an extremum
 *        that moved, and which infinities occurred, are found per batch from
 *        its rows. Rows come in batches, in index order; nothing reaches the
 *        state before finish().
 */
class plain_unit_fold {
 public:
  /// Starts a unit whose first row is scenario `first`.
  plain_unit_fold(reduce_state& st, index_t first);
  plain_unit_fold(const plain_unit_fold&) = delete;
  plain_unit_fold& operator=(const plain_unit_fold&) = delete;
  ~plain_unit_fold() = default;

  /// Adds the next `count` rows, plain_lanes doubles each (row-major).
  /// finite_lanes (num_metrics flags, or null): the metrics the caller knows
  /// finite in every row; their lanes skip the masks (same bits, faster).
  void add(const double* rows, index_t count, const bool* finite_lanes = nullptr);
  /// Adds the selected rows of the next `scenarios` scenarios (a --where):
  /// `count` rows, row i being scenario next + offset[i] (offsets increasing).
  void add_selected(const double* rows, const index_t* offset, index_t count, index_t scenarios,
                    const bool* finite_lanes = nullptr);
  /// Writes counts, extrema, infinities and the unit's sums into the state;
  /// rows added after it start the next unit.
  void finish();

  /// What the SIMD kernel carries from row to row, one lane per metric; the
  /// indices of the extrema and the infinities are found per batch afterwards.
  struct lanes {
    alignas(64) double min[plain_lanes], max[plain_lanes];
    alignas(64) double sum[num_moments][plain_lanes], comp[num_moments][plain_lanes];  ///< power sums (Neumaier)
    alignas(64) std::int64_t finite[plain_lanes];  ///< the batch's finite values: fewer than its rows, a NaN or infinity
  };

 private:
  /// The running values, then the extrema's indices and infinities, of `count` rows (offset: as add_selected's).
  void fold(const double* rows, const index_t* offset, index_t count, const bool* finite_lanes);

  reduce_state& st_;
  index_t first_, next_;  ///< the unit's first scenario, and the next one to come
  index_t selected_ = 0;  ///< rows added since first_
  lanes l_;
  index_t argmin_[plain_lanes], argmax_[plain_lanes];
  bool pos_inf_[plain_lanes], neg_inf_[plain_lanes];
};

}  // namespace coopgrid
