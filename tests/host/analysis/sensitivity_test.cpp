// The one-pass Sobol' and Morris analyses (kernels/analysis/sensitivity.hpp,
// host/analysis/*) against a two-pass long-double evaluation of DESIGNS.md
// section 3's formulas on the same rows, every metric, both precisions, first
// and second order, Sobol' and Monte Carlo base points, several seeds; the
// bootstrap half-widths against a stored-row bootstrap with the same Poisson
// weights; exactness (state text, threads, unit splits); reference vs cpu;
// NaN reasons; and convergence to closed-form indices (section 5).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "host/analysis/accumulate.hpp"
#include "host/analysis/analysis_view.hpp"
#include "host/analysis/indices.hpp"
#include "host/backends/make_backend.hpp"
#include "host/io/problem_reader.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using analysis::analysis_kind;
using ld = long double;

constexpr int id_of(metric m) { return static_cast<int>(m); }

/// z_{0.975}, written out rather than taken from confidence_factor().
constexpr double z95 = 1.959963984540054;

/// Nine parameters of every kind of block; every metric varies and stays finite.
const char* const wide_problem = R"(
[countries]
count = { integers = [1, 30] }
datasets = { loguniform = [10, 10000] }
share_prob = { uniform = [0.1, 0.9] }
[standards]
count = { integers = [1, 8] }
difficulty = { triangular = [0.1, 0.5, 2.0] }
[exchange]
activities = { lognormal = [2.0, 0.5] }
countries_per_activity = { choice = [1, 3, 6] }
[resources]
count = 4
share_prob = { uniform = [0.2, 0.8] }
[ethics]
count = 3
difficulty = { uniform = [0.1, 1.5] }
)";

/// The same with groups: Sobol' indices per group.
const char* const grouped_problem = R"(
[countries]
count = { integers = [1, 30], group = "countries" }
datasets = { loguniform = [10, 10000], group = "countries" }
share_prob = { uniform = [0.1, 0.9], group = "sharing" }
[standards]
count = { integers = [1, 8] }
difficulty = { triangular = [0.1, 0.5, 2.0] }
[exchange]
activities = { lognormal = [2.0, 0.5] }
countries_per_activity = 3
[resources]
count = 4
share_prob = { uniform = [0.2, 0.8], group = "sharing" }
)";

/// Continuous parameters only, so that every Morris step changes its parameter's value
/// (the reference reads the moved coordinate and its direction from the values, as SALib from X).
const char* const morris_problem = R"(
[countries]
count = 12
datasets = { loguniform = [10, 10000] }
share_prob = { uniform = [0.1, 0.9] }
[standards]
count = 5
difficulty = { triangular = [0.1, 0.5, 2.0] }
[exchange]
activities = { lognormal = [2.0, 0.5] }
countries_per_activity = 4
[ethics]
count = 3
difficulty = { uniform = [0.1, 1.5] }
)";

source problem_source(const char* toml, const design_options& o) {
  return source("test.toml", design_source(parse_problem(toml, "test.toml"), o));
}

template <class T>
struct analysed {
  analysis::sensitivity_view view;
  std::vector<metric_row<T>> rows;  ///< every row of the design
  sensitivity_state state;
  std::vector<metric_indices> indices;
};

/// One analysis of `src` on `kind`'s backend: every row (evaluate()), the one-pass state and the indices.
template <class T>
analysed<T> analyse(const source& src, analysis_kind kind, int replicates, backend_kind bk = backend_kind::cpu,
                    int threads = 0) {
  const auto& d = std::get<design_source>(src.input);
  analysis_options o;
  o.kind = kind;
  o.replicates = replicates;
  backend_options bopt;
  bopt.threads = threads;
  auto be = make_backend<T>(bk, src, bopt);
  analysed<T> a;
  a.view = make_sensitivity_view(d, o);
  const index_t points = d.options.n;
  a.rows.resize(static_cast<std::size_t>(points * a.view.design.rows_per_point));
  be->evaluate(0, static_cast<index_t>(a.rows.size()), a.rows.data());
  set_shifts(a.view, a.rows.data());
  a.state = be->sensitivity(a.view, 0, points, {});
  a.indices = compute_indices(a.view, a.state, 0.95);
  return a;
}

