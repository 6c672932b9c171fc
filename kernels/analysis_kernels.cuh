#pragma once
/**
 * @file analysis_kernels.cuh
 * @brief The fused Sobol'/Morris pass on the device (kernels/analysis/sensitivity.hpp):
 *        a chunk of whole analysis units (the first and last may be partial,
 *        cut at absolute unit multiples) goes through four kernels:
 *          rows     a thread per (point, row): rows[i * rows_per_point + r] in
 *                   the chunk's row buffer (point_rows' rows, side by side);
 *          terms    a thread per (point, metric): point_metric_terms from the
 *                   point's rows into terms[i * total + q] (point_terms' bits);
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
 *   rows     9 rows x ~2 kflop = ~20 kflop; writes 9 x 144 B = 1.3 kB of rows
 *            (f64), which the terms kernel reads back once (from L2 mostly).
 *   terms    ~0.7 kflop of terms; writes 391 x 8 = 3.1 kB (a thread's metric
 *            block contiguous, its neighbours' next to it).
 *            Both at 34 TFLOP/s FP64: ~0.6 ns per point.
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
#include <cstring>

#include "kernels/analysis/sensitivity.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/metrics.hpp"
#include "kernels/thread_index.cuh"

namespace coopgrid::kernels::detail {

/// Replicates one thread of the sums kernel accumulates (its term loaded once for all).
inline constexpr int replicate_tile = 8;
/// Points whose terms and weights the sums kernel loads before their adds (4: four
/// terms and a word of 4 weights per replicate in flight per L2 latency instead of
/// one point's; 4 terms + 8 words + 8 sums stay well inside the register budget below).
inline constexpr int sums_ahead = 4;
static_assert(analysis::analysis_unit % sums_ahead == 0, "4-point steps stay 4-aligned in a unit");
/// Threads of every analysis block, and the floor of blocks of them an SM holds (the
/// weights kernel's bound): (256, 2) caps a thread at 65536 / (2 x 256) = 128 registers.
inline constexpr int analysis_threads = 256;
inline constexpr int analysis_min_blocks = 2;
/// Tighter where ptxas sm_90 (nvcc 13.0) fits without spills, counted:
///   rows: 3 blocks (<= 85 registers): 76 at f64, 68 at f32; at 4 (<= 64) f64 spills 108 bytes;
///   terms: 4 blocks (<= 64): 64 registers, 224-byte stack (100 and 400 bytes under 2);
///   sums: 4 blocks (<= 64), 1024 threads as at 56 registers before: 64 registers
///         (115 and 2 blocks under 2; at 3, 80 with 12 bytes of spills).
inline constexpr int rows_min_blocks = 3;
inline constexpr int terms_min_blocks = 4;
inline constexpr int sums_min_blocks = 4;

/// The absolute unit index of point b.
__device__ inline index_t unit_of(index_t b) { return b / analysis::analysis_unit; }

/// rows[k] = design row first * rows_per_point + k: a thread per (point, row), so a
/// point's rows run side by side and no thread holds them (3.4 kB of local memory
/// per thread at f64 and 24 rows before).
template <class T>
__global__ void __launch_bounds__(analysis_threads, rows_min_blocks)
    sensitivity_rows_kernel(design::design_view d, index_t first, index_t count, metric_row<T>* __restrict__ d_rows) {
  const index_t rpp = d.rows_per_point;
  const index_t n = count * rpp;
  for (index_t k = global_thread_id(); k < n; k += grid_stride()) {
    d_rows[k] = design::evaluate_design_sample<T>(d, first * rpp + k);
  }
}

/**
 * @brief terms[i * total + q]: the terms of points first + i, i in [0, count),
 *        from their rows (rows[i * rows_per_point ..]); a thread per (point,
 *        metric) (point_metric_terms: point_terms' bits), 15x the threads of a
 *        thread per point, so a chunk of 2^17 points fills the device.
 */
template <class T>
__global__ void __launch_bounds__(analysis_threads, terms_min_blocks)
    sensitivity_terms_kernel(analysis::sensitivity_view v, analysis::term_layout t, index_t first, index_t count,
                             const metric_row<T>* __restrict__ d_rows, double* __restrict__ d_terms) {
  const int per_point = v.num_metrics > 0 ? v.num_metrics : 1;  // no metric: terms[0] only
  const index_t rpp = v.design.rows_per_point;
  for (index_t k = global_thread_id(); k < count * per_point; k += grid_stride()) {
    const index_t i = k / per_point;
    const int m = static_cast<int>(k % per_point);
    analysis::point_metric_terms<T>(v, t, first + i, d_rows + i * rpp, m, min(m + 1, v.num_metrics),
                                    d_terms + i * t.total);
  }
}

/**
 * @brief weights[(u R + r - 1) analysis_unit + b - lo(u)] = the weight of point
 *        b in replicate r (1..R), u the chunk's unit of b (from the chunk's
 *        first point's unit), lo(u) that unit's first absolute index.
 */
