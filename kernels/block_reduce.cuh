#pragma once
/**
 * @file block_reduce.cuh
 * @brief The fused reduction's block-scope pieces (reduce_kernel.cuh composes them), each
 *        over its typed part of the block's shared memory (block_smem), in the manner of
 *        CUB's block collectives: the per-warp metric folds (warp_metrics), the block's
 *        top-K list (block_top_k) and its histogram (block_histogram). Every thread of the
 *        block calls every member, in the kernel's order: members that synchronise say so.
 *        Included by reduce_kernel.cuh after its helpers (better, the extrema, shfl_down).
 */

namespace coopgrid::kernels::detail {

/**
 * @brief Warp w folds metrics w and w + block_warps of each tile into lane-local state
 *        (lane l owns threads l, l + 32, ...): extrema for the block's life (lowest index
 *        on ties), Neumaier power sums per unit (kernels/statistics.hpp). Lanes merge in a fixed tree once per unit
 *        (sums) and once per block (extrema).
 */
class warp_metrics {
 public:
  __device__ void begin_unit() {
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
COOPGRID_UNROLL
      for (int j = 0; j < num_moments; ++j) usum_[q][j] = compensated_sum<double>{};
    }
  }

  /// The tile's selected values of this warp's metrics; scenario t's index is base + t run_length + r.
  template <class T>
  __device__ void add_tile(const T* vals, const unsigned char* sel, int warp, int lane, index_t base, int r) {
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
      const int m = warp + q * block_warps;
      if (m >= num_metrics) continue;
COOPGRID_UNROLL
      for (int j = 0; j < block_threads / 32; ++j) {
        const int t = lane + 32 * j;
        if (!sel[t]) continue;
        const double x = static_cast<double>(vals[m * block_threads + t]);
        const index_t idx = base + static_cast<index_t>(t) * run_length + r;
        metric_extrema& e = ext_[q];
        if (takes_min(x, idx, e.min, e.argmin)) {
          e.min = x;
          e.argmin = idx;
        }
        if (takes_max(x, idx, e.max, e.argmax)) {
          e.max = x;
          e.argmax = idx;
        }
        if (isinf(x)) {
          (x > 0 ? e.has_pos_inf : e.has_neg_inf) = 1;
        } else {
          for_each_moment_term(
              x, [&](int j, double t) { usum_[q][j].add(t); }, [&](int j, double e) { usum_[q][j].comp += e; });
        }
      }
    }
  }

  /// The unit's sums: a fixed tree over the lanes, then one store per metric (lane 0).
  __device__ void store_unit(unit_sums& u, int warp, int lane) {
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
      const int m = warp + q * block_warps;
      if (m >= num_metrics) continue;
COOPGRID_UNROLL
      for (int j = 0; j < num_moments; ++j) {
COOPGRID_UNROLL
        for (int d = 16; d > 0; d >>= 1) {
          const compensated_sum<double> os = shfl_down(usum_[q][j], d, 32);
          usum_[q][j].merge(os);
        }
        if (lane == 0) {
          u.sum[m][j] = usum_[q][j].sum;
          u.comp[m][j] = usum_[q][j].comp;
        }
      }
    }
  }

  /// The block's extrema: a fixed tree over the lanes, stored by lane 0.
  __device__ void store_block(block_result& out, int warp, int lane) {
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
      if (warp + q * block_warps >= num_metrics) continue;
COOPGRID_UNROLL
      for (int d = 16; d > 0; d >>= 1) {
        const metric_extrema oe = shfl_down(ext_[q], d);
        merge_extrema(ext_[q], oe);
      }
    }
    if (lane != 0) return;
COOPGRID_UNROLL
    for (int q = 0; q < 2; ++q) {
      const int m = warp + q * block_warps;
      if (m < num_metrics) out.m[m] = ext_[q];
    }
  }

 private:
  metric_extrema ext_[2] = {empty_extrema(), empty_extrema()};
  compensated_sum<double> usum_[2][num_moments];  ///< per owned metric, its power sums
};

/**
 * @brief The block's best top_k (value, index): a list of top_k kept in shared memory,
 *        a tile's candidates staged behind it and merged by a bitonic sort of the list's
 *        width (top_width) when any were staged.
 */
