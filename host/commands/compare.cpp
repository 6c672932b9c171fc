#include "host/commands/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "host/backends/cpu_backend.hpp"
#include "host/backends/make_backend.hpp"
#include "host/backends/reference.hpp"
#include "host/reduce/factorized.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/io/load_source.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {
namespace {

/// Keeps the largest value seen; a NaN sticks.
void track_max(double& acc, double v) {
  if (std::isnan(acc)) return;
  if (std::isnan(v) || v > acc) acc = v;
}

/// Windows of scenarios that compare evaluates: all of them, or `sample` spread evenly.
std::vector<std::pair<index_t, index_t>> sample_windows(index_t n, index_t sample) {
  if (n <= sample) return {{0, n}};
  constexpr index_t windows = 64;
  const index_t len = std::max<index_t>(1, sample / windows);
  std::vector<std::pair<index_t, index_t>> out;
  for (index_t w = 0; w < windows; ++w) {
    // Evenly spaced, the first at 0 and the last ending at n (long double: n can be ~2^63).
    const auto start = static_cast<index_t>(static_cast<long double>(n - len) * w / (windows - 1));
    if (!out.empty() && start < out.back().first + out.back().second) continue;
    out.emplace_back(start, len);
  }
  return out;
}

/// Scores value x of scenario k against ref; `worst_excess` is the metric's largest excess so far.
void score(const tolerance& tol, double x, double ref, index_t k, metric_agreement& a, double& worst_excess) {
  const bool ok = tol.agrees(x, ref);
  const double abs_err = (x == ref) ? 0.0 : std::fabs(x - ref);  // inf == inf: 0
  const double rel_err = ref != 0 && std::isfinite(ref) ? abs_err / std::fabs(ref) : abs_err;
  const double bound = tol.atol + tol.rtol * std::fabs(ref);
  const double excess = ok ? abs_err - bound : std::numeric_limits<double>::infinity();
  if (!ok) ++a.failures;
  track_max(a.max_abs, abs_err);
  track_max(a.max_rel, rel_err);
  track_max(a.tol_used, ok ? abs_err / bound : std::numeric_limits<double>::infinity());
  if (a.worst < 0 || excess > worst_excess) {
    worst_excess = excess;
    a.worst = k;
  }
}

/// Every metric, in MODEL.md's order: compare checks them all.
std::vector<int> all_metrics() {
  std::vector<int> m(num_metrics);
  for (int i = 0; i < num_metrics; ++i) m[static_cast<std::size_t>(i)] = i;
  return m;
}

/// Rows widened to double, num_metrics per scenario (fold_marginals' layout).
template <class T>
std::vector<double> widened(const std::vector<metric_row<T>>& rows) {
  std::vector<double> wide(rows.size() * num_metrics);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (int m = 0; m < num_metrics; ++m) wide[i * num_metrics + static_cast<std::size_t>(m)] = rows[i].v[m];
  }
  return wide;
}

template <class T>
compare_report compare_as(const source& src, const compare_options& opt) {
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  compare_report r;
  r.backend = be->name();
  r.total = src.num_scenarios();
  r.tol = tolerance_for(opt.prec);
  const int threads = opt.bopt.threads > 0 ? opt.bopt.threads : hardware_threads();
  std::array<double, num_metrics> worst_excess{};
  // Where the backend reduces a grid factorized (host/backends/factorized_backend.hpp)
  // its reductions come from the formula core's block values on the host: check the
  // factorized reduction of every window (top-K by each metric in turn) against the
  // element-wise fold of the formula core's rows there (the cpu's, brute force), which
  // it reproduces; the backend's own rows are measured against the reference below.
  factorized_grid* fact = be->factorized();
  std::unique_ptr<backend<T>> host;
  if (fact != nullptr) {
    backend_options bf = opt.bopt;
    bf.brute_force = true;
    bf.devices.clear();
    host = make_cpu_backend<T>(src, bf);
  }
  // --marginal: built as run builds them (factorized where the backend reduces so,
  // else folded from its rows) and, from the reference's rows, the cells they must match.
  auto marginals = resolve_marginals(src, opt.marginals, all_metrics());
  auto ref_marginals = marginals;
  const reduce_spec no_filter;
  for (auto [first, count] : sample_windows(r.total, opt.sample)) {
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(count));
    be->evaluate(first, count, rows.data());
    if (fact) {
      reduce_spec spec;
      spec.top_k = 16;
      spec.top_by = static_cast<int>(r.factorized_windows % num_metrics);
      std::vector<metric_row<T>> host_rows(static_cast<std::size_t>(count));
      host->evaluate(first, count, host_rows.data());
      reduce_state fold(spec);
      fold.add_rows(spec, host_rows.data(), first, count);
      fold.finish(spec);
      ++r.factorized_windows;
      if (!factorized_agrees(be->reduce(spec, first, count, {}), fold)) ++r.factorized_mismatches;
    }
    if (!marginals.empty()) {
      if (fact) {
        for (auto& m : marginals) fact->add_marginal(no_filter, m, first, count);
      } else {
        const auto wide = widened(rows);
        fold_marginals(src, no_filter, wide.data(), first, count, marginals);
      }
    }
    std::vector<reference::row> refs(static_cast<std::size_t>(count));
    // The reference sees the inputs exactly as the backend does (rounded to float
    // in f32), so the comparison measures arithmetic, not input rounding.
    parallel_for(count, threads, [&](index_t i) {
      refs[static_cast<std::size_t>(i)] =
          reference::evaluate(reference::source_scenario(src, first + i, std::is_same_v<T, float>));
    });
    for (index_t i = 0; i < count; ++i) {
      const auto at = static_cast<std::size_t>(i);
      for (int m = 0; m < num_metrics; ++m) {
        score(r.tol, static_cast<double>(rows[at].v[m]), refs[at][m], first + i, r.metrics[m], worst_excess[m]);
      }
    }
    if (!ref_marginals.empty()) {
      std::vector<double> wide(refs.size() * num_metrics);
      for (std::size_t i = 0; i < refs.size(); ++i) {
        for (int m = 0; m < num_metrics; ++m) wide[i * num_metrics + static_cast<std::size_t>(m)] = refs[i][m];
      }
      fold_marginals(src, no_filter, wide.data(), first, count, ref_marginals);
    }
    r.compared += count;
  }
  for (std::size_t i = 0; i < marginals.size(); ++i) {
    r.marginals.push_back(compare_marginal(r.tol, marginals[i], ref_marginals[i]));
  }
  return r;
}

}  // namespace

