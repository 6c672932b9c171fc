#pragma once
/**
 * @file accumulate.hpp
 * @brief The host's unit sums of an analysis (kernels/analysis/sensitivity.hpp):
 *        points' terms summed in ascending point order, one unit at a time, and
 *        added exactly to a sensitivity_state. Every CPU path (the cpu backend's
 *        fused pass, and the row-based path of any backend) uses this one.
 */
#include <functional>
#include <vector>

#include "host/analysis/sensitivity_state.hpp"
#include "kernels/analysis/sensitivity.hpp"

namespace coopgrid {

/// The double sums of the unit being summed, fed points in ascending order.
class unit_accumulator {
 public:
  explicit unit_accumulator(const analysis::sensitivity_view& v);
  /// Adds points [first, first + count) whose terms are terms[i * layout().total + q].
  void add_points(index_t first, int count, const double* terms);
  /// Adds the unit to `s` exactly and starts the next one.
  void flush_into(sensitivity_state& s);
  const analysis::term_layout& layout() const { return layout_; }

 private:
  std::uint64_t seed_;
  int replicates_;
  analysis::term_layout layout_;
  index_t points_ = 0;
  std::vector<double> sums_;
  std::vector<double> weights_;  ///< the bootstrap weights of a group's points
};

/// w[r - 1] = analysis::bootstrap_weight(seed, b, r) for r = 1 .. replicates (vectorised; the same integers).
void bootstrap_weights(std::uint64_t seed, index_t b, int replicates, double* w);

/// Points of one accumulation group: terms of this many points are held at once.
inline constexpr int accumulate_group = 8;

/**
 * @brief Sums points [first, first + count) (first a multiple of analysis_unit,
 *        or the shard's start) from their rows, unit by unit: rows_of(first_row,
 *        num_rows, out) evaluates rows (any backend's evaluate()).
 */
template <class T>
sensitivity_state sensitivity_by_rows(const analysis::sensitivity_view& v, index_t first, index_t count,
                                      const std::function<void(index_t, index_t, metric_row<T>*)>& rows_of,
                                      const std::function<void(index_t)>& progress);

/// Sums points [first, first + count) on `threads` threads with the formula core (the cpu backend).
template <class T>
sensitivity_state sensitivity_fused(const analysis::sensitivity_view& v, index_t first, index_t count, int threads,
                                    const std::function<void(index_t)>& progress);

/**
 * @brief Cuts [first, first + count) into units aligned to absolute multiples of
 *        analysis_unit and calls fn(lo, n) for each, in order.
 */
template <class Fn>
void for_each_unit(index_t first, index_t count, Fn&& fn) {
  index_t lo = first;
  while (lo < first + count) {
    const index_t end = std::min(first + count, (lo / analysis::analysis_unit + 1) * analysis::analysis_unit);
    fn(lo, end - lo);
    lo = end;
  }
}

}  // namespace coopgrid