/// |x - ref| <= tol max(1, |ref|); NaN only where the reference is NaN.
void expect_close(double x, ld ref, double tol, const std::string& what) {
  if (std::isnan(static_cast<double>(ref))) {
    EXPECT_TRUE(std::isnan(x)) << what << ": " << x;
    return;
  }
  const ld bound = static_cast<ld>(tol) * std::max<ld>(1, std::fabs(ref));
  EXPECT_LE(std::fabs(static_cast<ld>(x) - ref), bound) << what << ": " << x << " vs " << static_cast<double>(ref);
}

ld std_ddof1(const std::vector<ld>& x) {
  ld mean = 0;
  for (ld v : x) mean += v;
  mean /= static_cast<ld>(x.size());
  ld ss = 0;
  for (ld v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<ld>(x.size() - 1));
}

struct sobol_ref {
  std::vector<ld> s1, st, s2;
};

/**
 * DESIGNS.md section 3 in two passes over stored rows: f centred on the mean of
 * all rows (pass 1), then each estimator as written, each base point weighted by
 * w[b] (1 for the estimate; Poisson(1) for a bootstrap replicate).
 */
sobol_ref sobol_two_pass(const std::vector<std::vector<ld>>& f, int g, bool so, ld c, const std::vector<ld>& w) {
  const std::size_t n = f.size();
  ld W = 0, sab = 0;
  for (std::size_t b = 0; b < n; ++b) {
    W += w[b];
    sab += w[b] * ((f[b].front() - c) + (f[b].back() - c));
  }
  const ld mean = sab / (2 * W);
  ld var = 0;
  for (std::size_t b = 0; b < n; ++b) {
    const ld a = f[b].front() - c - mean, bb = f[b].back() - c - mean;
    var += w[b] * (a * a + bb * bb);
  }
  var /= 2 * W;
  sobol_ref r;
  for (int j = 0; j < g; ++j) {
    ld s1 = 0, st = 0;
    for (std::size_t b = 0; b < n; ++b) {
      const ld fa = f[b].front() - c, fb = f[b].back() - c, fab = f[b][1 + j] - c;
      s1 += w[b] * fb * (fab - fa);         // Saltelli 2010
      st += w[b] * (fa - fab) * (fa - fab);  // Jansen 1999
    }
    r.s1.push_back(s1 / W / var);
    r.st.push_back(st / W / (2 * var));
  }
  if (so) {
    for (int j = 0; j < g; ++j) {
      for (int k = j + 1; k < g; ++k) {
        ld v = 0;
        for (std::size_t b = 0; b < n; ++b) {
          const ld fa = f[b].front() - c, fb = f[b].back() - c;
          v += w[b] * ((f[b][1 + g + j] - c) * (f[b][1 + k] - c) - fa * fb);  // Saltelli 2002
        }
        r.s2.push_back(v / W / var - r.s1[j] - r.s1[k]);
      }
    }
  }
  return r;
}