marginal_agreement compare_marginal(const tolerance& tol, const marginal& got, const marginal& ref) {
  marginal_agreement a;
  a.name = got.name();
  for (index_t c = 0; c < got.num_cells(); ++c) {
    for (std::size_t s = 0; s < got.metrics.size(); ++s) {
      const auto& x = got.at(c, s);
      const auto& y = ref.at(c, s);
      ++a.compared;
      bool ok = x.count == y.count;
      if (ok && y.count > 0) {
        const double scale = std::max(std::fabs(y.min), std::fabs(y.max));
        ok = tol.agrees(x.min, y.min) && tol.agrees(x.max, y.max);
        for (const auto& stat : metric_statistics) {  // to the metric's scale, as its values
          const double sx = stat.of(x), sy = stat.of(y);
          ok = ok && (std::isfinite(sy) ? std::isfinite(sx) && std::fabs(sx - sy) <= tol.atol + tol.rtol * scale
                                        : tol.agrees(sx, sy) || (std::isnan(sx) && std::isnan(sy)));
        }
      }
      if (!ok) {
        if (a.failures == 0) a.first_failure = fmt::format("cell {} {}", c, metric_names[got.metrics[s]]);
        ++a.failures;
      }
    }
  }
  return a;
}

bool tolerance::agrees(double x, double ref) const {
  if (std::isnan(x) || std::isnan(ref)) return false;
  if (std::isinf(x) || std::isinf(ref)) return x == ref;
  return std::fabs(x - ref) <= atol + rtol * std::fabs(ref);
}

tolerance tolerance_for(precision p) {
  // f32: Neumaier sums and log-domain products keep every metric within a few
  // ulp of float times the log of the smallest representable product (~87),
  // so 2e-5; atol only absorbs values in float's subnormal range.
  return p == precision::f32 ? tolerance{1e-37, 2e-5} : tolerance{1e-300, 1e-12};
}

void compare_options::validate() const { check_backend_choice(backend, prec, bopt); }

bool compare_report::agree() const {
  if (factorized_mismatches > 0) return false;
  for (const auto& m : marginals) {
    if (m.failures > 0) return false;
  }
  for (const auto& m : metrics) {
    if (m.failures > 0) return false;
  }
  return true;
}

compare_report compare(const source& src, const compare_options& opt) {
  return opt.prec == precision::f32 ? compare_as<float>(src, opt) : compare_as<double>(src, opt);
}

std::string format_compare(const source& src, const compare_options& opt, const compare_report& r) {
  std::string out = fmt::format(
      "compare: {} {} against the reference on {} of {} scenarios of {}\n"
      "tolerance: |x - ref| <= {} + {} * |ref|\n\n",
      r.backend, precision_name(opt.prec), r.compared, r.total, src.path,
      r.tol.atol, r.tol.rtol);
  out += fmt::format("{:<24}{:>14}{:>14}{:>10}{:>10}  {}\n", "metric", "max_abs_err", "max_rel_err",
                     "tol_used", "failures", "worst scenario");
  for (int m = 0; m < num_metrics; ++m) {
    const auto& a = r.metrics[m];
    const std::string worst = scenario_label(src, a.worst);
    out += fmt::format("{:<24}{:>14.3e}{:>14.3e}{:>10.3f}{:>10}  {}\n", metric_names[m], a.max_abs,
                       a.max_rel, a.tol_used, a.failures, worst);
  }
  if (r.factorized_windows > 0) {
    out += r.factorized_mismatches == 0
               ? fmt::format("\nfactorized grid reduction: equals the element-wise fold on {} windows\n",
                             r.factorized_windows)
               : fmt::format("\nfactorized grid reduction: DIFFERS from the element-wise fold on {} of {} windows\n",
                             r.factorized_mismatches, r.factorized_windows);
  }
  if (!r.marginals.empty()) out += "\n";
  for (const auto& m : r.marginals) {
    out += m.failures == 0 ? fmt::format("marginal {}: {} cell metrics agree\n", m.name, m.compared)
                           : fmt::format("marginal {}: {} of {} cell metrics DISAGREE (first: {})\n", m.name,
                                         m.failures, m.compared, m.first_failure);
  }
  int bad = 0;
  for (const auto& a : r.metrics) bad += a.failures > 0;
  out += bad == 0 ? fmt::format("\nall {} metrics agree\n", num_metrics)
                  : fmt::format("\n{} of {} metrics DISAGREE\n", bad, num_metrics);
  return out;
}

int compare_command(const compare_options& opt) {
  opt.validate();
  source_options so = opt.design.source();
  so.threads = opt.bopt.threads;
  const auto src = load_source(opt.input, so);
  const auto report = compare(src, opt);
  fmt::print("{}", format_compare(src, opt, report));
  return report.agree() ? 0 : 1;
}

}  // namespace coopgrid
