#pragma once
/**
 * @file formulas.hpp
 * @brief The formula core of MODEL.md: per-item accumulators and per-scenario
 *        finishers, shared verbatim by the CPU backend and the CUDA kernels.
 *
 * Everything here is a small inline function over plain structs, templated on
 * the working precision (float or double). Loops over items live in the
 * callers (a thread, a warp, a CPU core); the arithmetic lives only here.
 * Nothing here allocates, throws or synchronises.
 */
#include <math.h>

#include "config.hpp"
#include "metrics.hpp"

namespace coopgrid {
namespace detail {
// Explicit overloads: the same spelling resolves to the float or double
// function on the host (libm) and on the device (CUDA math library).
COOPGRID_HOST_DEVICE inline float cg_expm1(float x) { return ::expm1f(x); }
COOPGRID_HOST_DEVICE inline double cg_expm1(double x) { return ::expm1(x); }
COOPGRID_HOST_DEVICE inline float cg_log1p(float x) { return ::log1pf(x); }
COOPGRID_HOST_DEVICE inline double cg_log1p(double x) { return ::log1p(x); }
COOPGRID_HOST_DEVICE inline float cg_log(float x) { return ::logf(x); }
COOPGRID_HOST_DEVICE inline double cg_log(double x) { return ::log(x); }
COOPGRID_HOST_DEVICE inline float cg_exp(float x) { return ::expf(x); }
COOPGRID_HOST_DEVICE inline double cg_exp(double x) { return ::exp(x); }
COOPGRID_HOST_DEVICE inline float cg_log10(float x) { return ::log10f(x); }
COOPGRID_HOST_DEVICE inline double cg_log10(double x) { return ::log10(x); }
COOPGRID_HOST_DEVICE inline float cg_fabs(float x) { return ::fabsf(x); }
COOPGRID_HOST_DEVICE inline double cg_fabs(double x) { return ::fabs(x); }
/// True for finite x; written without isfinite so it means the same under nvcc and g++.
template <class T>
COOPGRID_HOST_DEVICE inline bool cg_finite(T x) { return (x - x) == T(0); }
}  // namespace detail

/**
 * @brief Neumaier (improved Kahan) summation: error bounded independently of
 *        the number of terms, and mergeable so that partial sums over
 *        threads, lanes or chunks combine in a fixed order.
 */
template <class T>
struct compensated_sum {
  T sum = T(0);
  T comp = T(0);

  COOPGRID_HOST_DEVICE void add(T x) {
    T t = sum + x;
    if (detail::cg_fabs(sum) >= detail::cg_fabs(x)) {
      comp += (sum - t) + x;
    } else {
      comp += (x - t) + sum;
    }
    sum = t;
  }
  COOPGRID_HOST_DEVICE void merge(const compensated_sum& o) {
    add(o.sum);
    comp += o.comp;
  }
  /// An overflowed sum stays infinite; the compensation would be NaN there.
  COOPGRID_HOST_DEVICE T value() const { return detail::cg_finite(sum) ? sum + comp : sum; }
};

/**
 * @brief Per-block invariant of the consensus formula 1 - (1 - 1/M)^x.
 *
 * For M >= 2 it holds log1p(-1/M); M = 0 and M = 1 are the edge cases of
 * MODEL.md section 2 and never touch the logarithm (log1p(-1) = -inf would
 * turn 0 * -inf into NaN).
 */
template <class T>
struct consensus_base {
  index_t count;
  T log_q;
};

template <class T>
COOPGRID_HOST_DEVICE inline T consensus_log_q(index_t count) {
  return count >= 2 ? detail::cg_log1p(-T(1) / T(count)) : T(0);
}

template <class T>
COOPGRID_HOST_DEVICE inline consensus_base<T> make_consensus_base(index_t count) {
  return consensus_base<T>{count, consensus_log_q<T>(count)};
}

/// 1 - (1 - 1/M)^x with MODEL.md's edge cases: M = 0 gives 0; M = 1 gives 0^x (1 if x > 0).
template <class T>
COOPGRID_HOST_DEVICE inline T agreement_prob(consensus_base<T> b, T x) {
  if (b.count <= 0) return T(0);
  if (b.count == 1) return x > T(0) ? T(1) : T(0);
  return -detail::cg_expm1(x * b.log_q);
}

/// Countries block: D, S and V of MODEL.md section 2.
template <class T>
struct countries_acc {
  compensated_sum<T> total, shared, variance;

  COOPGRID_HOST_DEVICE void add(T datasets, T share_prob) {
    total.add(datasets);
    shared.add(share_prob * datasets);
    variance.add(datasets * share_prob * (T(1) - share_prob));
  }
  COOPGRID_HOST_DEVICE void merge(const countries_acc& o) {
    total.merge(o.total);
    shared.merge(o.shared);
    variance.merge(o.variance);
  }
};

/**
 * @brief Standards (or ethics) block: difficulty sum, the product of the
 *        per-item probabilities in the log domain (no underflow for long
 *        lists), their sum, and the count of items with difficulty <= 1.
 */
template <class T>
struct consensus_acc {
  compensated_sum<T> difficulty, log_p_all, expected;
  index_t constrained = 0;
  bool any_zero = false;  ///< some P_m == 0, so the product is exactly 0

