// The Sobol' method's host module (method.hpp): Saltelli's design, S1/ST/S2
// from the exact state (DESIGNS.md section 3), SALib's tables and the JSON
// fields. Its terms are kernels/analysis/sobol_terms.hpp.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "host/analysis/method.hpp"

namespace coopgrid {
namespace {

using method_detail::frame;
using method_detail::half_widths;
using method_detail::json_map;
using method_detail::nan;
using method_detail::replicate_sums;

struct sobol_estimate {
  std::vector<double> s1, st, s2;
};

/// S1, ST (and S2) of metric m from one replicate's sums, centred on c (the mean of all rows' g).
sobol_estimate sobol_of(const replicate_sums& x, const analysis::term_layout& t, int m, int d, bool second_order,
                        double c) {
  const int b = t.metric_block(m);
  const double w = x[0];
  const double sa = x[b], sb = x[b + 1], qa = x[b + 2], qb = x[b + 3];
  const double mean = (sa + sb) / (2 * w);
  const double var = (qa + qb) / (2 * w) - mean * mean;  // the variance (ddof 0) of f_A and f_B together
  sobol_estimate e;
  e.s1.resize(static_cast<std::size_t>(d));
  e.st.resize(static_cast<std::size_t>(d));
  for (int j = 0; j < d; ++j) {
    const double dj = x[b + 4 + j], pj = x[b + 4 + d + j], tj = x[b + 4 + 2 * d + j];
    e.s1[static_cast<std::size_t>(j)] = (pj - c * dj) / w / var;  // Saltelli 2010
    e.st[static_cast<std::size_t>(j)] = tj / w / (2 * var);       // Jansen 1999
  }
  if (second_order) {
    e.s2.resize(static_cast<std::size_t>(analysis::parameter_pairs(d)));
    for (int j = 0; j < d; ++j) {
      for (int k = j + 1; k < d; ++k) {
        const int p = analysis::pair_index(d, j, k);
        const double ej = x[b + 4 + 3 * d + j], dk = x[b + 4 + k], p2 = x[b + 4 + 4 * d + p];
        e.s2[static_cast<std::size_t>(p)] =
            (p2 - c * (ej + dk)) / w / var - e.s1[static_cast<std::size_t>(j)] - e.s1[static_cast<std::size_t>(k)];
      }
    }
  }
  return e;
}

std::vector<std::string> pair_labels(const std::vector<std::string>& names, const char* open, const char* sep,
                                     const char* close) {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < names.size(); ++j) {
    for (std::size_t k = j + 1; k < names.size(); ++k) out.push_back(open + names[j] + sep + names[k] + close);
  }
  return out;
}

class sobol_method final : public analysis_method {
 public:
  analysis::analysis_kind kind() const override { return analysis::analysis_kind::sobol; }
  const char* name() const override { return "sobol"; }
  design::design_kind design() const override { return design::design_kind::saltelli; }

  const char* summary() const override {
    return "Sobol' indices of every metric in one pass: a Saltelli design of N base points (N(d+2) rows, "
           "N(2d+2) with --second-order; d = the problem's groups, an ungrouped parameter its own) evaluated and "
           "analysed as SALib's sobol.analyze does (S1, ST, S2 with "
           "bootstrap half-widths), nothing stored per row. Tables on a terminal (SALib's to_df() layout), "
           "JSON to files and pipes";
  }
  const char* size_option() const override { return "--n"; }
  std::vector<design_flag> design_flags() const override {
    return {{design_field::n, "--n", "Base points N (Sobol' points: powers of 2 balance best)"},
            {design_field::second_order, "--second-order", "Also S2 (the BA_j rows: 2d+2 rows per base point)"},
            {design_field::base, "--base", "Base points from sobol (default) or mc (Philox)"},
            {design_field::scramble, "--scramble", "Owen-scramble the Sobol' base points"}};
  }
  const char* until_conf_help() const override {
    return "Double N until every ST_conf of the chosen metrics is at most X";
  }
  const char* widest_label() const override { return "ST_conf"; }

