#pragma once
/**
 * @file factorized.hpp
 * @brief Exact grid reductions from the blocks' sub-grids. Every metric
 *        depends on the fields of one block (MODEL.md), so a grid is the
 *        product of its five blocks' sub-grids and a --where selection the
 *        product of per-block selections: counts, extrema, sums, top-K and
 *        histograms follow from each block's values and the multiplicities of
 *        the others, in time proportional to the sum of the sub-grid sizes.
 *
 * Gives what the element-wise fold (reduce_state::add_rows over every
 * scenario) gives: the same counts, argmin/argmax (lowest index on ties),
 * top-K entries and histogram counts, the same min/max bits (block values come
 * from the same formula core in the same precision), and the exact mean (value
 * times multiplicity summed exactly, where the fold rounds once per unit).
 */
#include <memory>

#include "host/reduce/marginal.hpp"
#include "host/reduce/state.hpp"
#include "host/source/grid.hpp"

namespace coopgrid {

/// Largest block sub-grid reduced factorized (its table holds a double per
/// point and metric); a grid with a larger block keeps the element-wise path.
inline constexpr index_t factorized_max_block_points = index_t{1} << 24;

/// The block tables of one grid in one precision; reduces any index range.
class factorized_grid {
 public:
  /// True when every block's sub-grid has at most factorized_max_block_points points.
  static bool applicable(const grid& g);
  /// Evaluates every block's sub-grid in precision T (float or double).
  template <class T>
  static factorized_grid build(const grid& g);

  factorized_grid(factorized_grid&&) noexcept;
  factorized_grid& operator=(factorized_grid&&) noexcept;
  ~factorized_grid();

  /**
   * @brief The reduction of scenarios [first, first + count) under spec, as
   *        brute force gives it (finished: top sorted and trimmed). The range
   *        is cut into at most 9 sub-products (mixed-radix prefixes over the
   *        blocks). Not thread-safe: it caches the whole blocks' summaries of
   *        the last spec.
   */
  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count);

  /**
   * @brief Adds the scenarios [first, first + count) that pass spec to the
   *        marginal m, whose axes are grid axes (their `input` a grid field):
   *        per block, its selected points grouped by the marginal's fields in
   *        it, and each cell the product of one group per block. Gives
   *        fold_marginals' counts, extrema and exact sums. Not thread-safe
   *        (caches the whole blocks' groups per marginal).
   */
  void add_marginal(const reduce_spec& spec, marginal& m, index_t first, index_t count);

 private:
  struct impl;
  explicit factorized_grid(std::unique_ptr<impl> p);
  std::unique_ptr<impl> p_;
};

/**
 * @brief True when a factorized reduction `f` equals the element-wise fold `b`
 *        of the same range and spec as the contract says: counts, argmin/argmax,
 *        infinities, top-K and histogram counts identical, min/max to the bit,
 *        means within 1e-12 of the metric's scale (max of |mean|, |min|, |max|).
 */
bool factorized_agrees(const reduce_state& f, const reduce_state& b);

/// One-shot form: builds the tables of g in precision T and reduces [first, first + count).
template <class T>
reduce_state factorized_grid_reduce(const grid& g, const reduce_spec& spec, index_t first, index_t count);

extern template factorized_grid factorized_grid::build<float>(const grid&);
extern template factorized_grid factorized_grid::build<double>(const grid&);
extern template reduce_state factorized_grid_reduce<float>(const grid&, const reduce_spec&, index_t, index_t);
extern template reduce_state factorized_grid_reduce<double>(const grid&, const reduce_spec&, index_t, index_t);

}  // namespace coopgrid
