#pragma once
/**
 * @file analysis_kernels.cuh
 * @brief The fused Sobol'/Morris pass on the device (kernels/analysis/sensitivity.hpp):
 *        a chunk of whole analysis units (the first and last may be partial,
 *        cut at absolute unit multiples) goes through three kernels:
 *          terms    a thread per design point: its rows (point_rows) and terms
 *                   (point_terms) into terms[i * total + q]; no point's rows
 *                   cross a thread, so none crosses a chunk;
 *          weights  a thread per (point, replicate): bootstrap_weight as a byte;
 *          sums     a thread per (term q, tile of replicates) of a unit: the
 *                   unit's points in ascending order, a = a + w t rounded alone
 *                   (__dmul_rn, __dadd_rn: no contraction), exactly the
 *                   additions of the host's unit_accumulator, so equal terms
 *                   give bit-identical unit sums.
 *        Kernel bodies only: analysis_kernels.cu launches them, and the SIMT
 *        emulator (tests/support/emulated/) runs the same bodies on the CPU.
 *
 * Counted, not yet measured (METHOD.md; bench/RESULTS.md "Sensitivity on the
 * GPU"), d = 7 groups, 15 metrics, R = 100, Sobol' first order (9 rows,
 * total = 391 terms, boot = 376), per design point on an H200:
 *   terms    9 rows x ~2 kflop = ~20 kflop, ~0.7 kflop of terms; writes
 *            391 x 8 = 3.1 kB (strided per thread: sectors merge in L2).
 *            At 34 TFLOP/s FP64: ~0.6 ns per point.
 *   weights  100 Philox draws + inverse CDF: ~100 x 150 int/fp ops = 15 kop,
 *            100 bytes written: ~0.3 ns per point.
 *   sums     2 x (391 + 100 x 376) = 76 kflop (every product and sum rounded
 *            alone: no FMA, so FP64 at half the FMA rate, ~17 Tflop/s):
 *            ~4.5 ns per point. Terms are re-read once per replicate tile
 *            (13 tiles of 8): 13 x 3.1 kB = 40 kB per point from L2 (a unit's
 *            12.8 MB of terms fits the 50 MB L2; HBM sees ~3 kB) at ~10 TB/s
 *            L2: ~4 ns. So the sums are FP64-bound with L2 close behind:
 *            ~5 ns per point, ~0.2e9 points/s, ~2e9 evaluations/s.
 * The host then adds 38k unit sums exactly per 4096-point unit (~10 ns each:
 * ~0.4 ms a unit, ~0.1 us a point): that, not the device, bounds R = 100 runs
 * unless the adds overlap the next chunk (they do: two slots) and are spread
 * over host threads.
 */
#include "kernels/analysis/sensitivity.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/metrics.hpp"
#include "kernels/thread_index.cuh"

