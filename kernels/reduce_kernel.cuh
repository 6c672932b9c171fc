#pragma once
/**
 * @file reduce_kernel.cuh
 * @brief The fused evaluate-and-reduce kernel: scenarios are evaluated and
 *        folded into per-block extrema, per-unit sums, a per-block top-K list
 *        and a histogram without any per-scenario row reaching device memory.
 *        Kernel body only: reduce_kernels.cu launches it, and
 *        tests/kernels/simt_emulator.hpp runs the same body on the CPU.
 *
 * Work split: the range is cut into tiles of reduce_tile scenarios; a
 * persistent grid of blocks takes tiles round-robin. Extrema, counts, top-K
 * and histograms merge exactly in any order; sums are kept per tile, merged in
 * tile order per unit (combine_tile_sums_kernel) and the units' pairs added
 * exactly on the host, so results are the same for any grid size.
 */
#include <cstddef>

#include "kernels/batch_view.hpp"
#include "kernels/block_tables.hpp"
#include "kernels/design/design_view.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/grid_view.hpp"
#include "kernels/histogram.hpp"
#include "kernels/launch.hpp"
#include "kernels/thread_index.cuh"
#include "kernels/warp_merge.cuh"

namespace coopgrid::kernels::detail {

constexpr int block_threads = reduce_threads;  // 8 warps
constexpr int run_length = static_cast<int>(reduce_tile / block_threads);  // consecutive scenarios per thread per tile
constexpr int block_warps = block_threads / 32;
constexpr index_t tiles_per_unit = reduce_unit / reduce_tile;
static_assert(max_metrics <= 2 * block_warps, "each warp owns at most two metrics");

/// A grid as a scenario source: an odometer over the block indices, decoded
/// once per run; a scenario is table lookups (kernels/block_tables.hpp).
template <class T>
struct grid_eval {
  tabulated_grid_view<T> t;
  struct cursor {
    block_point q;
  };
  __device__ cursor start(index_t k) const { return {decode_block_index(t, k)}; }
  __device__ metric_row<T> eval(const cursor& c) const { return evaluate_block_point(t, c.q); }
  __device__ void next(cursor& c) const { advance_block_point(t, c.q); }
};

/// A grid evaluated from its fields (no tables): what grid_eval must reproduce.
template <class T>
struct grid_direct_eval {
  grid_view<T> g;
  struct cursor {
    grid_point p;
  };
  __device__ cursor start(index_t k) const { return {decode_grid_index(g, k)}; }
  __device__ metric_row<T> eval(const cursor& c) const { return evaluate_grid_point(g, c.p); }
  __device__ void next(cursor& c) const { advance_grid_point(g, c.p); }
};

/// An explicit batch as a scenario source (a thread per scenario).
template <class T>
struct batch_eval {
  batch_view<T> b;
  struct cursor {
    index_t k;
  };
  __device__ cursor start(index_t k) const { return {k}; }
  __device__ metric_row<T> eval(const cursor& c) const { return evaluate_scenario(b, c.k); }
  __device__ void next(cursor& c) const { ++c.k; }
};

/// A design as a scenario source: each sample is decoded from its index alone.
template <class T>
struct design_eval {
  design::design_view d;
  struct cursor {
    index_t i;
  };
  __device__ cursor start(index_t i) const { return {i}; }
  __device__ metric_row<T> eval(const cursor& c) const { return design::evaluate_design_sample<T>(d, c.i); }
  __device__ void next(cursor& c) const { ++c.i; }
};

/// Filters read the thread's own column of the tile (shared memory, not a
/// run-time-indexed register array, which would go to local memory).
template <class T>
__device__ inline bool passes(const reduce_params& p, const T* vals, int tid) {
  for (int f = 0; f < p.num_filters; ++f) {
    const double x = static_cast<double>(vals[p.filter_metric[f] * block_threads + tid]);
    if (!passes_filter(x, p.filter_at_least[f] != 0, p.filter_threshold[f])) return false;
  }
  return true;
}

/// Best-first order of top entries; an empty slot (index -1) is worst.
__device__ inline bool better(double va, index_t ia, double vb, index_t ib, bool ascending) {
  if (ia < 0) return false;
  if (ib < 0) return true;
  return ranks_before(va, ia, vb, ib, ascending);
}

__device__ inline void merge_extrema(metric_extrema& a, const metric_extrema& b) {
  if (b.argmin >= 0 && takes_min(b.min, b.argmin, a.min, a.argmin)) {
    a.min = b.min;
    a.argmin = b.argmin;
  }
  if (b.argmax >= 0 && takes_max(b.max, b.argmax, a.max, a.argmax)) {
    a.max = b.max;
    a.argmax = b.argmax;
  }
  a.has_pos_inf |= b.has_pos_inf;
  a.has_neg_inf |= b.has_neg_inf;
}

__device__ inline metric_extrema empty_extrema() {
  return metric_extrema{__longlong_as_double(0x7ff0000000000000LL),
                        __longlong_as_double(static_cast<long long>(0xfff0000000000000ULL)), -1, -1,
                        0, 0};
}

__device__ inline metric_extrema shfl_down(const metric_extrema& e, int d) {
  metric_extrema o;
  o.min = __shfl_down_sync(full_mask, e.min, d);
  o.max = __shfl_down_sync(full_mask, e.max, d);
  o.argmin = __shfl_down_sync(full_mask, static_cast<long long>(e.argmin), d);
  o.argmax = __shfl_down_sync(full_mask, static_cast<long long>(e.argmax), d);
  o.has_pos_inf = __shfl_down_sync(full_mask, e.has_pos_inf, d);
  o.has_neg_inf = __shfl_down_sync(full_mask, e.has_neg_inf, d);
  return o;
}

}  // namespace coopgrid::kernels::detail