struct block_top_k {
  top_entry_dev* list;       ///< [width]: the list, then the staged candidates
  int* ctl;                  ///< [0] the list's length, [1] candidates staged
  int width;                 ///< top_width(p.top_k), 0 without --top

  /// Empty slots and counters (before the kernel's first barrier).
  __device__ void init(int tid) {
    for (int i = tid; i < width; i += block_threads) list[i] = top_entry_dev{0.0, -1};
    if (tid == 0) {
      ctl[0] = 0;
      ctl[1] = 0;
    }
  }

  /// Whether (v, idx) would enter the list (read before barrier A: the list is stable then).
  __device__ bool is_candidate(const reduce_params& p, double v, index_t idx) const {
    return ctl[0] < p.top_k || better(v, idx, list[p.top_k - 1].value, list[p.top_k - 1].index, p.top_ascending);
  }

  /// Stages a candidate behind the list (between barriers A and B).
  __device__ void stage(double v, index_t idx) {
    const int slot = atomicAdd(&ctl[1], 1);
    list[ctl[0] + slot] = top_entry_dev{v, idx};
  }

  /// After barrier B: the list and the staged candidates sorted best first, the list cut to k.
  /// Synchronises the block when something was staged (the same branch on every thread),
  /// last after the list is final: the next step's is_candidate reads it without a barrier.
  __device__ void merge(const reduce_params& p, int tid) {
    const int staged = ctl[1];
    if (staged == 0) return;
    const int n_total = ctl[0] + staged;
    for (int k2 = 2; k2 <= width; k2 <<= 1) {
      for (int j2 = k2 >> 1; j2 > 0; j2 >>= 1) {
        __syncthreads();
        for (int i = tid; i < width; i += block_threads) {
          const int ixj = i ^ j2;
          if (ixj > i) {
            const top_entry_dev a = list[i], b = list[ixj];
            const bool up = (i & k2) == 0;
            const bool b_first = better(b.value, b.index, a.value, a.index, p.top_ascending);
            if (up == b_first) {
              list[i] = b;
              list[ixj] = a;
            }
          }
        }
      }
    }
    __syncthreads();
    for (int i = static_cast<int>(p.top_k) + tid; i < width; i += block_threads) list[i] = top_entry_dev{0.0, -1};
    if (tid == 0) {
      ctl[0] = min(n_total, static_cast<int>(p.top_k));
      ctl[1] = 0;
    }
    __syncthreads();
  }

  /// The block's list into out[0, k) (after a barrier).
  __device__ void store(const reduce_params& p, top_entry_dev* out, int tid) const {
    for (int i = tid; i < p.top_k; i += block_threads) out[i] = list[i];
  }
};

/**
 * @brief --histogram: bins, below and above, counted in shared memory where they fit
 *        (max_shared_hist_bins) and added to the device's counts once per block, else
 *        counted straight into the device's. A warp's lanes with the same bin add once
 *        (__match_any_sync): a narrow distribution sent up to 32 colliding atomics per
 *        warp step to one bin (256 per block step), now one.
 */
struct block_histogram {
  unsigned long long* shared_bins;  ///< [p.hist_bins + 2] when `shared`
  bool shared;

  __device__ void init(const reduce_params& p, int tid) {
    if (!shared) return;
    for (index_t i = tid; i < p.hist_bins + 2; i += block_threads) shared_bins[i] = 0;
  }
  /// Every lane of the warp calls it; `bin` is histogram_bin's (bins, below, above) or -1 for none.
  __device__ void add_warp(unsigned long long* device_bins, index_t bin, int lane) {
    const unsigned peers = __match_any_sync(full_mask, static_cast<long long>(bin));
    if (bin < 0 || lane != __ffs(static_cast<int>(peers)) - 1) return;
    atomicAdd(shared ? &shared_bins[bin] : &device_bins[bin], static_cast<unsigned long long>(__popc(peers)));
  }
  /// The block's counts into the device's (after a barrier).
  __device__ void flush(const reduce_params& p, unsigned long long* device_bins, int tid) const {
    if (!shared) return;
    for (index_t i = tid; i < p.hist_bins + 2; i += block_threads) {
      if (shared_bins[i] != 0) atomicAdd(&device_bins[i], shared_bins[i]);
    }
  }
};

}  // namespace coopgrid::kernels::detail
