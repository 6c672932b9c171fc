#pragma once
/**
 * @file reduce_kernel.cuh
 * @brief The fused evaluate-and-reduce kernel: scenarios are evaluated and
 *        folded into per-block extrema, per-unit sums, a per-block top-K list
 *        and a histogram without any per-scenario row reaching device memory.
 *        Kernel body only: reduce_kernels.cu launches it, and
 *        tests/kernels/simt_emulator.hpp runs the same body on the CPU.
 *
 * Work split: the range is cut into units of reduce_unit scenarios; a
 * persistent grid of blocks takes units round-robin. Extrema, counts, top-K
 * and histograms merge exactly in any order; sums are kept per unit and merged
 * on the host in unit order, so results are the same for any grid size.
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
constexpr int run_length = 8;                  // consecutive scenarios per thread per super-tile
constexpr int block_warps = block_threads / 32;
static_assert(reduce_unit % (block_threads * run_length) == 0, "units hold whole super-tiles");
static_assert(num_metrics <= 2 * block_warps, "each warp owns at most two metrics");

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
    if (p.filter_at_least[f] ? !(x >= p.filter_threshold[f]) : !(x <= p.filter_threshold[f])) return false;
  }
  return true;
}

/// Best-first order of top entries; an empty slot (index -1) is worst.
__device__ inline bool better(double va, index_t ia, double vb, index_t ib, bool ascending) {
  if (ia < 0) return false;
  if (ib < 0) return true;
  if (va != vb) return ascending ? va < vb : va > vb;
  return ia < ib;
}

__device__ inline void merge_extrema(metric_extrema& a, const metric_extrema& b) {
  if (b.argmin >= 0 && (a.argmin < 0 || b.min < a.min || (b.min == a.min && b.argmin < a.argmin))) {
    a.min = b.min;
    a.argmin = b.argmin;
  }
  if (b.argmax >= 0 && (a.argmax < 0 || b.max > a.max || (b.max == a.max && b.argmax < a.argmax))) {
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
  if (p.top_k > 0) o += static_cast<std::size_t>(top_width(p.top_k)) * sizeof(top_entry_dev);
  l.hist_offset = o;
  if (p.hist_metric >= 0 && p.hist_bins <= max_shared_hist_bins) {
    o += static_cast<std::size_t>(p.hist_bins + 2) * sizeof(unsigned long long);
  }
  l.vals_offset = o;
  o += static_cast<std::size_t>(num_metrics) * block_threads * sizeof(T);
  o = (o + 15) / 16 * 16;
  l.sel_offset = o;
  o += block_threads;
  o = (o + 15) / 16 * 16;
  l.ctl_offset = o;
  o += 4 * sizeof(int);
  l.total = o;
  return l;
}

template <class T, class Eval>
__global__ void __launch_bounds__(block_threads) fused_reduce_kernel(Eval ev, index_t first, index_t count,
                                                               index_t index_offset, reduce_params p,
                                                               reduce_outputs out) {
  COOPGRID_DYNAMIC_SMEM(smem);
  const smem_layout lay = layout_for<T>(p);
  top_entry_dev* top = reinterpret_cast<top_entry_dev*>(smem + lay.top_offset);
  unsigned long long* s_hist = reinterpret_cast<unsigned long long*>(smem + lay.hist_offset);
  T* vals = reinterpret_cast<T*>(smem + lay.vals_offset);  // [metric][thread]
  unsigned char* sel = smem + lay.sel_offset;
  int* ctl = reinterpret_cast<int*>(smem + lay.ctl_offset);  // [0] top_n, [1] staged
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const bool shared_hist = p.hist_metric >= 0 && p.hist_bins <= max_shared_hist_bins;
  const int width = p.top_k > 0 ? top_width(p.top_k) : 0;

  for (int i = tid; i < width; i += block_threads) top[i] = top_entry_dev{0.0, -1};
  if (shared_hist) {
    for (index_t i = tid; i < p.hist_bins + 2; i += block_threads) s_hist[i] = 0;
  }
  if (tid == 0) {
    ctl[0] = 0;
    ctl[1] = 0;
  }
  metric_extrema ext[2] = {empty_extrema(), empty_extrema()};  // lane-local for the block's life
  index_t selected_total = 0;
  __syncthreads();

  const index_t units = (count + reduce_unit - 1) / reduce_unit;
  for (index_t u = global_block_id(); u < units; u += grid_block_stride()) {
    const index_t unit_lo = u * reduce_unit;
    const index_t unit_hi = min(count, unit_lo + reduce_unit);
    compensated_sum<double> usum[2];  // lane-local for this unit
    for (index_t st = unit_lo; st < unit_hi; st += block_threads * run_length) {
      const index_t k0 = st + static_cast<index_t>(tid) * run_length;
      typename Eval::cursor c{};
      if (k0 < unit_hi) c = ev.start(first + k0);
      for (int r = 0; r < run_length; ++r) {
        const index_t k = k0 + r;
        const index_t gidx = index_offset + first + k;
        bool is_sel = false;
        double by_value = 0;
        if (k < unit_hi) {
          const metric_row<T> row = ev.eval(c);
          ev.next(c);
COOPGRID_UNROLL
          for (int m = 0; m < num_metrics; ++m) vals[m * block_threads + tid] = row.v[m];
          is_sel = passes(p, vals, tid);
          if (is_sel && p.hist_metric >= 0) {
            const double x = static_cast<double>(vals[p.hist_metric * block_threads + tid]);
            const index_t bin = histogram_bin(x, p.hist_lo, p.hist_hi, p.hist_bins);  // bins, below, above
            atomicAdd(shared_hist ? &s_hist[bin] : &out.d_hist[bin], 1ULL);
          }
          if (p.top_k > 0) by_value = static_cast<double>(vals[p.top_by * block_threads + tid]);
        }
        sel[tid] = is_sel;
        const bool candidate =
            is_sel && p.top_k > 0 &&
            (ctl[0] < p.top_k ||
             better(by_value, gidx, top[p.top_k - 1].value, top[p.top_k - 1].index, p.top_ascending));
        __syncthreads();  // A: vals and sel visible
        if (candidate) {
          const int slot = atomicAdd(&ctl[1], 1);
          top[ctl[0] + slot] = top_entry_dev{by_value, gidx};
        }
        // Warp w folds metrics w and w + 8 of this tile into lane-local state
        // (lane l owns threads l, l + 32, ...); lanes merge once per unit/block.
COOPGRID_UNROLL
        for (int q = 0; q < 2; ++q) {
          const int m = warp + q * block_warps;
          if (m < num_metrics) {
COOPGRID_UNROLL
            for (int j = 0; j < block_threads / 32; ++j) {
              const int t = lane + 32 * j;
              if (!sel[t]) continue;
              const double x = static_cast<double>(vals[m * block_threads + t]);
              const index_t idx = index_offset + first + st + static_cast<index_t>(t) * run_length + r;
              metric_extrema& e = ext[q];
              if (e.argmin < 0 || x < e.min || (x == e.min && idx < e.argmin)) {
                e.min = x;
                e.argmin = idx;
              }
              if (e.argmax < 0 || x > e.max || (x == e.max && idx < e.argmax)) {
                e.max = x;
                e.argmax = idx;
              }
              if (isinf(x)) {
                (x > 0 ? e.has_pos_inf : e.has_neg_inf) = 1;
              } else {
                usum[q].add(x);
              }
            }
          }
        }
        const int tile_selected = __syncthreads_count(is_sel);  // B: candidates staged
        if (tid == 0) selected_total += tile_selected;
        const int staged = ctl[1];
        if (staged > 0) {
          // Bitonic sort of list + candidates, best first; keep top_k.
          const int n_total = ctl[0] + staged;
          for (int k2 = 2; k2 <= width; k2 <<= 1) {
            for (int j2 = k2 >> 1; j2 > 0; j2 >>= 1) {
              __syncthreads();
              for (int i = tid; i < width; i += block_threads) {
                const int ixj = i ^ j2;
                if (ixj > i) {
                  const top_entry_dev a = top[i], b = top[ixj];
                  const bool up = (i & k2) == 0;
                  const bool b_first = better(b.value, b.index, a.value, a.index, p.top_ascending);
                  if (up == b_first) {
                    top[i] = b;
                    top[ixj] = a;
                  }
                }
              }
            }
          }
          __syncthreads();
          for (int i = p.top_k + tid; i < width; i += block_threads) top[i] = top_entry_dev{0.0, -1};
          if (tid == 0) {
            ctl[0] = min(n_total, p.top_k);
            ctl[1] = 0;
          }
        }
        __syncthreads();  // C: list, counters and vals free for the next step
      }
    }
    // The unit's sums: a fixed tree over the lanes, then one store per metric.
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
      const int m = warp + q * block_warps;
      if (m < num_metrics) {
COOPGRID_UNROLL
        for (int d = 16; d > 0; d >>= 1) {
          const compensated_sum<double> os = shfl_down(usum[q], d, 32);
          usum[q].merge(os);
        }
        if (lane == 0) {
          out.d_units[u].sum[m] = usum[q].sum;
          out.d_units[u].comp[m] = usum[q].comp;
        }
      }
    }
  }

COOPGRID_UNROLL
  for (int q = 0; q < 2; ++q) {
    if (warp + q * block_warps < num_metrics) {
COOPGRID_UNROLL
      for (int d = 16; d > 0; d >>= 1) {
        const metric_extrema oe = shfl_down(ext[q], d);
        merge_extrema(ext[q], oe);
      }
    }
  }

  block_result* mine = out.d_blocks + global_block_id();
  if (lane == 0) {
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
      const int m = warp + q * block_warps;
      if (m < num_metrics) mine->m[m] = ext[q];
    }
  }
  if (tid == 0) mine->selected = selected_total;
  __syncthreads();
  for (int i = tid; i < p.top_k; i += block_threads) {
    out.d_top[global_block_id() * p.top_k + i] = top[i];
  }
  if (shared_hist) {
    for (index_t i = tid; i < p.hist_bins + 2; i += block_threads) {
      if (s_hist[i] != 0) atomicAdd(&out.d_hist[i], s_hist[i]);
    }
  }
}

}  // namespace coopgrid::kernels::detail
