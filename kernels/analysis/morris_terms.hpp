#pragma once
/**
 * @file morris_terms.hpp
 * @brief The Morris method's terms (DESIGNS.md section 4): its index count,
 *        its block of the term layout and a trajectory's terms. The method's
 *        host module is host/analysis/morris.cpp.
 *
 * Morris block of metric m: [j] |EE_j| (bootstrapped); replicate 0 only:
 *   e_j = EE_j - shift[m d + j] and e_j^2.
 */
#include "kernels/analysis/terms.hpp"

namespace coopgrid::analysis {

/// Morris's step in unit space: Delta = p / (2 (p - 1)).
COOPGRID_HOST_DEVICE inline double morris_delta(int levels) {
  return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
}

struct morris_terms {
  /// Morris's indices are per parameter.
  COOPGRID_HOST_DEVICE static int index_count(const sensitivity_view& v) { return v.design.num_parameters; }

  /// Sets t's per-metric sizes for d indices.
  COOPGRID_HOST_DEVICE static void shape(const sensitivity_view& /*v*/, int d, term_layout& t) {
    t.per_metric = d;
    t.extra_per_metric = 2 * d;
  }

  /// The terms of metrics [m0, m1) of trajectory b from its rows (their terms zeroed).
  template <class T>
  COOPGRID_HOST_DEVICE static void point_terms(const sensitivity_view& v, const term_layout& t, index_t b,
                                               const metric_row<T>* rows, int m0, int m1, double* terms) {
    const int d = index_count(v);
    // Morris: coordinate j moves between steps step_of[j] and step_of[j] + 1; a step
    // down is read as the step up from the lower point (SALib's convention).
    const design::morris_trajectory traj = design::draw_morris_trajectory(v.design, b);
    const double delta = morris_delta(v.design.levels);
    for (int m = m0; m < m1; ++m) {
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
};

}  // namespace coopgrid::analysis
