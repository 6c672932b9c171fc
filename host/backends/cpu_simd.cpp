#include "host/backends/cpu_simd.hpp"

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <string>

#include "host/backends/cpu_simd_lanes.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {
namespace {

using namespace simd_detail;

const kernels* kernels_of(simd_target t) {
#if defined(COOPGRID_HAVE_SLEEF)
  if (t == simd_target::avx2) return &avx2_kernels;
  if (t == simd_target::avx512) return &avx512_kernels;
#endif
  (void)t;
  return nullptr;
}

compensated_sum<double> summed(const pair_sum& p) { return compensated_sum<double>{p.s, p.c}; }

/// The lanes' products merged in the fixed tree of the sums, (j, j + 4), (j, j + 2), (0, 1).
factor_product multiplied(const product_lanes& l) {
  factor_product p[lanes];
  for (int j = 0; j < lanes; ++j) p[j] = factor_product{l.hi[j], l.lo[j], static_cast<index_t>(l.scale[j])};
  for (int half = lanes / 2; half >= 1; half /= 2) {
    for (int j = 0; j < half; ++j) p[j].merge(p[j + half]);
  }
  return p[0];
}

template <class In>
countries_acc<double> list_countries(const list_kernels<In>& k, const batch_view<In>& b, index_t s) {
  const index_t lo = b.country_offsets[s], n = b.country_offsets[s + 1] - lo;
  countries_acc<double> a;
  if (n == 0) return a;
  country_lanes l;
  k.countries(b.datasets + lo, b.country_share_prob + lo, n, l);
  a.total = summed(l.total);
  a.shared = summed(l.shared);
  a.variance = summed(l.variance);
  a.quota = l.quota;
  return a;
}

template <class In>
consensus_acc<double> list_consensus(const list_kernels<In>& k, const index_t* offsets, const In* x, index_t s) {
  const index_t lo = offsets[s], n = offsets[s + 1] - lo;
  const auto base = make_consensus_base<double>(n);
  consensus_acc<double> a;
  if (n <= 1) {  // M = 0 or 1 (MODEL.md's edge cases): no transcendental, the scalar core
    for (index_t i = 0; i < n; ++i) a.add(base, static_cast<double>(x[lo + i]));
    return a;
  }
  consensus_lanes l;
  k.consensus(x + lo, n, base.log_q, l);
  a.difficulty = summed(l.difficulty);
  a.p_all = multiplied(l.p_all);
  a.expected = summed(l.expected);
  a.constrained = l.constrained;
  a.any_zero = l.any_zero;
  return a;
}

/// Scenario s's row in double; f32 items are widened exactly (the row is rounded once, at the end).
template <class In>
metric_row<double> vector_scenario(const kernels& kt, const batch_view<In>& b, index_t s) {
  const list_kernels<In>& k = kt.of(b.datasets);
  scenario_acc<double> acc;
  acc.countries = list_countries(k, b, s);
  acc.standards = list_consensus(k, b.standard_offsets, b.standard_difficulty, s);
  const index_t rlo = b.resource_offsets[s], rn = b.resource_offsets[s + 1] - rlo;
  if (rn > 0) {
    pair_sum l;
    k.sum(b.resource_share_prob + rlo, rn, l);
    acc.resources = summed(l);
  }
  acc.ethics = list_consensus(k, b.ethics_offsets, b.ethics_difficulty, s);
  const index_t m_std = b.standard_offsets[s + 1] - b.standard_offsets[s];
  const index_t m_eth = b.ethics_offsets[s + 1] - b.ethics_offsets[s];
  return finish_scenario(acc, make_consensus_base<double>(m_std), make_consensus_base<double>(m_eth),
                         static_cast<double>(b.activities[s]), b.countries_per_activity[s]);
}

/// x rounded to float, IEEE round-to-nearest (beyond float's range: inf, as the hardware
/// rounds; the cast itself is undefined there).
float to_float(double x) {
  if (!(std::fabs(x) > static_cast<double>(FLT_MAX))) return static_cast<float>(x);  // NaN too
  const float sign = x > 0 ? 1.0f : -1.0f;
  return sign * (std::fabs(x) >= 0x1.ffffffp127 ? HUGE_VALF : FLT_MAX);  // 2^128 - 2^103: half an ulp past
}

}  // namespace

