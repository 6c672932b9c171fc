#pragma once
/**
 * @file terms.hpp
 * @brief What every analysis method's term kernel shares (DESIGNS.md section
 *        3): the view, the term layout, the bootstrap weights. The methods'
 *        terms are their own headers (sobol_terms.hpp, morris_terms.hpp);
 *        sensitivity.hpp dispatches to them.
 *
 * A design point (a Saltelli base point, a Morris trajectory) turns its rows'
 * metrics into a vector of `terms` (point_terms); the estimators need only sums
 * of terms over the points, each sum also weighted by every bootstrap
 * replicate's Poisson(1) weight of the point. Points are summed in units of
 * analysis_unit points aligned to absolute point indices, in ascending order
 * (accumulate_unit), and unit sums are added exactly (host/reduce/exact_sum.hpp):
 * so threads, chunks, devices, shards, checkpoints and growth give the same bits.
 *
 * Term layout (term_layout): [bootstrapped terms | terms of replicate 0 only].
 * Bootstrapped: term 0 is 1 (the point's weight: W_r = sum of weights), then per
 * selected metric m its method's block (sobol_terms.hpp, morris_terms.hpp). The rest: per metric the non-finite row
 * count, and for Morris the (shifted) elementary effects and their squares.
 *
 * Values enter shifted: g = f - shift[m] (Sobol': f_A of point 0; Morris: the
 * elementary effect of trajectory 0), so that sums of squares do not cancel
 * when a metric's mean is far from zero; every estimator is shift-invariant
 * once the centring of DESIGNS.md (on the mean of all rows) is applied.
 *
 * A point whose rows are not all finite for metric m adds zeros to m's block
 * and its count of non-finite rows to m's counter.
 */
#include "kernels/design/design_view.hpp"
#include "kernels/formulas.hpp"
#include "kernels/metrics.hpp"

namespace coopgrid::analysis {

/// The methods, one value each: their terms are sensitivity.hpp's cases, their host modules
/// host/analysis/methods.cpp's list.
enum class analysis_kind : int { sobol, morris };

/// Points per unit (4096: the exact add of a unit's sums costs about 10 exact adds per point at R = 100).
inline constexpr index_t analysis_unit = 4096;
/// --bootstrap R at most.
inline constexpr int max_replicates = 10000;

/**
 * Trivially copyable: kernels take it by value. `design` is a saltelli or morris
 * design; `metrics` the selected metric ids.
 */
struct sensitivity_view {
  design::design_view design;
  analysis_kind kind = analysis_kind::sobol;
  int num_metrics = 0;
  int metrics[coopgrid::num_metrics] = {};
  double shift[coopgrid::num_metrics * design::max_parameters] = {};  ///< sobol: [m]; morris: [m d + j]
  int replicates = 0;           ///< R bootstrap replicates
  std::uint64_t boot_seed = 0;  ///< key of the bootstrap weights
};

/// Where the terms of a view sit.
struct term_layout {
  int per_metric = 0;    ///< bootstrapped terms per metric
  int boot = 0;          ///< bootstrapped terms: 1 + num_metrics * per_metric
  int extra_per_metric = 0;  ///< replicate-0-only terms per metric, after the counter
  int total = 0;         ///< boot + num_metrics * (1 + extra_per_metric)
  /// First bootstrapped term of metric m.
  COOPGRID_HOST_DEVICE int metric_block(int m) const { return 1 + m * per_metric; }
  /// The non-finite row counter of metric m.
  COOPGRID_HOST_DEVICE int bad_rows(int m) const { return boot + m * (1 + extra_per_metric); }
  /// First replicate-0-only term of metric m (after its counter).
  COOPGRID_HOST_DEVICE int extra_block(int m) const { return bad_rows(m) + 1; }
  /// Doubles of one unit's sums: replicate 0 over all terms, replicates 1..R over the bootstrapped ones.
  COOPGRID_HOST_DEVICE index_t unit_sums(int replicates) const {
    return total + static_cast<index_t>(replicates) * boot;
  }
};

/// Pairs j < k of d parameters.
COOPGRID_HOST_DEVICE constexpr int parameter_pairs(int d) { return d * (d - 1) / 2; }
/// Index of pair (j, k), j < k, in row-major order of the pairs.
COOPGRID_HOST_DEVICE constexpr int pair_index(int d, int j, int k) { return j * (2 * d - j - 1) / 2 + (k - j - 1); }

/**
 * The Poisson(1) weight of point b in bootstrap replicate r (1 <= r <= R): the
 * inverse CDF at a uniform u from the bootstrap stream, counter (b, replicate),
 * key = seed: the number of CDF values <= u. The CDF values are those of the
 * recurrence p_k = p_{k-1} / k, F_k = F_{k-1} + p_k from p_0 = e^-1 in double
 * (F_18 rounds to 1, above every u), written out so that host and device
 * compare u with the same constants without a division. poisson1_count(u) is
 * the count; host/analysis/accumulate.cpp draws a point's R weights at once
 * (Philox across replicates in SIMD lanes), bit-identical to bootstrap_weight.
 */
COOPGRID_HOST_DEVICE inline int poisson1_count(double u) {
  const double cdf[18] = {0x1.78b56362cef38p-2, 0x1.78b56362cef38p-1, 0x1.d6e2bc3b82b06p-1, 0x1.f6472f2e6944bp-1,
                          0x1.fe204beb22e9cp-1, 0x1.ffb21e77480acp-1, 0x1.fff516e3f8e59p-1, 0x1.fffea81812296p-1,
                          0x1.ffffda3e9551ep-1, 0x1.fffffc42dcc82p-1, 0x1.ffffffa9b0ba6p-1, 0x1.fffffff8db44cp-1,
                          0x1.ffffffff7425ap-1, 0x1.fffffffff60f9p-1, 0x1.ffffffffff572p-1, 0x1.fffffffffff58p-1,
                          0x1.ffffffffffff6p-1, 0x1.fffffffffffffp-1};
  // Three in four weights are 0 or 1: decide those with one comparison.
  if (u < cdf[1]) return u >= cdf[0] ? 1 : 0;
  int k = 2;
  while (k < 18 && u >= cdf[k]) ++k;
  return k;
}

/// The counter word of replicate r's weights (the bootstrap stream).
COOPGRID_HOST_DEVICE constexpr std::uint64_t bootstrap_counter(int r) {
  return design::philox_stream(design::bootstrap_stream, static_cast<std::uint32_t>(r));
}

COOPGRID_HOST_DEVICE inline int bootstrap_weight(std::uint64_t seed, index_t b, int r) {
  return poisson1_count(design::mc_coordinate(seed, b, static_cast<index_t>(bootstrap_counter(r))));
}

/// True when x[0 .. n) are all finite.
COOPGRID_HOST_DEVICE inline bool block_finite(const double* x, int n) {
  double z = 0.0;
  for (int q = 0; q < n; ++q) z += x[q] - x[q];  // NaN from any infinity or NaN
  return z == 0.0;
}

}  // namespace coopgrid::analysis
