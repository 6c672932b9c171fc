#pragma once
/**
 * @file sobol_terms.hpp
 * @brief The Sobol' method's terms (DESIGNS.md section 3): its index count,
 *        its block of the term layout and a base point's terms. The method's
 *        host module is host/analysis/sobol.cpp.
 *
 * Sobol' block of metric m (d groups: parameters without groups), sums over base points of:
 *   [0] gA  [1] gB  [2] gA^2  [3] gB^2
 *   [4 + j]        D_j = gABj - gA
 *   [4 + d + j]    P_j = gB (gABj - gA)
 *   [4 + 2d + j]   T_j = (gA - gABj)^2
 *   second order:
 *   [4 + 3d + j]   E_j = gBAj - gB
 *   [4 + 4d + p]   P2_jk = gBAj gABk - gA gB, pairs j < k in row-major order p
 */
#include "kernels/analysis/terms.hpp"

namespace coopgrid::analysis {

struct sobol_terms {
  /// Sobol' indices are per group (one per parameter without groups).
  COOPGRID_HOST_DEVICE static int index_count(const sensitivity_view& v) { return v.design.num_groups; }

  /// Sets t's per-metric sizes for d indices.
  COOPGRID_HOST_DEVICE static void shape(const sensitivity_view& v, int d, term_layout& t) {
    t.per_metric = 4 + 3 * d + (v.design.second_order ? d + parameter_pairs(d) : 0);
    t.extra_per_metric = 0;
  }

  /// The terms of metrics [m0, m1) of a base point from its rows (their terms zeroed).
  template <class T>
  COOPGRID_HOST_DEVICE static void point_terms(const sensitivity_view& v, const term_layout& t, index_t /*b*/,
                                               const metric_row<T>* rows, int m0, int m1, double* terms) {
    const int d = index_count(v);
    const int rpp = v.design.rows_per_point;
    const bool so = v.design.second_order;
    for (int m = m0; m < m1; ++m) {
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
  }
};

}  // namespace coopgrid::analysis
