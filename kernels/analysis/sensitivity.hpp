#pragma once
/**
 * @file sensitivity.hpp
 * @brief The one-pass core of the Sobol' and Morris analyses (DESIGNS.md
 *        section 3), shared by every backend, host and device alike.
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
 * selected metric m the block below. The rest: per metric the non-finite row
 * count, and for Morris the (shifted) elementary effects and their squares.
 *
 * Values enter shifted: g = f - shift[m] (Sobol': f_A of point 0; Morris: the
 * elementary effect of trajectory 0), so that sums of squares do not cancel
 * when a metric's mean is far from zero; every estimator is shift-invariant
 * once the centring of DESIGNS.md (on the mean of all rows) is applied.
 *
 * Sobol' block of metric m (d groups: parameters without groups), sums over base points of:
 *   [0] gA  [1] gB  [2] gA^2  [3] gB^2
 *   [4 + j]        D_j = gABj - gA
 *   [4 + d + j]    P_j = gB (gABj - gA)
 *   [4 + 2d + j]   T_j = (gA - gABj)^2
 *   second order:
 *   [4 + 3d + j]   E_j = gBAj - gB
 *   [4 + 4d + p]   P2_jk = gBAj gABk - gA gB, pairs j < k in row-major order p
 * Morris block of metric m: [j] |EE_j| (bootstrapped); replicate 0 only:
 *   e_j = EE_j - shift[m d + j] and e_j^2.
 * A point whose rows are not all finite for metric m adds zeros to m's block
 * and its count of non-finite rows to m's counter.
 */
#include "kernels/design/design_view.hpp"
#include "kernels/formulas.hpp"
#include "kernels/metrics.hpp"

namespace coopgrid::analysis {

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

/// The indices' count: Sobol' indices are per group (one per parameter without groups), Morris's per parameter.
COOPGRID_HOST_DEVICE inline int index_count(const sensitivity_view& v) {
  return v.kind == analysis_kind::sobol ? v.design.num_groups : v.design.num_parameters;
}

COOPGRID_HOST_DEVICE inline term_layout layout_of(const sensitivity_view& v) {
  const int d = index_count(v);
  term_layout t;
  if (v.kind == analysis_kind::sobol) {
    t.per_metric = 4 + 3 * d + (v.design.second_order ? d + parameter_pairs(d) : 0);
    t.extra_per_metric = 0;
  } else {
    t.per_metric = d;
    t.extra_per_metric = 2 * d;
  }
  t.boot = 1 + v.num_metrics * t.per_metric;
  t.total = t.boot + v.num_metrics * (1 + t.extra_per_metric);
  return t;
}

/// Morris's step in unit space: Delta = p / (2 (p - 1)).
COOPGRID_HOST_DEVICE inline double morris_delta(int levels) {
  return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
}

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

/// Rows per point of the view's design.
COOPGRID_HOST_DEVICE inline int rows_per_point(const sensitivity_view& v) { return v.design.rows_per_point; }

/**
 * @brief The terms of point b from its rows' metrics (rows[0 .. rows_per_point)),
 *        into terms[0 .. layout.total). Widened to double before anything else.
 */
template <class T>
COOPGRID_HOST_DEVICE inline void point_terms(const sensitivity_view& v, const term_layout& t, index_t b,
                                             const metric_row<T>* rows, double* terms) {
  const int d = index_count(v);  // groups (sobol) or parameters (morris)
  const int rpp = v.design.rows_per_point;
  for (int q = 0; q < t.total; ++q) terms[q] = 0.0;
  terms[0] = 1.0;
  if (v.kind == analysis_kind::sobol) {
    const bool so = v.design.second_order;
    for (int m = 0; m < v.num_metrics; ++m) {
      const int id = v.metrics[m];
      int bad = 0;
      for (int r = 0; r < rpp; ++r) bad += coopgrid::detail::cg_finite(static_cast<double>(rows[r].v[id])) ? 0 : 1;
      if (bad > 0) {
        terms[t.bad_rows(m)] = static_cast<double>(bad);
        continue;
      }
      const double k = v.shift[m];
      const double ga = static_cast<double>(rows[0].v[id]) - k;
      const double gb = static_cast<double>(rows[rpp - 1].v[id]) - k;
      double* s = terms + t.metric_block(m);
      s[0] = ga;
      s[1] = gb;
      s[2] = ga * ga;
      s[3] = gb * gb;
      for (int j = 0; j < d; ++j) {
        const double gab = static_cast<double>(rows[1 + j].v[id]) - k;
        s[4 + j] = gab - ga;
        s[4 + d + j] = gb * (gab - ga);
        s[4 + 2 * d + j] = (ga - gab) * (ga - gab);
      }
      if (so) {
        for (int j = 0; j < d; ++j) {
          const double gba = static_cast<double>(rows[1 + d + j].v[id]) - k;
          s[4 + 3 * d + j] = gba - gb;
          for (int kk = j + 1; kk < d; ++kk) {
            const double gab = static_cast<double>(rows[1 + kk].v[id]) - k;
            s[4 + 4 * d + pair_index(d, j, kk)] = gba * gab - ga * gb;
          }
        }
      }
      if (!block_finite(s, t.per_metric)) {  // squares or products beyond the double range
        for (int q = 0; q < t.per_metric; ++q) s[q] = 0.0;
        terms[t.bad_rows(m)] = static_cast<double>(rpp);
      }
    }
    return;
  }
  // Morris: coordinate j moves between steps step_of[j] and step_of[j] + 1; a step
  // down is read as the step up from the lower point (SALib's convention).
  const design::morris_trajectory traj = design::draw_morris_trajectory(v.design, b);
  const double delta = morris_delta(v.design.levels);
  for (int m = 0; m < v.num_metrics; ++m) {
    const int id = v.metrics[m];
    double ee[design::max_parameters];
    int bad = 0;
    for (int j = 0; j < d; ++j) {
      const int s = traj.step_of[j];
      const double lo = static_cast<double>(rows[s].v[id]);
      const double hi = static_cast<double>(rows[s + 1].v[id]);
      ee[j] = static_cast<double>(traj.direction[j]) * (hi - lo) / delta;
      bad += coopgrid::detail::cg_finite(ee[j]) ? 0 : 1;
    }
    if (bad > 0) {
      terms[t.bad_rows(m)] = static_cast<double>(bad);
      continue;
    }
    double* s = terms + t.metric_block(m);
    double* x = terms + t.extra_block(m);
    for (int j = 0; j < d; ++j) {
      const double e = ee[j] - v.shift[m * d + j];
      s[j] = coopgrid::detail::cg_fabs(ee[j]);
      x[j] = e;
      x[d + j] = e * e;
    }
    if (!block_finite(x, 2 * d)) {  // squares beyond the double range
      for (int q = 0; q < d; ++q) s[q] = 0.0;
      for (int q = 0; q < 2 * d; ++q) x[q] = 0.0;
      terms[t.bad_rows(m)] = static_cast<double>(d);
    }
  }
}

/// The rows of point b in precision T (rows[0 .. rows_per_point)).
template <class T>
COOPGRID_HOST_DEVICE inline void point_rows(const sensitivity_view& v, index_t b, metric_row<T>* rows) {
  const int rpp = v.design.rows_per_point;
  for (int r = 0; r < rpp; ++r) rows[r] = design::evaluate_design_sample<T>(v.design, b * rpp + r);
}

/// The largest rows_per_point (second-order Saltelli with every field varied).
inline constexpr int max_rows_per_point = 2 * design::max_parameters + 2;

}  // namespace coopgrid::analysis