namespace coopgrid::kernels::detail {

/// Replicates one thread of the sums kernel accumulates (its term loaded once for all).
inline constexpr int replicate_tile = 8;

/// The absolute unit index of point b.
__device__ inline index_t unit_of(index_t b) { return b / analysis::analysis_unit; }

/// terms[i * total + q]: the terms of points first + i, i in [0, count).
template <class T>
__global__ void sensitivity_terms_kernel(analysis::sensitivity_view v, analysis::term_layout t, index_t first,
                                         index_t count, double* __restrict__ d_terms) {
  for (index_t i = global_thread_id(); i < count; i += grid_stride()) {
    metric_row<T> rows[analysis::max_rows_per_point];
    analysis::point_rows<T>(v, first + i, rows);
    analysis::point_terms<T>(v, t, first + i, rows, d_terms + i * t.total);
  }
}

/**
 * @brief weights[(u R + r - 1) analysis_unit + b - lo(u)] = the weight of point
 *        b in replicate r (1..R), u the chunk's unit of b (from the chunk's
 *        first point's unit), lo(u) that unit's first absolute index.
 */
static __global__ void bootstrap_weights_kernel(std::uint64_t seed, int replicates, index_t first, index_t count,
                                                unsigned char* __restrict__ d_weights) {
  const index_t n = count * replicates;
  const index_t u0 = unit_of(first);
  for (index_t k = global_thread_id(); k < n; k += grid_stride()) {
    const index_t b = first + k % count;  // consecutive threads: consecutive points of one replicate
    const int r = 1 + static_cast<int>(k / count);
    const index_t u = unit_of(b) - u0;
    const index_t at = (u * replicates + (r - 1)) * analysis::analysis_unit + (b - unit_of(b) * analysis::analysis_unit);
    d_weights[at] = static_cast<unsigned char>(analysis::bootstrap_weight(seed, b, r));
  }
}

/**
 * @brief sums[u S + e]: unit u of the chunk, e = q for replicate 0 (every term)
 *        and total + (r - 1) boot + q for replicate r >= 1 (bootstrapped terms),
 *        S = unit_sums(R). Blocks are (unit, replicate tile, term tile); a
 *        thread owns term q for up to replicate_tile replicates.
 */
static __global__ void unit_sums_kernel(analysis::term_layout t, int replicates, index_t first, index_t count,
                                        int tiles_r, int tiles_q, const double* __restrict__ d_terms,
                                        const unsigned char* __restrict__ d_weights, double* __restrict__ d_sums) {
  const index_t blocks_per_unit = static_cast<index_t>(tiles_r) * tiles_q;
  const index_t u0 = unit_of(first);
  const index_t units = unit_of(first + count - 1) - u0 + 1;
  const index_t stride_s = t.unit_sums(replicates);
  for (index_t blk = global_block_id(); blk < units * blocks_per_unit; blk += grid_block_stride()) {
    const index_t u = blk / blocks_per_unit;
    const int tr = static_cast<int>(blk % blocks_per_unit) / tiles_q;
    const int q = static_cast<int>(blk % tiles_q) * static_cast<int>(blockDim.x) + static_cast<int>(threadIdx.x);
    const int r0 = tr * replicate_tile;
    // Replicate 0 sums every term, the others the bootstrapped ones only.
    if (q >= t.total || (r0 > 0 && q >= t.boot)) continue;
    const int r1 = min(replicates + 1, r0 + replicate_tile);
    const index_t unit_lo = (u0 + u) * analysis::analysis_unit;
    const index_t lo = max(first, unit_lo);
    const index_t hi = min(first + count, unit_lo + analysis::analysis_unit);
    double acc[replicate_tile];
    COOPGRID_UNROLL
    for (int k = 0; k < replicate_tile; ++k) acc[k] = 0.0;
    const bool boot = q < t.boot;
    const unsigned char* w = d_weights + u * replicates * analysis::analysis_unit;  // w[(r - 1) unit + b - unit_lo]
    for (index_t b = lo; b < hi; ++b) {
      const double term = d_terms[(b - first) * t.total + q];
      COOPGRID_UNROLL
      for (int k = 0; k < replicate_tile; ++k) {
        const int r = r0 + k;
        if (r >= r1 || (r > 0 && !boot)) continue;
        // Every weight multiplies, zeros too: the host's additions, one for one.
        const double wr = r == 0 ? 1.0 : static_cast<double>(w[static_cast<index_t>(r - 1) * analysis::analysis_unit + (b - unit_lo)]);
        acc[k] = __dadd_rn(acc[k], __dmul_rn(wr, term));
      }
    }
    double* out = d_sums + u * stride_s;
    COOPGRID_UNROLL
    for (int k = 0; k < replicate_tile; ++k) {
      const int r = r0 + k;
      if (r >= r1 || (r > 0 && !boot)) continue;
      out[r == 0 ? q : t.total + static_cast<index_t>(r - 1) * t.boot + q] = acc[k];
    }
  }
}

}  // namespace coopgrid::kernels::detail