/// Checks every metric's Sobol' indices and half-widths of `a` against the two-pass reference.
template <class T>
void check_sobol(const analysed<T>& a, const std::string& what) {
  const auto& v = a.view;
  const int g = v.design.num_groups;
  const int rpp = v.design.rows_per_point;
  const bool so = v.design.second_order;
  const auto n = static_cast<std::size_t>(a.rows.size() / rpp);
  ASSERT_EQ(a.indices.size(), static_cast<std::size_t>(v.num_metrics));
  for (int m = 0; m < v.num_metrics; ++m) {
    const int id = v.metrics[m];
    const auto& mi = a.indices[static_cast<std::size_t>(m)];
    const std::string wm = what + " " + metric_names[id];
    std::vector<std::vector<ld>> f(n, std::vector<ld>(static_cast<std::size_t>(rpp)));
    ld all = 0;
    for (std::size_t b = 0; b < n; ++b) {
      for (int r = 0; r < rpp; ++r) {
        f[b][static_cast<std::size_t>(r)] = static_cast<ld>(a.rows[b * rpp + static_cast<std::size_t>(r)].v[id]);
        all += f[b][static_cast<std::size_t>(r)];
      }
    }
    ASSERT_TRUE(std::isfinite(static_cast<double>(all))) << wm;
    bool constant = true;
    for (const auto& fb : f) constant = constant && fb.front() == f[0].front() && fb.back() == f[0].front();
    if (constant) {  // a metric the problem does not vary (the grouped one has no ethics block)
      EXPECT_NE(mi.reason.find("constant"), std::string::npos) << wm << ": " << mi.reason;
      EXPECT_TRUE(std::isnan(mi.S1[0]) && std::isnan(mi.ST[0]) && std::isnan(mi.ST_conf[0])) << wm;
      continue;
    }
    ASSERT_TRUE(mi.reason.empty()) << wm << ": " << mi.reason;
    const ld c = all / static_cast<ld>(n * rpp);
    const auto e = sobol_two_pass(f, g, so, c, std::vector<ld>(n, 1));
    for (int j = 0; j < g; ++j) {
      expect_close(mi.S1[j], e.s1[j], 1e-9, wm + " S1 " + std::to_string(j));
      expect_close(mi.ST[j], e.st[j], 1e-9, wm + " ST " + std::to_string(j));
    }
    ASSERT_EQ(mi.S2.size(), e.s2.size()) << wm;
    for (std::size_t p = 0; p < e.s2.size(); ++p) expect_close(mi.S2[p], e.s2[p], 1e-9, wm + " S2 " + std::to_string(p));
    // The bootstrap over stored rows: the same Poisson weights, the same centring (SALib standardises once).
    std::vector<std::vector<ld>> s1r(g), str(g), s2r(e.s2.size());
    for (int r = 1; r <= v.replicates; ++r) {
      std::vector<ld> w(n);
      for (std::size_t b = 0; b < n; ++b) w[b] = analysis::bootstrap_weight(v.boot_seed, static_cast<index_t>(b), r);
      const auto er = sobol_two_pass(f, g, so, c, w);
      for (int j = 0; j < g; ++j) {
        s1r[j].push_back(er.s1[j]);
        str[j].push_back(er.st[j]);
      }
      for (std::size_t p = 0; p < e.s2.size(); ++p) s2r[p].push_back(er.s2[p]);
    }
    for (int j = 0; j < g; ++j) {
      expect_close(mi.S1_conf[j], z95 * std_ddof1(s1r[j]), 1e-9, wm + " S1_conf " + std::to_string(j));
      expect_close(mi.ST_conf[j], z95 * std_ddof1(str[j]), 1e-9, wm + " ST_conf " + std::to_string(j));
    }
    for (std::size_t p = 0; p < e.s2.size(); ++p) {
      expect_close(mi.S2_conf[p], z95 * std_ddof1(s2r[p]), 1e-9, wm + " S2_conf " + std::to_string(p));
    }
  }
}

template <class T>
class SobolTwoPass : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SobolTwoPass, Precisions);

// f32 rows are checked at the same 1e-9: the rows are floats, but every term and
// sum is double, and the reference reads the same float rows in long double.
TYPED_TEST(SobolTwoPass, EveryMetricFirstAndSecondOrderBothBases) {
  using T = TypeParam;
  struct config {
    const char* toml;
    bool second_order, mc_base, scramble;
    std::uint64_t seed;
    index_t n;
  };
  const config cases[] = {
      {wide_problem, false, false, false, 0, 600},  {wide_problem, true, false, false, 3, 300},
      {wide_problem, false, true, false, 11, 500},  {wide_problem, true, true, false, 12345, 257},
      {wide_problem, false, false, true, 7, 400},   {grouped_problem, false, false, false, 1, 500},
      {grouped_problem, true, true, false, 2, 300},
  };
  for (const auto& c : cases) {
    design_options o;
    o.kind = design::design_kind::saltelli;
    o.n = c.n;
    o.seed = c.seed;
    o.second_order = c.second_order;
    o.mc_base = c.mc_base;
    o.scramble = c.scramble;
    const auto a = analyse<T>(problem_source(c.toml, o), analysis_kind::sobol, 40);
    check_sobol(a, std::string(c.toml == wide_problem ? "wide" : "grouped") + (c.second_order ? " second" : " first") +
                       (c.mc_base ? " mc" : " sobol") + " seed " + std::to_string(c.seed));
  }
}

