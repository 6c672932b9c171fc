#include "host/analysis/analysis_view.hpp"


#include "host/analysis/method.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

design::design_kind analysis_design(analysis::analysis_kind kind) { return method_of(kind).design(); }

const char* analysis_name(analysis::analysis_kind kind) { return method_of(kind).name(); }

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
  for (int q = 0; q < num_metrics * design::max_parameters; ++q) v.shift[q] = 0.0;
  // Widened first, as the terms widen every value: the same shifts from T's rows.
  std::vector<metric_row<double>> wide(static_cast<std::size_t>(v.design.rows_per_point));
  for (std::size_t r = 0; r < wide.size(); ++r) {
    for (int m = 0; m < num_metrics; ++m) wide[r].v[m] = static_cast<double>(rows[r].v[m]);
  }
  method_of(v.kind).set_shifts(v, wide.data());
}

template void set_shifts<float>(analysis::sensitivity_view&, const metric_row<float>*);
template void set_shifts<double>(analysis::sensitivity_view&, const metric_row<double>*);

}  // namespace coopgrid