  COOPGRID_HOST_DEVICE void add(consensus_base<T> b, T x) {
    difficulty.add(x);
    const T pm = agreement_prob(b, x);
    expected.add(pm);
    if (pm > T(0)) {
      log_p_all.add(detail::cg_log(pm));
    } else {
      any_zero = true;
    }
    if (x <= T(1)) ++constrained;
  }
  COOPGRID_HOST_DEVICE void merge(const consensus_acc& o) {
    difficulty.merge(o.difficulty);
    log_p_all.merge(o.log_p_all);
    expected.merge(o.expected);
    constrained += o.constrained;
    any_zero = any_zero || o.any_zero;
  }
};

/// Finished values of a consensus block, in MODEL.md column order.
template <class T>
struct consensus_result {
  T difficulty, p_any, p_all, expected, constrained;
};

template <class T>
COOPGRID_HOST_DEVICE inline consensus_result<T> finish_consensus(const consensus_acc<T>& a,
                                                                  consensus_base<T> b) {
  consensus_result<T> r;
  r.difficulty = a.difficulty.value();
  r.p_any = agreement_prob(b, r.difficulty);
  // Empty block: the log sum is 0 and exp(0) = 1, the empty product.
  r.p_all = a.any_zero ? T(0) : detail::cg_exp(a.log_p_all.value());
  r.expected = a.expected.value();
  r.constrained = T(a.constrained);
  return r;
}

/**
 * @brief A block of `count` identical items of difficulty x (grid scenarios):
 *        closed forms instead of loops, so a grid point costs O(1) whatever M is.
 */
template <class T>
COOPGRID_HOST_DEVICE inline consensus_result<T> uniform_consensus(consensus_base<T> b, T x) {
  consensus_result<T> r;
  const T n = T(b.count);
  const T pm = agreement_prob(b, x);
  r.difficulty = n * x;
  r.p_any = agreement_prob(b, r.difficulty);
  if (b.count == 0) {
    r.p_all = T(1);
  } else {
    r.p_all = pm > T(0) ? detail::cg_exp(n * detail::cg_log(pm)) : T(0);
  }
  r.expected = n * pm;
  r.constrained = x <= T(1) ? n : T(0);
  return r;
}

/**
 * @brief log10 of E = T^G and of E_total = T^(G(G+1)/2), given log10(T).
 *        G = 0 gives 0 whatever T is (0^0 = 1); T = 0, G > 0 gives -inf.
 */
template <class T>
COOPGRID_HOST_DEVICE inline void exchange_logs(T log10_activities, index_t g, T& effect,
                                               T& total) {
  if (g == 0) {
    effect = T(0);
    total = T(0);
    return;
  }
  const T gg = T(g);
  effect = gg * log10_activities;
  total = (gg * (gg + T(1)) / T(2)) * log10_activities;
}

template <class T>
COOPGRID_HOST_DEVICE inline T log10_activities(T activities) {
  return detail::cg_log10(activities);
}

/// Assembles one output row from finished block values.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> make_row(T datasets_total, T shared_expected,
                                                   T shared_variance,
                                                   const consensus_result<T>& standards,
                                                   T effect_log10, T total_log10,
                                                   T resources_shared,
                                                   const consensus_result<T>& ethics) {
  metric_row<T> row;
  row[metric::datasets_total] = datasets_total;
  row[metric::shared_expected] = shared_expected;
  row[metric::shared_variance] = shared_variance;
  row[metric::standards_difficulty] = standards.difficulty;
  row[metric::standards_p_any] = standards.p_any;
  row[metric::standards_p_all] = standards.p_all;
  row[metric::standards_expected] = standards.expected;
  row[metric::standards_constrained] = standards.constrained;
  row[metric::exchange_effect_log10] = effect_log10;
  row[metric::exchange_total_log10] = total_log10;
  row[metric::resources_shared] = resources_shared;
  row[metric::ethics_difficulty] = ethics.difficulty;
  row[metric::ethics_q_any] = ethics.p_any;
  row[metric::ethics_q_all] = ethics.p_all;
  return row;
}

/// Everything accumulated over the item lists of one scenario.
template <class T>
struct scenario_acc {
  countries_acc<T> countries;
  consensus_acc<T> standards;
  compensated_sum<T> resources;
  consensus_acc<T> ethics;

  COOPGRID_HOST_DEVICE void merge(const scenario_acc& o) {
    countries.merge(o.countries);
    standards.merge(o.standards);
    resources.merge(o.resources);
    ethics.merge(o.ethics);
  }
};

template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> finish_scenario(const scenario_acc<T>& a,
                                                          consensus_base<T> standards_base,
                                                          consensus_base<T> ethics_base,
                                                          T activities, index_t g) {
  T effect, total;
  exchange_logs(log10_activities(activities), g, effect, total);
  return make_row(a.countries.total.value(), a.countries.shared.value(),
                  a.countries.variance.value(), finish_consensus(a.standards, standards_base),
                  effect, total, a.resources.value(), finish_consensus(a.ethics, ethics_base));
}

}  // namespace coopgrid

namespace coopgrid {
/**
 * @brief Items a country shares in the source document's code 5.2, as intended:
 *        floor(n * p) of its n items, drawn without replacement (erratum 5 of
 *        MODEL.md: the document passes the float n * p as a size).
 */
COOPGRID_HOST_DEVICE inline index_t shared_item_count(index_t n, double p) {
  return static_cast<index_t>(::floor(static_cast<double>(n) * p));
}
}  // namespace coopgrid
