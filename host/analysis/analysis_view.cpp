#include "host/analysis/analysis_view.hpp"

#include <cmath>

#include "host/util/errors.hpp"

namespace coopgrid {

design::design_kind analysis_design(analysis::analysis_kind kind) {
  return kind == analysis::analysis_kind::sobol ? design::design_kind::saltelli : design::design_kind::morris;
}

const char* analysis_name(analysis::analysis_kind kind) {
  return kind == analysis::analysis_kind::sobol ? "sobol" : "morris";
}

analysis::sensitivity_view make_sensitivity_view(const design_source& d, const analysis_options& o) {
  COOPGRID_EXPECTS(d.options.kind == analysis_design(o.kind), "the analysis' own design");
  analysis::sensitivity_view v;
  v.design = d.view();
  v.kind = o.kind;
  std::vector<int> ids = o.metrics;
  if (ids.empty()) {
    for (int m = 0; m < num_metrics; ++m) ids.push_back(m);
  }
  v.num_metrics = static_cast<int>(ids.size());
  for (std::size_t m = 0; m < ids.size(); ++m) v.metrics[m] = ids[m];
  v.replicates = o.replicates;
  v.boot_seed = d.options.seed;
  return v;
}

template <class T>
void set_shifts(analysis::sensitivity_view& v, const metric_row<T>* rows) {
  const int d = analysis::index_count(v);
  for (int q = 0; q < num_metrics * design::max_parameters; ++q) v.shift[q] = 0.0;
  if (v.kind == analysis::analysis_kind::sobol) {
    for (int m = 0; m < v.num_metrics; ++m) {
      const double f = static_cast<double>(rows[0].v[v.metrics[m]]);
      v.shift[m] = std::isfinite(f) ? f : 0.0;
    }
    return;
  }
  // Morris: the elementary effects of trajectory 0, read from its terms with zero shifts.
  const auto t = analysis::layout_of(v);
  std::vector<double> terms(static_cast<std::size_t>(t.total));
  analysis::point_terms(v, t, 0, rows, terms.data());
  std::vector<double> shift(static_cast<std::size_t>(v.num_metrics * d), 0.0);
  for (int m = 0; m < v.num_metrics; ++m) {
    for (int j = 0; j < d; ++j) shift[static_cast<std::size_t>(m * d + j)] = terms[static_cast<std::size_t>(t.extra_block(m) + j)];
  }
  for (std::size_t q = 0; q < shift.size(); ++q) v.shift[q] = shift[q];
}

template void set_shifts<float>(analysis::sensitivity_view&, const metric_row<float>*);
template void set_shifts<double>(analysis::sensitivity_view&, const metric_row<double>*);

}  // namespace coopgrid
