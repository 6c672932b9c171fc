#pragma once
/**
 * @file rows_kernels.cuh
 * @brief The per-scenario row kernels: explicit batches (1, 4, 8 or 32 lanes
 *        per scenario), grids and designs (a thread per scenario, decoded from
 *        its index). Kernel bodies only: evaluate_kernels.cu launches them, and
 *        tests/kernels/simt_emulator.hpp runs the same bodies on the CPU.
 */
#include "kernels/batch_view.hpp"
#include "kernels/block_tables.hpp"
#include "kernels/design/design_view.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/grid_view.hpp"
#include "kernels/metrics.hpp"
#include "kernels/thread_index.cuh"
#include "kernels/warp_merge.cuh"

namespace coopgrid::kernels::detail {

/// Threads per block of the row kernels. __launch_bounds__(rows_threads, 4): at most
/// 128 registers, so 4 blocks (16 warps) fit per SM; the f64 lane-group kernels took
/// 132-136 unbounded, 3 blocks (12 warps).
inline constexpr int rows_threads = 128;
inline constexpr int rows_min_blocks = 4;


/// Scenario k of an explicit batch, evaluated by one thread.
template <class T>
struct batch_scenarios {
  batch_view<T> b;
  __device__ metric_row<T> operator()(index_t k) const { return evaluate_scenario(b, k); }
};

/// Grid scenario k, decoded from its index into block indices, read from the block tables.
template <class T>
struct grid_scenarios {
  tabulated_grid_view<T> t;
  __device__ metric_row<T> operator()(index_t k) const { return evaluate_tabulated_scenario(t, k); }
};

/// Grid scenario k evaluated from its fields (no tables): what the tables must reproduce.
template <class T>
struct grid_direct_scenarios {
  grid_view<T> g;
  __device__ metric_row<T> operator()(index_t k) const { return evaluate_grid_scenario(g, k); }
};

/// Design sample k, decoded from its index.
template <class T>
struct design_samples {
  design::design_view d;
  __device__ metric_row<T> operator()(index_t k) const { return design::evaluate_design_sample<T>(d, k); }
};

/// rows[i] = all metrics of scenario first + i: a thread per scenario, grid-stride.
template <class T, class Scenarios>
__global__ void __launch_bounds__(rows_threads, rows_min_blocks) thread_rows_kernel(Scenarios scenario, index_t first, index_t count,
                                   metric_row<T>* __restrict__ d_rows) {
  for (index_t i = global_thread_id(); i < count; i += grid_stride()) {
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
__global__ void __launch_bounds__(rows_threads, rows_min_blocks) batch_rows_group_kernel(batch_view<T> b, index_t first, index_t count,
                                        metric_row<T>* __restrict__ d_rows) {
  constexpr int per_warp = 32 / G;
  const int lane = threadIdx.x & 31;
  const int sub = lane % G;
  const index_t warp = global_thread_id() / 32;
  const index_t stride = grid_stride() / 32 * per_warp;
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
    // warp writes its rows in a few coalesced stores, not num_metrics scattered ones.
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

// ---- Balanced: fixed-length segments of every list, spread over the warp ----

/// Items a lane sums sequentially before its partial is merged: long enough to
/// amortise the owner's merges (serial, one lane per scenario), short enough
/// that each scenario's last, partial segment wastes little. Counted for W1's
/// lists (countries 1-128, the others 1-32 or 1-16): ~70% of lanes busy,
/// against ~52% for a thread per scenario.
inline constexpr int countries_segment = 16;
inline constexpr int consensus_segment = 8;

/// Bytes between partials in shared memory: an odd number of 8-byte words, so
/// the 32 lanes' accesses to one field fall in different banks.
template <class Acc>
inline constexpr std::size_t part_stride = ((sizeof(Acc) + 7) / 8 | 1) * 8;

/// Per-warp shared scratch of the balanced kernel.
template <class T>
struct segment_scratch {
  index_t off[33];  ///< item offsets of the warp's 32 scenarios (and the end)
  int seg[33];      ///< scenario j's segments are [seg[j], seg[j + 1])
  double log_q[32];  ///< consensus invariant of each scenario's current list
  alignas(16) unsigned char parts[32 * part_stride<consensus_acc<T>>];  ///< one partial per lane
  static_assert(part_stride<consensus_acc<T>> >= part_stride<countries_acc<T>> &&
                    part_stride<consensus_acc<T>> >= part_stride<item_sum<T>>,
                "parts fit every list's partial");
};

/**
 * @brief One list of the warp's n scenarios [s0, s0 + n): its items are cut
 *        into segments of K (aligned to each scenario's first item), the
 *        warp's lanes take 32 segments at a time whatever scenario they
 *        belong to, and lane j merges scenario j's segment partials into
 *        `owner` in segment order. The summation order depends only on K and
 *        the items, so results do not depend on chunking or warp grouping.
 */
template <int K, class T, class Acc, class AddItem>
__device__ inline void segmented_list(segment_scratch<T>* sc, const index_t* offsets, index_t s0, int n,
                                      int lane, Acc& owner, AddItem add_item) {
  if (lane < n) sc->off[lane] = offsets[s0 + lane];
  if (lane == 0) sc->off[n] = offsets[s0 + n];
  __syncwarp();
  const int nseg = lane < n ? static_cast<int>((sc->off[lane + 1] - sc->off[lane] + K - 1) / K) : 0;
  int incl = nseg;  // inclusive scan over the lanes
  COOPGRID_UNROLL
  for (int d = 1; d < 32; d <<= 1) {
    const int t = __shfl_up_sync(full_mask, incl, d);
    if (lane >= d) incl += t;
  }
  sc->seg[lane] = incl - nseg;
  if (lane == 31) sc->seg[32] = incl;
  const int total = __shfl_sync(full_mask, incl, 31);
  __syncwarp();
  auto part_at = [&](int slot) { return reinterpret_cast<Acc*>(sc->parts + slot * part_stride<Acc>); };
  for (int r0 = 0; r0 < total; r0 += 32) {
    const int g = r0 + lane;
    Acc part;
    if (g < total) {
      // The scenario owning segment g: the last j with seg[j] <= g (it has a segment).
      int lo = 0, hi = n - 1;
      while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (sc->seg[mid] <= g) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      const index_t start = sc->off[lo] + static_cast<index_t>(g - sc->seg[lo]) * K;
      const index_t end = min(start + K, sc->off[lo + 1]);
      for (index_t i = start; i < end; ++i) add_item(part, i, lo);
    }
    *part_at(lane) = part;
    __syncwarp();
    if (lane < n) {
      const int a = max(sc->seg[lane], r0), e = min(sc->seg[lane + 1], r0 + 32);
      for (int q = a; q < e; ++q) owner.merge(*part_at(q - r0));
    }
    __syncwarp();
  }
}

/**
 * @brief Lane-balanced rows: a warp takes 32 consecutive scenarios, and for
 *        each list its lanes share the list's fixed-length segments evenly,
 *        so a warp costs the mean of its scenarios' work, not the maximum
 *        (the thread and lane-group schedules wait for the longest list).
 *        Needs warps x sizeof(segment_scratch<T>) bytes of dynamic shared memory.
 */
template <class T>
__global__ void __launch_bounds__(rows_threads, rows_min_blocks) batch_rows_balanced_kernel(batch_view<T> b, index_t first, index_t count,
                                           metric_row<T>* __restrict__ d_rows) {
  COOPGRID_DYNAMIC_SMEM(smem);
  const int lane = threadIdx.x & 31;
  segment_scratch<T>* sc = reinterpret_cast<segment_scratch<T>*>(smem) + threadIdx.x / 32;
  const index_t warp = global_thread_id() / 32;
  for (index_t base = warp * 32; base < count; base += grid_stride()) {  // warp-uniform
    const int n = static_cast<int>(min(static_cast<index_t>(32), count - base));
    const index_t s0 = first + base;
    const index_t s = s0 + lane;
    const bool active = lane < n;
    scenario_acc<T> acc;
    segmented_list<countries_segment>(sc, b.country_offsets, s0, n, lane, acc.countries,
                                      [&](countries_acc<T>& a, index_t i, int) {
                                        a.add(b.datasets[i], b.country_share_prob[i]);
                                      });
    consensus_base<T> sb{}, eb{};
    if (active) {
      sb = standards_base_of(b, s);
      eb = ethics_base_of(b, s);
    }
    // Standards and ethics: each segment's item needs its own scenario's invariant.
    auto consensus_list = [&](consensus_base<T> own, const index_t* offsets, const T* difficulty,
                              consensus_acc<T>& into) {
      sc->log_q[lane] = own.log_q;
      segmented_list<consensus_segment>(sc, offsets, s0, n, lane, into,
                                        [&](consensus_acc<T>& a, index_t i, int j) {
                                          a.add(consensus_base<T>{sc->off[j + 1] - sc->off[j], sc->log_q[j]},
                                                difficulty[i]);
                                        });
    };
    consensus_list(sb, b.standard_offsets, b.standard_difficulty, acc.standards);
    segmented_list<consensus_segment>(sc, b.resource_offsets, s0, n, lane, acc.resources,
                                      [&](item_sum<T>& a, index_t i, int) {
                                        a.add(b.resource_share_prob[i]);
                                      });
    consensus_list(eb, b.ethics_offsets, b.ethics_difficulty, acc.ethics);
    if (active) d_rows[base + lane] = finish_scenario(acc, sb, eb, b.activities[s], b.countries_per_activity[s]);
  }
}

/// Fills the block tables of t (every tabulated block's points, a thread per
/// point) into d_values: on the device, so they hold the device's own bits.
template <class T>
__global__ void __launch_bounds__(rows_threads, rows_min_blocks) block_tables_kernel(tabulated_grid_view<T> t, index_t rows, T* __restrict__ d_values) {
  for (index_t r = global_thread_id(); r < rows; r += grid_stride()) tabulate_block_row(t, r, d_values);
}

static __global__ void rebase_offsets_kernel(index_t* __restrict__ d_offsets, index_t n, index_t base) {
  for (index_t i = global_thread_id(); i < n; i += grid_stride()) d_offsets[i] -= base;
}

}  // namespace coopgrid::kernels::detail
