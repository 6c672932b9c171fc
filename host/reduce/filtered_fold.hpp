#pragma once
/**
 * @file filtered_fold.hpp
 * @brief The --reduce fold of any spec at the plain fold's speed: --where
 *        picks a batch's rows (reduce_spec::passes), the plain fold takes the
 *        picked ones, and only rows that can still enter the top K reach its
 *        list; the histogram bins each picked row (reduce_state's own code).
 *        The same bits as add_rows_generic.
 */
#include <vector>

#include "host/reduce/plain_fold.hpp"

namespace coopgrid {

/// Rows filtered_unit_fold picks from at a time (its copy of them: 16 KiB, stays in L1).
inline constexpr index_t filtered_batch = 128;

/**
 * @brief Folds the rows of one reduction unit into a reduce_state for any
 *        spec, as add_rows_generic does: the picked rows' counts, extrema and
 *        sums by the plain fold, top-K candidates and histogram bins by
 *        reduce_state::add_top and add_to_histogram.
 *
 * Top-K: add_rows_generic appends every picked row to the state's list and
 * trims it to the K best whenever it reaches 2K + 64 entries (~9 ns a row on
 * grid_main, an nth_element of 2K + 64 per K + 64 rows). Here rows go to a
 * tail instead, and at each of those trims only the tail's rows that beat the
 * K-th entry of the last trim (top_better; the others have K better entries
 * already) join the list: the same K best, sorted, so the same list after
 * every trim, and at finish() the tail is appended as add_rows_generic would
 * have. A NaN has no order (the trim's result then depends on every
 * candidate): a trim that meets one takes the whole tail.
 */
class filtered_unit_fold {
 public:
  /// Starts a unit whose first row is scenario `first`; spec must outlive the fold.
  filtered_unit_fold(reduce_state& st, const reduce_spec& spec, index_t first);
  filtered_unit_fold(const filtered_unit_fold&) = delete;
  filtered_unit_fold& operator=(const filtered_unit_fold&) = delete;
  ~filtered_unit_fold() = default;

  /// Adds the next `count` rows, plain_lanes doubles each (plain_unit_fold::add's).
  void add(const double* rows, index_t count, const bool* finite_lanes = nullptr);
  /// Writes the unit into the state (plain_unit_fold::finish) and the tail into its top list.
  void finish();

 private:
  /// At most filtered_batch rows.
  void add_batch(const double* rows, index_t count, const bool* finite_lanes);
  /// The top-K candidates and histogram bins of `count` picked rows (offset: from next_).
  void add_picked(const double* rows, const index_t* offset, index_t count);
  /// Appends `count` picked rows to the tail, trimming where add_rows_generic would.
  void add_top(const double* rows, const index_t* offset, index_t count);
  /// add_rows_generic's trim, of the list and the tail's rows that may enter it.
  void trim_top();

  reduce_state& st_;
  const reduce_spec& spec_;
  plain_unit_fold plain_;
  index_t next_;             ///< the scenario of the next row
  std::vector<top_entry> tail_;  ///< picked rows since the last trim: the first tail_n_
  std::size_t tail_n_ = 0;
  bool has_bar_ = false;         ///< the last trim left K entries, no NaN: bar_ is the K-th
  top_entry bar_;
  alignas(64) double picked_[filtered_batch * plain_lanes];
  index_t offset_[filtered_batch];
};

}  // namespace coopgrid
