#pragma once
/**
 * @file warp_merge.cuh
 * @brief Warp-level merging of the formula core's accumulators: each lane
 *        accumulates a strided share of the items, then the shares merge in a
 *        fixed tree (deterministic) into lane 0.
 */
#include "formulas.hpp"

namespace coopgrid::kernels::detail {

inline constexpr unsigned full_mask = 0xffffffffu;

template <class T>
__device__ inline compensated_sum<T> shfl_down(const compensated_sum<T>& s, int delta) {
  compensated_sum<T> o;
  o.sum = __shfl_down_sync(full_mask, s.sum, delta);
  o.comp = __shfl_down_sync(full_mask, s.comp, delta);
  return o;
}

template <class T>
__device__ inline consensus_acc<T> shfl_down(const consensus_acc<T>& a, int delta) {
  consensus_acc<T> o;
  o.difficulty = shfl_down(a.difficulty, delta);
  o.log_p_all = shfl_down(a.log_p_all, delta);
  o.expected = shfl_down(a.expected, delta);
  o.constrained = __shfl_down_sync(full_mask, static_cast<long long>(a.constrained), delta);
  o.any_zero = __shfl_down_sync(full_mask, static_cast<int>(a.any_zero), delta) != 0;
  return o;
}

template <class T>
__device__ inline scenario_acc<T> shfl_down(const scenario_acc<T>& a, int delta) {
  scenario_acc<T> o;
  o.countries.total = shfl_down(a.countries.total, delta);
  o.countries.shared = shfl_down(a.countries.shared, delta);
  o.countries.variance = shfl_down(a.countries.variance, delta);
  o.standards = shfl_down(a.standards, delta);
  o.resources = shfl_down(a.resources, delta);
  o.ethics = shfl_down(a.ethics, delta);
  return o;
}

/// Tree-merges the 32 lanes' accumulators; the result is valid in lane 0.
template <class Acc>
__device__ inline void warp_merge_to_lane0(Acc& acc) {
#pragma unroll
  for (int delta = 16; delta > 0; delta >>= 1) {
    const Acc other = shfl_down(acc, delta);
    acc.merge(other);
  }
}

}  // namespace coopgrid::kernels::detail
