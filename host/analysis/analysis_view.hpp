#pragma once
/**
 * @file analysis_view.hpp
 * @brief The sensitivity_view of a Sobol' or Morris analysis of a design source:
 *        the design, the metrics, the bootstrap, and the shifts taken from the
 *        first design point.
 */
#include <vector>

#include "host/source/design.hpp"
#include "kernels/analysis/sensitivity.hpp"
#include "kernels/metrics.hpp"

namespace coopgrid {

/// --bootstrap R, --conf C, --metrics: what an analysis computes beyond its design.
struct analysis_options {
  analysis::analysis_kind kind = analysis::analysis_kind::sobol;
  int replicates = 100;      ///< bootstrap replicates (0: no confidence intervals)
  double conf = 0.95;        ///< confidence level of the half-widths
  std::vector<int> metrics;  ///< metric ids; empty: all, in MODEL.md order
};

/// The design an analysis of `kind` samples: saltelli for sobol, morris for morris.
design::design_kind analysis_design(analysis::analysis_kind kind);
/// "sobol" or "morris".
const char* analysis_name(analysis::analysis_kind kind);

/// The view of `o` over `d` (a saltelli or morris design), shifts still zero.
analysis::sensitivity_view make_sensitivity_view(const design_source& d, const analysis_options& o);

/// Sets v's shifts from the rows of design point 0 (rows[0 .. rows_per_point)).
template <class T>
void set_shifts(analysis::sensitivity_view& v, const metric_row<T>* rows);

}  // namespace coopgrid
