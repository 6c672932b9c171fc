// The Morris method's host module (method.hpp): Morris's trajectories,
// mu/mu_star/sigma from the exact state (DESIGNS.md section 4), SALib's
// table and the JSON fields. Its terms are kernels/analysis/morris_terms.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/analysis/method.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {
namespace {

using method_detail::frame;
using method_detail::half_widths;
using method_detail::json_map;
using method_detail::nan;
using method_detail::replicate_sums;

class morris_method final : public analysis_method {
 public:
  analysis::analysis_kind kind() const override { return analysis::analysis_kind::morris; }
  const char* name() const override { return "morris"; }
  design::design_kind design() const override { return design::design_kind::morris; }

  const char* summary() const override {
    return "Morris screening of every metric in one pass: R trajectories of d+1 points on a p-level grid, "
           "analysed as SALib's morris.analyze does (mu, mu_star, sigma, mu_star_conf). Tables on a terminal, "
           "JSON to files and pipes";
  }
  const char* size_option() const override { return "--trajectories"; }
  std::vector<design_flag> design_flags() const override {
    return {{design_field::n, "--trajectories", "Trajectories R"},
            {design_field::levels, "--levels", "Levels p of the grid (even; default 4)"}};
  }
  const char* until_conf_help() const override {
    return "Double R until every mu_star_conf / mu_star of the chosen metrics is at most X";
  }
  const char* widest_label() const override { return "mu_star_conf/mu_star"; }
  void check_problem(const problem& p, const std::string& input) const override {
    if (!p.has_groups) return;
    throw usage_error(fmt::format("{}: groups are not supported by coopgrid morris yet (SALib's grouped trajectories "
                                  "move a group's parameters together); remove the group keys, or use coopgrid sobol, "
                                  "whose indices are per group",
                                  input));
  }

  int shift_count(const analysis::sensitivity_view& v) const override {
    return v.num_metrics * analysis::index_count(v);
  }
  /// The elementary effects of trajectory 0, read from its terms with zero shifts.
  void set_shifts(analysis::sensitivity_view& v, const metric_row<double>* rows) const override {
    const int d = analysis::index_count(v);
    const auto t = analysis::layout_of(v);
    std::vector<double> terms(static_cast<std::size_t>(t.total));
    analysis::point_terms(v, t, 0, rows, terms.data());
    std::vector<double> shift(static_cast<std::size_t>(v.num_metrics * d), 0.0);
    for (int m = 0; m < v.num_metrics; ++m) {
      for (int j = 0; j < d; ++j) {
        shift[static_cast<std::size_t>(m * d + j)] = terms[static_cast<std::size_t>(t.extra_block(m) + j)];
      }
    }
    for (std::size_t q = 0; q < shift.size(); ++q) v.shift[q] = shift[q];
  }
  void fill_nan(metric_indices& mi, int d, bool /*second_order*/) const override {
    const auto n = static_cast<std::size_t>(d);
    mi.mu.assign(n, nan);
    mi.mu_star.assign(n, nan);
    mi.sigma.assign(n, nan);
    mi.mu_star_conf.assign(n, nan);
  }
  void indices(const analysis::sensitivity_view& v, const sensitivity_state& s, int m, double z,
               metric_indices& mi) const override;
  double widest(const metric_indices& mi, double widest) const override {
    for (std::size_t j = 0; j < mi.mu_star.size(); ++j) {
      const double c = mi.mu_star_conf[j] / mi.mu_star[j];
      widest = std::isnan(c) ? (mi.mu_star[j] == 0 && mi.mu_star_conf[j] == 0 ? widest : HUGE_VAL)
                             : std::max(widest, c);
    }
    return widest;
  }

  std::vector<std::string> labels(const design_source& d) const override {
    std::vector<std::string> out;
    for (const auto& p : d.prob.parameters) out.push_back(grid_field_names[p.field]);
    return out;
  }
  std::string tables(const std::vector<std::string>& names, const metric_indices& mi,
                     bool /*second_order*/) const override {
    return frame(names, {"mu", "mu_star", "sigma", "mu_star_conf"}, {mi.mu, mi.mu_star, mi.sigma, mi.mu_star_conf});
  }
  json_fields json(const std::vector<std::string>& names, const metric_indices& mi,
                   bool /*second_order*/) const override {
    return {{"mu", json_map(names, mi.mu)}, {"mu_star", json_map(names, mi.mu_star)},
            {"sigma", json_map(names, mi.sigma)}, {"mu_star_conf", json_map(names, mi.mu_star_conf)}};
  }
};

void morris_method::indices(const analysis::sensitivity_view& v, const sensitivity_state& s, int m, double z,
                            metric_indices& mi) const {
  const auto t = analysis::layout_of(v);
  const int d = analysis::index_count(v);
  const replicate_sums x0(s, t, 0);
  const double n = x0[0];
  const int b = t.metric_block(m);
  const int xb = t.extra_block(m);
  for (int j = 0; j < d; ++j) {
    const double se = x0[xb + j], se2 = x0[xb + d + j];
    const auto jj = static_cast<std::size_t>(j);
    mi.mu[jj] = se / n + v.shift[m * d + j];
    mi.mu_star[jj] = x0[b + j] / n;
    mi.sigma[jj] = n > 1 ? std::sqrt(std::max(0.0, (se2 - se * se / n) / (n - 1))) : nan;
  }
  std::vector<std::vector<double>> msr;
  for (int r = 1; r <= v.replicates; ++r) {
    const replicate_sums xr(s, t, r);
    std::vector<double> ms(static_cast<std::size_t>(d));
    for (int j = 0; j < d; ++j) ms[static_cast<std::size_t>(j)] = xr[b + j] / xr[0];
    msr.push_back(std::move(ms));
  }
  mi.mu_star_conf = half_widths(msr, static_cast<std::size_t>(d), z);
}

}  // namespace

const analysis_method& morris_module() {
  static const morris_method m;
  return m;
}

}  // namespace coopgrid