TEST(SobolGroups, OneIndexPerGroup) {
  design_options o;
  o.kind = design::design_kind::saltelli;
  o.n = 64;
  o.second_order = true;
  const auto a = analyse<double>(problem_source(grouped_problem, o), analysis_kind::sobol, 0);
  // Groups: countries (count, datasets), sharing (two share_probs), standards.count, standards.difficulty,
  // exchange.activities: 5 groups, 2 * 5 + 2 rows per base point, 10 pairs.
  EXPECT_EQ(a.view.design.num_groups, 5);
  EXPECT_EQ(a.view.design.rows_per_point, 12);
  EXPECT_EQ(a.indices[0].S1.size(), 5u);
  EXPECT_EQ(a.indices[0].S2.size(), 10u);
  // Without replicates the half-widths are NaN, the indices not.
  EXPECT_TRUE(std::isnan(a.indices[0].ST_conf[0]));
  EXPECT_FALSE(std::isnan(a.indices[0].ST[0]));
}

/// Morris in two passes: elementary effects read from the rows' parameter values (which
/// coordinate moved, up or down), SALib's step-down convention, then mu, mu_star, sigma (ddof 1).
template <class T>
void check_morris(const analysed<T>& a, const design_source& d, const std::string& what) {
  const auto& v = a.view;
  const int k = v.design.num_parameters;
  const int rpp = v.design.rows_per_point;
  ASSERT_EQ(rpp, k + 1);
  const auto n = a.rows.size() / static_cast<std::size_t>(rpp);
  const ld delta = static_cast<ld>(v.design.levels) / (2 * static_cast<ld>(v.design.levels - 1));
  for (int m = 0; m < v.num_metrics; ++m) {
    const int id = v.metrics[m];
    const std::string wm = what + " " + metric_names[id];
    std::vector<std::vector<ld>> ee(n, std::vector<ld>(static_cast<std::size_t>(k), NAN));
    for (std::size_t b = 0; b < n; ++b) {
      for (int s = 0; s < k; ++s) {
        const index_t i0 = static_cast<index_t>(b) * rpp + s;
        const auto x0 = d.parameter_values(i0), x1 = d.parameter_values(i0 + 1);
        int moved = -1, count = 0;
        for (int j = 0; j < k; ++j) {
          if (x0[j] != x1[j]) {
            moved = j;
            ++count;
          }
        }
        ASSERT_EQ(count, 1) << wm << " trajectory " << b << " step " << s;
        const ld y0 = a.rows[static_cast<std::size_t>(i0)].v[id], y1 = a.rows[static_cast<std::size_t>(i0 + 1)].v[id];
        ee[b][static_cast<std::size_t>(moved)] = (x1[moved] > x0[moved] ? y1 - y0 : y0 - y1) / delta;
      }
    }
    const auto& mi = a.indices[static_cast<std::size_t>(m)];
    ASSERT_TRUE(mi.reason.empty()) << wm << ": " << mi.reason;
    for (int j = 0; j < k; ++j) {
      std::vector<ld> e(n), abs_e(n);
      ld mu = 0, mu_star = 0;
      for (std::size_t b = 0; b < n; ++b) {
        e[b] = ee[b][j];
        abs_e[b] = std::fabs(e[b]);
        mu += e[b];
        mu_star += abs_e[b];
      }
      mu /= static_cast<ld>(n);
      mu_star /= static_cast<ld>(n);
      const std::string wj = wm + " " + std::to_string(j);
      expect_close(mi.mu[j], mu, 1e-9, wj + " mu");
      expect_close(mi.mu_star[j], mu_star, 1e-9, wj + " mu_star");
      expect_close(mi.sigma[j], std_ddof1(e), 1e-9, wj + " sigma");
      std::vector<ld> reps;
      for (int r = 1; r <= v.replicates; ++r) {
        ld W = 0, s = 0;
        for (std::size_t b = 0; b < n; ++b) {
          const ld w = analysis::bootstrap_weight(v.boot_seed, static_cast<index_t>(b), r);
          W += w;
          s += w * abs_e[b];
        }
        reps.push_back(s / W);
      }
      expect_close(mi.mu_star_conf[j], z95 * std_ddof1(reps), 1e-9, wj + " mu_star_conf");
    }
  }
}