  int shift_count(const analysis::sensitivity_view& v) const override { return v.num_metrics; }
  void set_shifts(analysis::sensitivity_view& v, const metric_row<double>* rows) const override {
    for (int m = 0; m < v.num_metrics; ++m) {
      const double f = rows[0].v[v.metrics[m]];
      v.shift[m] = std::isfinite(f) ? f : 0.0;
    }
  }
  void fill_nan(metric_indices& mi, int d, bool second_order) const override {
    const auto n = static_cast<std::size_t>(d);
    mi.S1.assign(n, nan);
    mi.S1_conf.assign(n, nan);
    mi.ST.assign(n, nan);
    mi.ST_conf.assign(n, nan);
    if (second_order) {
      mi.S2.assign(static_cast<std::size_t>(analysis::parameter_pairs(d)), nan);
      mi.S2_conf = mi.S2;
    }
  }
  void indices(const analysis::sensitivity_view& v, const sensitivity_state& s, int m, double z,
               metric_indices& mi) const override;
  double widest(const metric_indices& mi, double widest) const override {
    for (double c : mi.ST_conf) widest = std::isnan(c) ? HUGE_VAL : std::max(widest, c);
    return widest;
  }

  std::vector<std::string> labels(const design_source& d) const override {
    return d.prob.group_names();  // a field's own name without groups
  }
  std::string tables(const std::vector<std::string>& names, const metric_indices& mi,
                     bool second_order) const override {
    std::string out = frame(names, {"ST", "ST_conf"}, {mi.ST, mi.ST_conf});
    out += frame(names, {"S1", "S1_conf"}, {mi.S1, mi.S1_conf});
    if (second_order) out += frame(pair_labels(names, "(", ", ", ")"), {"S2", "S2_conf"}, {mi.S2, mi.S2_conf});
    return out;
  }
  json_fields json(const std::vector<std::string>& names, const metric_indices& mi, bool second_order) const override {
    json_fields fields = {{"S1", json_map(names, mi.S1)}, {"S1_conf", json_map(names, mi.S1_conf)},
                          {"ST", json_map(names, mi.ST)}, {"ST_conf", json_map(names, mi.ST_conf)}};
    if (second_order) {
      const auto pairs = pair_labels(names, "", ",", "");
      fields.emplace_back("S2", json_map(pairs, mi.S2));
      fields.emplace_back("S2_conf", json_map(pairs, mi.S2_conf));
    }
    return fields;
  }
};

void sobol_method::indices(const analysis::sensitivity_view& v, const sensitivity_state& s, int m, double z,
                           metric_indices& mi) const {
  const auto t = analysis::layout_of(v);
  const int d = analysis::index_count(v);
  const bool so = v.design.second_order;
  const int rpp = v.design.rows_per_point;
  const replicate_sums x0(s, t, 0);
  const double n = x0[0];
  const int b = t.metric_block(m);
  // The mean of all rows' g (SALib standardises Y on all rows): A, B, AB_j = A + D_j, BA_j = B + E_j.
  double all = x0[b] + x0[b + 1];
  for (int j = 0; j < d; ++j) {
    all += x0[b] + x0[b + 4 + j];
    if (so) all += x0[b + 1] + x0[b + 4 + 3 * d + j];
  }
  const double c = all / (n * rpp);
  const auto e = sobol_of(x0, t, m, d, so, c);
  const double mean = (x0[b] + x0[b + 1]) / (2 * n);
  const double var = (x0[b + 2] + x0[b + 3]) / (2 * n) - mean * mean;
  if (!(var > 0)) {
    mi.reason = "constant: its variance over the A and B rows is 0";
    return;
  }
  mi.S1 = e.s1;
  mi.ST = e.st;
  if (so) mi.S2 = e.s2;
  std::vector<std::vector<double>> s1r, str, s2r;
  for (int r = 1; r <= v.replicates; ++r) {
    const auto er = sobol_of(replicate_sums(s, t, r), t, m, d, so, c);
    s1r.push_back(er.s1);
    str.push_back(er.st);
    if (so) s2r.push_back(er.s2);
  }
  mi.S1_conf = half_widths(s1r, static_cast<std::size_t>(d), z);
  mi.ST_conf = half_widths(str, static_cast<std::size_t>(d), z);
  if (so) mi.S2_conf = half_widths(s2r, mi.S2.size(), z);
}

}  // namespace

const analysis_method& sobol_module() {
  static const sobol_method m;
  return m;
}

}  // namespace coopgrid
