#include "host/analysis/indices.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "kernels/design/inverse_cdf.hpp"

namespace coopgrid {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The standard deviation (ddof 1) of x; NaN for fewer than two values.
double std_ddof1(const std::vector<double>& x) {
  if (x.size() < 2) return nan;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

/// The sums of one replicate (0: the estimate) as doubles.
class replicate_sums {
 public:
  replicate_sums(const sensitivity_state& s, const analysis::term_layout& t, int r)
      : s_(s), base_(r == 0 ? 0 : static_cast<std::size_t>(t.total) + static_cast<std::size_t>(r - 1) * t.boot) {}
  double operator[](int q) const { return s_.value(base_ + static_cast<std::size_t>(q)); }

 private:
  const sensitivity_state& s_;
  std::size_t base_;
};

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

/// The half-widths of each element of the replicates' estimates: z * std (ddof 1).
std::vector<double> half_widths(const std::vector<std::vector<double>>& reps, std::size_t n, double z) {
  std::vector<double> out(n, nan);
  std::vector<double> col(reps.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t r = 0; r < reps.size(); ++r) col[r] = reps[r][i];
    out[i] = z * std_ddof1(col);
  }
  return out;
}

void fill_nan(metric_indices& mi, analysis::analysis_kind kind, int d, bool second_order) {
  const auto n = static_cast<std::size_t>(d);
  if (kind == analysis::analysis_kind::sobol) {
    mi.S1.assign(n, nan);
    mi.S1_conf.assign(n, nan);
    mi.ST.assign(n, nan);
    mi.ST_conf.assign(n, nan);
    if (second_order) {
      mi.S2.assign(static_cast<std::size_t>(analysis::parameter_pairs(d)), nan);
      mi.S2_conf = mi.S2;
    }
  } else {
    mi.mu.assign(n, nan);
    mi.mu_star.assign(n, nan);
    mi.sigma.assign(n, nan);
    mi.mu_star_conf.assign(n, nan);
  }
}

}  // namespace

double confidence_factor(double conf) { return design::normal_quantile(0.5 + conf / 2); }

std::vector<metric_indices> compute_indices(const analysis::sensitivity_view& v, const sensitivity_state& s,
                                            double conf) {
  const auto t = analysis::layout_of(v);
  const int d = analysis::index_count(v);
  const bool so = v.kind == analysis::analysis_kind::sobol && v.design.second_order;
  const int rpp = v.design.rows_per_point;
  const double z = confidence_factor(conf);
  const replicate_sums x0(s, t, 0);
  const double n = x0[0];
  std::vector<metric_indices> out;
  for (int m = 0; m < v.num_metrics; ++m) {
    metric_indices mi;
    mi.metric = v.metrics[m];
    mi.bad_rows = static_cast<index_t>(x0[t.bad_rows(m)]);
    fill_nan(mi, v.kind, d, so);
    if (!(n > 0)) {
      mi.reason = "no design points";
      out.push_back(std::move(mi));
      continue;
    }
    if (mi.bad_rows > 0) {
      mi.reason = fmt::format("{} of {} rows are not finite (or their squares overflow)", mi.bad_rows,
                              static_cast<index_t>(n) * rpp);
      out.push_back(std::move(mi));
      continue;
    }
    const int b = t.metric_block(m);
    if (v.kind == analysis::analysis_kind::sobol) {
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
        out.push_back(std::move(mi));
        continue;
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
    } else {
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
    out.push_back(std::move(mi));
  }
  return out;
}

double widest_confidence(analysis::analysis_kind kind, const std::vector<metric_indices>& ix) {
  double widest = 0;
  for (const auto& mi : ix) {
    if (!mi.reason.empty()) continue;  // constant or not finite: no interval will narrow (the report says why)
    if (kind == analysis::analysis_kind::sobol) {
      for (double c : mi.ST_conf) widest = std::isnan(c) ? HUGE_VAL : std::max(widest, c);
    } else {
      for (std::size_t j = 0; j < mi.mu_star.size(); ++j) {
        const double c = mi.mu_star_conf[j] / mi.mu_star[j];
        widest = std::isnan(c) ? (mi.mu_star[j] == 0 && mi.mu_star_conf[j] == 0 ? widest : HUGE_VAL)
                               : std::max(widest, c);
      }
    }
  }
  return widest;
}

}  // namespace coopgrid