template <class T>
class MorrisTwoPass : public ::testing::Test {};
TYPED_TEST_SUITE(MorrisTwoPass, Precisions);

TYPED_TEST(MorrisTwoPass, EveryMetricSeveralSeedsAndLevels) {
  using T = TypeParam;
  for (const auto& [seed, levels, n] : std::vector<std::tuple<std::uint64_t, int, index_t>>{
           {0, 4, 300}, {5, 6, 250}, {99, 8, 200}}) {
    design_options o;
    o.kind = design::design_kind::morris;
    o.n = n;
    o.seed = seed;
    o.levels = levels;
    const auto src = problem_source(morris_problem, o);
    const auto a = analyse<T>(src, analysis_kind::morris, 30);
    check_morris(a, std::get<design_source>(src.input), "morris seed " + std::to_string(seed));
  }
}

TEST(AnalysisState, TextRoundTripThreadsAndUnitSplits) {
  design_options o;
  o.kind = design::design_kind::saltelli;
  o.n = 2 * analysis::analysis_unit + 300;  // two whole units and a partial one
  o.seed = 4;
  const auto src = problem_source(wide_problem, o);
  const auto one = analyse<double>(src, analysis_kind::sobol, 20, backend_kind::cpu, 1);
  const auto two = analyse<double>(src, analysis_kind::sobol, 20, backend_kind::cpu, 2);
  EXPECT_EQ(one.state, two.state);
  // Split at unit multiples: [0, U) + [U, n) and [0, 2U) + [2U, n) merge to the whole.
  auto be = make_backend<double>(backend_kind::cpu, src, {});
  for (index_t cut : {analysis::analysis_unit, 2 * analysis::analysis_unit}) {
    auto s = be->sensitivity(one.view, 0, cut, {});
    s.merge(be->sensitivity(one.view, cut, o.n - cut, {}));
    EXPECT_EQ(s, one.state) << "cut " << cut;
  }
  // The row-based path (any backend's default) gives the same bits as the fused one.
  const auto by_rows = sensitivity_by_rows<double>(
      one.view, 0, o.n, [&](index_t lo, index_t n, metric_row<double>* rows) { be->evaluate(lo, n, rows); }, {});
  EXPECT_EQ(by_rows, one.state);
  // Exact text round trip, and a damaged or mis-sized text is refused.
  const auto text = sensitivity_state_text(one.state);
  std::istringstream in(text);
  sensitivity_state back;
  parse_sensitivity_state_text(in, one.state.sums.size(), back, "state");
  EXPECT_EQ(back, one.state);
  std::istringstream wrong(text);
  sensitivity_state ignored;
  EXPECT_ANY_THROW(parse_sensitivity_state_text(wrong, one.state.sums.size() + 1, ignored, "state"));
  std::istringstream cut(text.substr(0, text.size() / 2));
  EXPECT_ANY_THROW(parse_sensitivity_state_text(cut, one.state.sums.size(), ignored, "state"));
}

