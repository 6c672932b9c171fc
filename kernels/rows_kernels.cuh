#pragma once
/**
 * @file rows_kernels.cuh
 * @brief The per-scenario row kernels: explicit batches (1, 4, 8 or 32 lanes
 *        per scenario) and grids (a thread per scenario, decoded from its
 *        index). Kernel bodies only: evaluate_kernels.cu launches them, and
 *        tests/kernels/simt_emulator.hpp runs the same bodies on the CPU.
 */
#include "batch_view.hpp"
#include "grid_view.hpp"
#include "metrics.hpp"
#include "warp_merge.cuh"

namespace coopgrid::kernels::detail {

/// Scenario k of an explicit batch, evaluated by one thread.
template <class T>
struct batch_scenarios {
  batch_view<T> b;
  __device__ metric_row<T> operator()(index_t k) const { return evaluate_scenario(b, k); }
};

/// Grid scenario k, decoded from its index.
template <class T>
struct grid_scenarios {
  grid_view<T> g;
  __device__ metric_row<T> operator()(index_t k) const { return evaluate_grid_scenario(g, k); }
};

/// rows[i] = all metrics of scenario first + i: a thread per scenario, grid-stride.
template <class T, class Scenarios>
__global__ void thread_rows_kernel(Scenarios scenario, index_t first, index_t count,
                                   metric_row<T>* __restrict__ d_rows) {
  const index_t stride = static_cast<index_t>(gridDim.x) * blockDim.x;
  for (index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    d_rows[i] = scenario(first + i);
  }
}

/**
 * @brief A group of G lanes per scenario (G a power of two dividing 32): the
 *        group's lanes stride over each item list (loads coalesced within the
 *        group), merge in a fixed tree, and the group's first lane writes the
 *        row. G = 32 is a warp per scenario. Small G balances ragged lists
 *        better (a warp waits for the longest of its 32 / G scenarios) and
 *        costs fewer shuffles per scenario (log2 G rounds shared by 32 / G
 *        scenarios); large G suits very long lists.
 */
template <class T, int G>
__global__ void batch_rows_group_kernel(batch_view<T> b, index_t first, index_t count,
                                        metric_row<T>* __restrict__ d_rows) {
  constexpr int per_warp = 32 / G;
  const int lane = threadIdx.x & 31;
  const int sub = lane % G;
  const index_t warp = (static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const index_t stride = static_cast<index_t>(gridDim.x) * (blockDim.x / 32) * per_warp;
  // The loop bound is warp-uniform: every lane reaches the shuffles, even in
  // groups past the end, which merge empty accumulators.
  for (index_t base = warp * per_warp; base < count; base += stride) {
    const index_t w = base + lane / G;
    const bool active = w < count;
    const index_t s = first + w;
    consensus_base<T> sb{}, eb{};
    scenario_acc<T> acc;
    if (active) {
      sb = standards_base_of(b, s);
      eb = ethics_base_of(b, s);
      accumulate_items(b, s, sb, eb, static_cast<index_t>(sub), static_cast<index_t>(G), acc);
    }
    group_merge_to_leader<G>(acc);
    metric_row<T> row{};
    if (active && sub == 0) row = finish_scenario(acc, sb, eb, b.activities[s], b.countries_per_activity[s]);
    // The group stores the row together (lane j: metrics j, j + G, ...), so a
    // warp writes its rows in a few coalesced stores, not 14 scattered ones.
    constexpr int per_lane = (num_metrics + G - 1) / G;
    T mine[per_lane] = {};
    COOPGRID_UNROLL
    for (int m = 0; m < num_metrics; ++m) {
      const T v = __shfl_sync(full_mask, row.v[m], 0, G);
      if (m % G == sub) mine[m / G] = v;
    }
    if (active) {
      COOPGRID_UNROLL
      for (int j = 0; j < per_lane; ++j) {
        const int m = sub + j * G;
        if (m < num_metrics) d_rows[w].v[m] = mine[j];
      }
    }
  }
}

static __global__ void rebase_offsets_kernel(index_t* __restrict__ d_offsets, index_t n, index_t base) {
  const index_t stride = static_cast<index_t>(gridDim.x) * blockDim.x;
  for (index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    d_offsets[i] -= base;
  }
}

}  // namespace coopgrid::kernels::detail
