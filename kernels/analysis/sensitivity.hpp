#pragma once
/**
 * @file sensitivity.hpp
 * @brief The one-pass core of the analyses (DESIGNS.md section 3), shared by
 *        every backend, host and device alike: what they share is terms.hpp,
 *        each method's terms its own header, and the functions below send a
 *        view to its method's terms (the kernels' list of methods: a method
 *        is one header and one case in each switch below; its host module
 *        is listed in host/analysis/methods.cpp).
 */
#include "kernels/analysis/morris_terms.hpp"
#include "kernels/analysis/sobol_terms.hpp"
#include "kernels/analysis/terms.hpp"

namespace coopgrid::analysis {

/// The indices' count (Sobol': groups; Morris: parameters).
COOPGRID_HOST_DEVICE inline int index_count(const sensitivity_view& v) {
  switch (v.kind) {
    case analysis_kind::morris: return morris_terms::index_count(v);
    case analysis_kind::sobol: break;
  }
  return sobol_terms::index_count(v);
}

COOPGRID_HOST_DEVICE inline term_layout layout_of(const sensitivity_view& v) {
  const int d = index_count(v);
  term_layout t;
  switch (v.kind) {
    case analysis_kind::morris: morris_terms::shape(v, d, t); break;
    case analysis_kind::sobol: sobol_terms::shape(v, d, t); break;
  }
  t.boot = 1 + v.num_metrics * t.per_metric;
  t.total = t.boot + v.num_metrics * (1 + t.extra_per_metric);
  return t;
}

/// Rows per point of the view's design.
COOPGRID_HOST_DEVICE inline int rows_per_point(const sensitivity_view& v) { return v.design.rows_per_point; }

/**
 * @brief The terms of metrics [m0, m1) of point b from its rows' metrics
 *        (rows[0 .. rows_per_point)): each metric's block, counter and extras,
 *        zeroed first, and terms[0] = 1 when m0 == 0. Metrics write disjoint
 *        terms with the same arithmetic, so one call per metric (the device's
 *        thread per point and metric) gives point_terms' bits.
 */
template <class T>
COOPGRID_HOST_DEVICE inline void point_metric_terms(const sensitivity_view& v, const term_layout& t, index_t b,
                                                    const metric_row<T>* rows, int m0, int m1, double* terms) {
  if (m0 == 0) terms[0] = 1.0;
  for (int m = m0; m < m1; ++m) {
    for (int q = 0; q < t.per_metric; ++q) terms[t.metric_block(m) + q] = 0.0;
    for (int q = 0; q <= t.extra_per_metric; ++q) terms[t.bad_rows(m) + q] = 0.0;
  }
  switch (v.kind) {
    case analysis_kind::morris: morris_terms::point_terms(v, t, b, rows, m0, m1, terms); return;
    case analysis_kind::sobol: sobol_terms::point_terms(v, t, b, rows, m0, m1, terms); return;
  }
}

/**
 * @brief The terms of point b from its rows' metrics (rows[0 .. rows_per_point)),
 *        into terms[0 .. layout.total). Widened to double before anything else.
 */
template <class T>
COOPGRID_HOST_DEVICE inline void point_terms(const sensitivity_view& v, const term_layout& t, index_t b,
                                             const metric_row<T>* rows, double* terms) {
  point_metric_terms(v, t, b, rows, 0, v.num_metrics, terms);
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