TEST(AnalysisBackends, ReferenceAgreesWithCpu) {
  design_options o;
  o.kind = design::design_kind::saltelli;
  o.n = 200;
  o.second_order = true;
  o.seed = 8;
  const auto ref = analyse<double>(problem_source(wide_problem, o), analysis_kind::sobol, 20, backend_kind::reference);
  const auto cpu = analyse<double>(problem_source(wide_problem, o), analysis_kind::sobol, 20, backend_kind::cpu);
  for (std::size_t m = 0; m < cpu.indices.size(); ++m) {
    const auto& a = ref.indices[m];
    const auto& b = cpu.indices[m];
    const std::string w = metric_names[b.metric];
    for (std::size_t j = 0; j < b.S1.size(); ++j) {
      expect_close(b.S1[j], a.S1[j], 1e-9, w + " S1");
      expect_close(b.ST[j], a.ST[j], 1e-9, w + " ST");
      expect_close(b.ST_conf[j], a.ST_conf[j], 1e-9, w + " ST_conf");
    }
    for (std::size_t p = 0; p < b.S2.size(); ++p) expect_close(b.S2[p], a.S2[p], 1e-9, w + " S2");
  }
  design_options mo;
  mo.kind = design::design_kind::morris;
  mo.n = 100;
  const auto mref = analyse<double>(problem_source(morris_problem, mo), analysis_kind::morris, 20, backend_kind::reference);
  const auto mcpu = analyse<double>(problem_source(morris_problem, mo), analysis_kind::morris, 20, backend_kind::cpu);
  for (std::size_t m = 0; m < mcpu.indices.size(); ++m) {
    for (std::size_t j = 0; j < mcpu.indices[m].mu.size(); ++j) {
      const std::string w = metric_names[mcpu.indices[m].metric];
      expect_close(mcpu.indices[m].mu[j], mref.indices[m].mu[j], 1e-9, w + " mu");
      expect_close(mcpu.indices[m].mu_star[j], mref.indices[m].mu_star[j], 1e-9, w + " mu_star");
      expect_close(mcpu.indices[m].sigma[j], mref.indices[m].sigma[j], 1e-9, w + " sigma");
    }
  }
}

TEST(AnalysisNaN, ConstantMetricAndNonFiniteRows) {
  // Only exchange.activities varies, from 0: the unscrambled Sobol' base point 0 is all
  // zeros, so its rows have T = 0 and, with G = 3, exchange logs of -inf. Everything
  // outside the exchange block is constant.
  const char* toml = R"(
[countries]
count = 3
datasets = 10
share_prob = 0.5
[exchange]
activities = { uniform = [0, 10] }
countries_per_activity = 3
)";
  design_options o;
  o.kind = design::design_kind::saltelli;
  o.n = 128;
  for (auto kind : {analysis_kind::sobol, analysis_kind::morris}) {
    o.kind = kind == analysis_kind::sobol ? design::design_kind::saltelli : design::design_kind::morris;
    const auto a = analyse<double>(problem_source(toml, o), kind, 10);
    index_t bad = 0;
    for (const auto& r : a.rows) bad += std::isfinite(r.v[id_of(metric::exchange_effect_log10)]) ? 0 : 1;
    for (const auto& mi : a.indices) {
      const std::string w = std::string(analysis_name(kind)) + " " + metric_names[mi.metric];
      const auto& first = kind == analysis_kind::sobol ? mi.S1 : mi.mu;
      if (mi.metric == id_of(metric::exchange_effect_log10) || mi.metric == id_of(metric::exchange_total_log10)) {
        if (kind == analysis_kind::sobol) {
          ASSERT_GT(bad, 0);
          EXPECT_EQ(mi.bad_rows, bad) << w;  // every non-finite row is counted
          EXPECT_NE(mi.reason.find("not finite"), std::string::npos) << w << ": " << mi.reason;
          EXPECT_TRUE(std::isnan(first[0])) << w;
        }
      } else if (kind == analysis_kind::sobol) {
        EXPECT_NE(mi.reason.find("constant"), std::string::npos) << w << ": " << mi.reason;
        EXPECT_TRUE(std::isnan(first[0]) && std::isnan(mi.ST[0]) && std::isnan(mi.ST_conf[0])) << w;
      } else {  // Morris on a constant metric: every effect is 0, and defined
        EXPECT_EQ(mi.mu[0], 0.0) << w;
        EXPECT_EQ(mi.mu_star[0], 0.0) << w;
        EXPECT_EQ(mi.sigma[0], 0.0) << w;
      }
    }
  }
}

/**
 * Closed form (DESIGNS.md section 5). With countries.count = n fixed and one value
 * per block, shared_expected = n D p for independent D ~ U[a, b], p ~ U[c, d].
 * For Y = X1 X2 with X1, X2 independent (the factor n cancels in every index):
 *   E[Y] = E[X1] E[X2],  E[Y^2] = E[X1^2] E[X2^2],
 *   V = Var(Y) = E[X1^2] E[X2^2] - E[X1]^2 E[X2]^2.
 *   E[Y | X1] = X1 E[X2], so V1 = Var(E[Y | X1]) = Var(X1) E[X2]^2; likewise V2 = Var(X2) E[X1]^2.
 *   S1_1 = V1 / V, S1_2 = V2 / V; the interaction V12 = V - V1 - V2 = Var(X1) Var(X2).
 *   ST_1 = E[Var(Y | X2)] / V = 1 - V2 / V = (V1 + V12) / V; ST_2 = 1 - V1 / V.
 * For U[a, b]: E = (a + b) / 2, Var = (b - a)^2 / 12, E[X^2] = Var + E^2.
 */