const char* simd_target_name(simd_target t) {
  switch (t) {
    case simd_target::scalar: return "scalar";
    case simd_target::avx2: return "avx2";
    case simd_target::avx512: return "avx512";
  }
  return "?";
}

bool simd_available(simd_target t) {
  if (t == simd_target::scalar) return true;
  if (kernels_of(t) == nullptr) return false;
  // libgcc's checks include the OS's saving of the wider registers (XCR0).
  if (t == simd_target::avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}

std::string available_simd_targets() {
  std::string out;
  for (simd_target t : {simd_target::scalar, simd_target::avx2, simd_target::avx512}) {
    if (simd_available(t)) out += std::string(out.empty() ? "" : ", ") + simd_target_name(t);
  }
  return out;
}

simd_target best_simd_target() {
  if (simd_available(simd_target::avx512)) return simd_target::avx512;
  if (simd_available(simd_target::avx2)) return simd_target::avx2;
  return simd_target::scalar;
}

simd_target parse_simd_target(std::string_view value) {
  if (value == "auto") return best_simd_target();
  for (simd_target t : {simd_target::scalar, simd_target::avx2, simd_target::avx512}) {
    if (value == simd_target_name(t)) return t;
  }
  throw usage_error("COOPGRID_SIMD=" + std::string(value) + ": expected scalar, avx2, avx512 or auto");
}

simd_target selected_simd_target() {
  const char* env = std::getenv("COOPGRID_SIMD");
  if (env != nullptr && *env != '\0') {
    const simd_target t = parse_simd_target(env);
    if (!simd_available(t)) {
      throw usage_error(std::string("COOPGRID_SIMD=") + env + ": " +
                        (kernels_of(t) == nullptr ? "this build has no SLEEF (vector paths not compiled in)"
                                                  : "this CPU lacks it") +
                        " (this machine runs: " + available_simd_targets() + ")");
    }
    return t;
  }
  return best_simd_target();  // see cpu_simd.hpp: the agreement contract
}

namespace {
double rounded(double x, double*) { return x; }
float rounded(double x, float*) { return to_float(x); }

/// Rows on target t; vector rows work in double and are rounded to T once.
template <class T>
void rows_on(simd_target t, const batch_view<T>& b, index_t first, index_t count, metric_row<T>* rows) {
  const kernels* k = kernels_of(t);
  if (k == nullptr) {
    for (index_t i = 0; i < count; ++i) rows[i] = evaluate_scenario(b, first + i);
    return;
  }
  for (index_t i = 0; i < count; ++i) {
    const metric_row<double> r = vector_scenario(*k, b, first + i);
    for (int m = 0; m < num_metrics; ++m) rows[i].v[m] = rounded(r.v[m], static_cast<T*>(nullptr));
  }
}
}  // namespace

void simd_batch_rows(simd_target t, const batch_view<double>& b, index_t first, index_t count,
                     metric_row<double>* rows) {
  rows_on(t, b, first, count, rows);
}

void simd_batch_rows(simd_target t, const batch_view<float>& b, index_t first, index_t count,
                     metric_row<float>* rows) {
  rows_on(t, b, first, count, rows);
}

void simd_math(simd_target t, simd_math_fn f, const double* in, double* out, std::size_t n) {
  if (const kernels* k = kernels_of(t)) {
    k->math(f, in, out, n);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    switch (f) {
      case simd_math_fn::exp: out[i] = std::exp(in[i]); break;
      case simd_math_fn::expm1:
      case simd_math_fn::expm1_unit: out[i] = std::expm1(in[i]); break;
      case simd_math_fn::log: out[i] = std::log(in[i]); break;
      case simd_math_fn::log1p: out[i] = std::log1p(in[i]); break;
    }
  }
}

}  // namespace coopgrid
