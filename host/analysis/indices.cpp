#include "host/analysis/indices.hpp"

#include <fmt/format.h>

#include "host/analysis/method.hpp"
#include "kernels/design/inverse_cdf.hpp"

namespace coopgrid {

double confidence_factor(double conf) { return design::normal_quantile(0.5 + conf / 2); }

std::vector<metric_indices> compute_indices(const analysis::sensitivity_view& v, const sensitivity_state& s,
                                            double conf) {
  const auto& method = method_of(v.kind);
  const auto t = analysis::layout_of(v);
  const int d = analysis::index_count(v);
  const int rpp = v.design.rows_per_point;
  const double z = confidence_factor(conf);
  const method_detail::replicate_sums x0(s, t, 0);
  const double n = x0[0];
  std::vector<metric_indices> out;
  for (int m = 0; m < v.num_metrics; ++m) {
    metric_indices mi;
    mi.metric = v.metrics[m];
    mi.bad_rows = static_cast<index_t>(x0[t.bad_rows(m)]);
    method.fill_nan(mi, d, v.design.second_order);
    if (!(n > 0)) {
      mi.reason = "no design points";
    } else if (mi.bad_rows > 0) {
      mi.reason = fmt::format("{} of {} rows are not finite (or their squares overflow)", mi.bad_rows,
                              static_cast<index_t>(n) * rpp);
    } else {
      method.indices(v, s, m, z, mi);
    }
    out.push_back(std::move(mi));
  }
  return out;
}

double widest_confidence(analysis::analysis_kind kind, const std::vector<metric_indices>& ix) {
  const auto& method = method_of(kind);
  double widest = 0;
  for (const auto& mi : ix) {
    if (!mi.reason.empty()) continue;  // constant or not finite: no interval will narrow (the report says why)
    widest = method.widest(mi, widest);
  }
  return widest;
}

}  // namespace coopgrid