TEST(AnalysisClosedForm, ProductOfIndependentUniforms) {
  const double a = 100, b = 1000, c = 0.1, d = 0.9;
  const char* toml = R"(
[countries]
count = 20
datasets = { uniform = [100, 1000] }
share_prob = { uniform = [0.1, 0.9] }
)";
  const double e1 = (a + b) / 2, v1 = (b - a) * (b - a) / 12, e2 = (c + d) / 2, v2 = (d - c) * (d - c) / 12;
  const double V = (v1 + e1 * e1) * (v2 + e2 * e2) - e1 * e1 * e2 * e2;
  const double V1 = v1 * e2 * e2, V2 = v2 * e1 * e1;
  const double s1[2] = {V1 / V, V2 / V}, st[2] = {1 - V2 / V, 1 - V1 / V};
  double first_error = 0, last_error = 0;
  for (int log_n = 10; log_n <= 16; log_n += 2) {
    design_options o;
    o.kind = design::design_kind::saltelli;
    o.n = index_t{1} << log_n;
    o.seed = 1;
    auto a_ = analyse<double>(problem_source(toml, o), analysis_kind::sobol, 100);
    const metric_indices* mi = nullptr;
    for (const auto& x : a_.indices) mi = x.metric == id_of(metric::shared_expected) ? &x : mi;
    ASSERT_NE(mi, nullptr);
    double err = 0;
    for (int j = 0; j < 2; ++j) err = std::max({err, std::fabs(mi->S1[j] - s1[j]), std::fabs(mi->ST[j] - st[j])});
    if (log_n == 10) first_error = err;
    last_error = err;
    if (log_n == 16) {  // within a few half-widths at the largest n
      for (int j = 0; j < 2; ++j) {
        EXPECT_LE(std::fabs(mi->S1[j] - s1[j]), 3 * mi->S1_conf[j]) << j;
        EXPECT_LE(std::fabs(mi->ST[j] - st[j]), 3 * mi->ST_conf[j]) << j;
        EXPECT_LT(mi->ST_conf[j], 0.02) << j;
      }
    }
  }
  EXPECT_LT(last_error, first_error / 4) << first_error << " -> " << last_error;
  EXPECT_LT(last_error, 2e-3);
}

/// Morris on a linear metric: datasets_total = count D with only D ~ U[a, b] varied is
/// count (a + u (b - a)) in unit space, so every elementary effect is count (b - a):
/// mu = mu_star = count (b - a), sigma = 0 up to rounding.
TEST(AnalysisClosedForm, LinearMetricHasConstantElementaryEffects) {
  const char* toml = R"(
[countries]
count = 20
datasets = { uniform = [100, 1000] }
share_prob = 0.5
)";
  for (int levels : {4, 6}) {
    design_options o;
    o.kind = design::design_kind::morris;
    o.n = 500;
    o.levels = levels;
    o.seed = 3;
    const auto a = analyse<double>(problem_source(toml, o), analysis_kind::morris, 50);
    for (const auto& mi : a.indices) {
      if (mi.metric != id_of(metric::datasets_total) && mi.metric != id_of(metric::shared_expected)) continue;
      const double slope = 20 * 900 * (mi.metric == id_of(metric::shared_expected) ? 0.5 : 1.0);
      EXPECT_NEAR(mi.mu[0], slope, 1e-9 * slope) << metric_names[mi.metric];
      EXPECT_NEAR(mi.mu_star[0], slope, 1e-9 * slope) << metric_names[mi.metric];
      EXPECT_LE(mi.sigma[0], 1e-9 * slope) << metric_names[mi.metric];
      EXPECT_LE(mi.mu_star_conf[0], 1e-9 * slope) << metric_names[mi.metric];
    }
  }
}

}  // namespace
}  // namespace coopgrid