#include "kernels/block_reduce.cuh"

namespace coopgrid::kernels::detail {

/// Next power of two >= top_k + block_threads (the bitonic network's width).
__host__ __device__ inline int top_width(int top_k) {
  int w = 1;
  while (w < top_k + block_threads) w <<= 1;
  return w;
}

struct smem_layout {
  std::size_t top_offset, hist_offset, vals_offset, sel_offset, ctl_offset, total;
};

template <class T>
__host__ __device__ inline smem_layout layout_for(const reduce_params& p) {
  smem_layout l{};
  std::size_t o = 0;
  l.top_offset = o;
  if (p.top_k > 0) o += static_cast<std::size_t>(top_width(static_cast<int>(p.top_k))) * sizeof(top_entry_dev);
  l.hist_offset = o;
  if (p.hist_metric >= 0 && p.hist_bins <= max_shared_hist_bins) {
    o += static_cast<std::size_t>(p.hist_bins + 2) * sizeof(unsigned long long);
  }
  l.vals_offset = o;
  o += 2 * static_cast<std::size_t>(num_metrics) * block_threads * sizeof(T);
  o = (o + 15) / 16 * 16;
  l.sel_offset = o;
  o += 2 * block_threads;
  o = (o + 15) / 16 * 16;
  l.ctl_offset = o;
  o += 4 * sizeof(int);
  l.total = o;
  return l;
}

/// The block's shared memory, carved by smem_layout into typed pieces (the one place that casts).
template <class T>
struct block_smem {
  top_entry_dev* top;       ///< block_top_k's list and candidates [top_width]
  unsigned long long* hist; ///< block_histogram's bins, below, above (when they fit)
  T* vals;                  ///< a step's metrics [buffer][metric][thread], two buffers
  unsigned char* sel;       ///< a step's selection [buffer][thread]
  int* ctl;                 ///< [0] the top list's length, [1] candidates staged
};

template <class T>
__device__ inline block_smem<T> carve(unsigned char* smem, const smem_layout& lay) {
  return {reinterpret_cast<top_entry_dev*>(smem + lay.top_offset),
          reinterpret_cast<unsigned long long*>(smem + lay.hist_offset), reinterpret_cast<T*>(smem + lay.vals_offset),
          smem + lay.sel_offset, reinterpret_cast<int*>(smem + lay.ctl_offset)};
}

/// One step's buffers: what threads wrote before barrier A, read by every warp after it.
template <class T>
struct step_buffers {
  T* vals;
  unsigned char* sel;
};

/**
 * @brief The fused reduction: a persistent grid of blocks takes tiles round-robin; each
 *        step of a tile (one scenario per thread, run_length steps) is evaluated into one
 *        of two shared buffers and folded by the block pieces of block_reduce.cuh
 *        (warp_metrics, block_top_k, block_histogram). One barrier per step (A: the
 *        step visible, its selection counted): the next step writes the other buffer,
 *        and a thread reaches the next A only after folding this one. With --top, B
 *        (candidates staged) and the merge's own barriers follow.
 *        __launch_bounds__(256, 2): at most 128 registers, 2 blocks per SM (158 in f64
 *        batches before, 1 block per SM).
 */
template <class T, class Eval>
__global__ void __launch_bounds__(block_threads, 2)
    fused_reduce_kernel(Eval ev, index_t first, index_t count, index_t index_offset, reduce_params p,
                        reduce_outputs out) {
  COOPGRID_DYNAMIC_SMEM(smem);
  const block_smem<T> sm = carve<T>(smem, layout_for<T>(p));
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  block_top_k top{sm.top, sm.ctl, p.top_k > 0 ? top_width(static_cast<int>(p.top_k)) : 0};
  block_histogram hist{sm.hist, p.hist_metric >= 0 && p.hist_bins <= max_shared_hist_bins};
  warp_metrics folds;
  top.init(tid);
  hist.init(p, tid);
  index_t selected_total = 0;
  int buf = 0;
  __syncthreads();

  const index_t tiles = reduce_tiles_in(count);
  for (index_t tile = global_block_id(); tile < tiles; tile += grid_block_stride()) {
    const index_t tile_lo = tile * reduce_tile;
    const index_t tile_hi = min(count, tile_lo + reduce_tile);
    const index_t k0 = tile_lo + static_cast<index_t>(tid) * run_length;
    typename Eval::cursor c{};
    if (k0 < tile_hi) c = ev.start(first + k0);
    folds.begin_unit();
    for (int r = 0; r < run_length; ++r, buf ^= 1) {
      const step_buffers<T> b{sm.vals + buf * num_metrics * block_threads, sm.sel + buf * block_threads};
      const index_t k = k0 + r;
      bool is_sel = false;
      double by_value = 0;
      index_t bin = -1;
      if (k < tile_hi) {
        const metric_row<T> row = ev.eval(c);
        ev.next(c);
COOPGRID_UNROLL
        for (int m = 0; m < num_metrics; ++m) b.vals[m * block_threads + tid] = row.v[m];
        is_sel = passes(p, b.vals, tid);
        if (is_sel && p.hist_metric >= 0) {
          bin = histogram_bin(static_cast<double>(b.vals[p.hist_metric * block_threads + tid]), p.hist_lo, p.hist_hi,
                              p.hist_bins);
        }
        if (p.top_k > 0) by_value = static_cast<double>(b.vals[p.top_by * block_threads + tid]);
      }
      b.sel[tid] = is_sel;
      if (p.hist_metric >= 0) hist.add_warp(out.d_hist, bin, lane);
      const bool candidate = is_sel && p.top_k > 0 && top.is_candidate(p, by_value, index_offset + first + k);
      const int step_selected = __syncthreads_count(is_sel);  // A: the step visible
      if (tid == 0) selected_total += step_selected;
      folds.add_tile(b.vals, b.sel, warp, lane, index_offset + first + tile_lo, r);
      if (p.top_k > 0) {
        if (candidate) top.stage(by_value, index_offset + first + k);
        __syncthreads();  // B: candidates staged
        top.merge(p, tid);
      }
    }
    folds.store_unit(out.d_tiles[tile], warp, lane);
  }
  block_result* mine = out.d_blocks + global_block_id();
  folds.store_block(*mine, warp, lane);
  if (tid == 0) mine->selected = selected_total;
  __syncthreads();
  top.store(p, out.d_top + global_block_id() * p.top_k, tid);
  hist.flush(p, out.d_hist, tid);
}

/// d_units[u] = the Neumaier merge of unit u's tile pairs in tile order (a thread per unit, metric and power sum).
static __global__ void combine_tile_sums_kernel(const unit_sums* __restrict__ d_tiles, index_t tiles,
                                         unit_sums* __restrict__ d_units) {
  const index_t units = (tiles + tiles_per_unit - 1) / tiles_per_unit;
  constexpr int per_unit = num_metrics * num_moments;
  for (index_t i = global_thread_id(); i < units * per_unit; i += grid_stride()) {
    const index_t u = i / per_unit;
    const int m = static_cast<int>(i % per_unit) / num_moments, j = static_cast<int>(i % per_unit) % num_moments;
    compensated_sum<double> s;
    const index_t hi = min(tiles, (u + 1) * tiles_per_unit);
    for (index_t t = u * tiles_per_unit; t < hi; ++t) {
      s.merge(compensated_sum<double>{d_tiles[t].sum[m][j], d_tiles[t].comp[m][j]});
    }
    d_units[u].sum[m][j] = s.sum;
    d_units[u].comp[m][j] = s.comp;
  }
}

}  // namespace coopgrid::kernels::detail