static __global__ void __launch_bounds__(analysis_threads, analysis_min_blocks)
    bootstrap_weights_kernel(std::uint64_t seed, int replicates, index_t first, index_t count,
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

/// One sums thread's replicates [r0, r1) of its term; bootstrapped: the term is in replicates >= 1.
struct sums_tile {
  int r0, r1;
  bool boot;
  /// Whether replicate r0 + k is summed: replicate 0 sums every term, the others the bootstrapped ones.
  __device__ bool has(int k) const { return r0 + k < r1 && (r0 + k == 0 || boot); }
};

/// The weights of replicate r for n points (n = 1 or 4) from p: a byte, or four in one
/// 32-bit load (p 4-aligned; byte j of the word is point j's: little-endian, host and device).
template <int n>
__device__ inline unsigned int load_weights(const unsigned char* __restrict__ p) {
  static_assert(n == 1 || n == 4, "a byte or a word");
  if constexpr (n == 1) {
    return p[0];
  } else {
#if defined(__CUDA_ARCH__)
    return *reinterpret_cast<const unsigned int*>(p);
#else
    unsigned int w;  // the emulated device: no byte array read through a word pointer
    std::memcpy(&w, p, sizeof w);
    return w;
#endif
  }
}

/**
 * @brief acc[k] = acc[k] + w t over n consecutive points: term[j] = t_b[j total],
 *        weights of replicate r at w_b[(r - 1) analysis_unit + j] (4-aligned when
 *        n = 4). Every load is issued before the first add (n terms and one word
 *        of weights per replicate in flight, not one L2 latency per point); the
 *        adds then go in ascending points, each rounded alone, as before.
 */
template <int n>
__device__ inline void add_points(const sums_tile& s, const double* __restrict__ t_b, index_t total,
                                  const unsigned char* __restrict__ w_b, double (&acc)[replicate_tile]) {
  double term[n];
  unsigned int wt[replicate_tile];  // byte j: point j's weight; replicate 0's are all 1
  COOPGRID_UNROLL
  for (int j = 0; j < n; ++j) term[j] = t_b[j * total];
  COOPGRID_UNROLL
  for (int k = 0; k < replicate_tile; ++k) {
    const int r = s.r0 + k;
    wt[k] = s.has(k) && r > 0 ? load_weights<n>(w_b + static_cast<index_t>(r - 1) * analysis::analysis_unit)
                              : 0x01010101u;
  }
  COOPGRID_UNROLL
  for (int j = 0; j < n; ++j) {
    COOPGRID_UNROLL
    for (int k = 0; k < replicate_tile; ++k) {
      // Every weight multiplies, zeros too: the host's additions, one for one.
      const double w = static_cast<double>((wt[k] >> (8 * j)) & 0xffu);
      if (s.has(k)) acc[k] = __dadd_rn(acc[k], __dmul_rn(w, term[j]));
    }
  }
}

/**
 * @brief sums[u S + e]: unit u of the chunk, e = q for replicate 0 (every term)
 *        and total + (r - 1) boot + q for replicate r >= 1 (bootstrapped terms),
 *        S = unit_sums(R). Blocks are (unit, replicate tile, term tile); a
 *        thread owns term q for up to replicate_tile replicates.
 */
static __global__ void __launch_bounds__(analysis_threads, sums_min_blocks)
    unit_sums_kernel(analysis::term_layout t, int replicates, index_t first, index_t count, int tiles_r, int tiles_q,
                     const double* __restrict__ d_terms, const unsigned char* __restrict__ d_weights,
                     double* __restrict__ d_sums) {
  const index_t blocks_per_unit = static_cast<index_t>(tiles_r) * tiles_q;
  const index_t u0 = unit_of(first);
  const index_t units = unit_of(first + count - 1) - u0 + 1;
  const index_t stride_s = t.unit_sums(replicates);
  for (index_t blk = global_block_id(); blk < units * blocks_per_unit; blk += grid_block_stride()) {
    const index_t u = blk / blocks_per_unit;
    const int tr = static_cast<int>(blk % blocks_per_unit) / tiles_q;
    const int q = static_cast<int>(blk % tiles_q) * static_cast<int>(blockDim.x) + static_cast<int>(threadIdx.x);
    const int r0 = tr * replicate_tile;
    if (q >= t.total || (r0 > 0 && q >= t.boot)) continue;
    const sums_tile s{r0, min(replicates + 1, r0 + replicate_tile), q < t.boot};
    const index_t unit_lo = (u0 + u) * analysis::analysis_unit;
    const index_t lo = max(first, unit_lo);
    const index_t hi = min(first + count, unit_lo + analysis::analysis_unit);
    double acc[replicate_tile];
    COOPGRID_UNROLL
    for (int k = 0; k < replicate_tile; ++k) acc[k] = 0.0;
    const unsigned char* w = d_weights + u * replicates * analysis::analysis_unit;  // w[(r - 1) unit + b - unit_lo]
    const double* tq = d_terms + q;
    index_t b = lo;
    // Single points up to a multiple of 4 in the unit (a chunk may start anywhere), so
    // the 4-point steps read each replicate's 4 weights as one aligned word.
    for (; b < hi && (b - unit_lo) % sums_ahead != 0; ++b) {
      add_points<1>(s, tq + (b - first) * t.total, t.total, w + (b - unit_lo), acc);
    }
    for (; b + sums_ahead <= hi; b += sums_ahead) {
      add_points<sums_ahead>(s, tq + (b - first) * t.total, t.total, w + (b - unit_lo), acc);
    }
    for (; b < hi; ++b) add_points<1>(s, tq + (b - first) * t.total, t.total, w + (b - unit_lo), acc);
    double* out = d_sums + u * stride_s;
    COOPGRID_UNROLL
    for (int k = 0; k < replicate_tile; ++k) {
      const int r = r0 + k;
      if (s.has(k)) out[r == 0 ? q : t.total + static_cast<index_t>(r - 1) * t.boot + q] = acc[k];
    }
  }
}

}  // namespace coopgrid::kernels::detail
