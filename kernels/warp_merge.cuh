#pragma once
/**
 * @file warp_merge.cuh
 * @brief Warp-level merging of the formula core's accumulators: each lane of
 *        a group of G lanes (G a power of two dividing 32) accumulates a
 *        strided share of a scenario's items, then the shares merge in a fixed
 *        tree (deterministic) into the group's first lane.
 */
#include "kernels/formulas.hpp"

namespace coopgrid::kernels::detail {

inline constexpr unsigned full_mask = 0xffffffffu;

// `width`: the shuffle stays inside aligned segments of that many lanes.
template <class T>
__device__ inline compensated_sum<T> shfl_down(const compensated_sum<T>& s, int delta, int width) {
  compensated_sum<T> o;
  o.sum = __shfl_down_sync(full_mask, s.sum, delta, width);
  o.comp = __shfl_down_sync(full_mask, s.comp, delta, width);
  return o;
}

__device__ inline wide_float_sum shfl_down(const wide_float_sum& s, int delta, int width) {
  wide_float_sum o;
  o.sum = __shfl_down_sync(full_mask, s.sum, delta, width);
  return o;
}

__device__ inline factor_product shfl_down(const factor_product& p, int delta, int width) {
  static_assert(sizeof(factor_product) == 2 * sizeof(double) + sizeof(index_t), "shuffle every field");
  factor_product o;
  o.hi = __shfl_down_sync(full_mask, p.hi, delta, width);
  o.lo = __shfl_down_sync(full_mask, p.lo, delta, width);
  o.scale = __shfl_down_sync(full_mask, static_cast<long long>(p.scale), delta, width);
  return o;
}

// Every field of an accumulator is shuffled: a field added to one must be added
// here too (the size checks below catch a forgotten one).
template <class T>
__device__ inline countries_acc<T> shfl_down(const countries_acc<T>& a, int delta, int width) {
  static_assert(sizeof(countries_acc<T>) == 3 * sizeof(item_sum<T>) + sizeof(double), "shuffle every field");
  countries_acc<T> o;
  o.total = shfl_down(a.total, delta, width);
  o.shared = shfl_down(a.shared, delta, width);
  o.variance = shfl_down(a.variance, delta, width);
  o.quota = __shfl_down_sync(full_mask, a.quota, delta, width);
  return o;
}

template <class T>
__device__ inline consensus_acc<T> shfl_down(const consensus_acc<T>& a, int delta, int width) {
  static_assert(sizeof(consensus_acc<T>) == (2 * sizeof(item_sum<T>) + sizeof(factor_product) + sizeof(index_t) +
                                              sizeof(bool) + alignof(consensus_acc<T>) - 1) /
                                                 alignof(consensus_acc<T>) * alignof(consensus_acc<T>),
                "shuffle every field");
  consensus_acc<T> o;
  o.difficulty = shfl_down(a.difficulty, delta, width);
  o.p_all = shfl_down(a.p_all, delta, width);
  o.expected = shfl_down(a.expected, delta, width);
  o.constrained = __shfl_down_sync(full_mask, static_cast<long long>(a.constrained), delta, width);
  o.any_zero = __shfl_down_sync(full_mask, static_cast<int>(a.any_zero), delta, width) != 0;
  return o;
}

template <class T>
__device__ inline scenario_acc<T> shfl_down(const scenario_acc<T>& a, int delta, int width) {
  scenario_acc<T> o;
  o.countries = shfl_down(a.countries, delta, width);
  o.standards = shfl_down(a.standards, delta, width);
  o.resources = shfl_down(a.resources, delta, width);
  o.ethics = shfl_down(a.ethics, delta, width);
  return o;
}

/**
 * @brief Tree-merges the accumulators of each aligned group of G lanes; the
 *        result is valid in the group's first lane. Every lane of the warp
 *        must call it (the shuffles use the full mask).
 */
template <int G, class Acc>
__device__ inline void group_merge_to_leader(Acc& acc) {
  static_assert(G >= 1 && G <= 32 && (G & (G - 1)) == 0, "G: a power of two dividing 32");
COOPGRID_UNROLL
  for (int delta = G / 2; delta > 0; delta >>= 1) {
    const Acc other = shfl_down(acc, delta, G);
    acc.merge(other);
  }
}

}  // namespace coopgrid::kernels::detail
