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

#include "kernels/config.hpp"
#include "kernels/metrics.hpp"

// COOPGRID_DEVICE_ULPS(expr, ulps, floor): the libm result `expr` itself,
// except in the device-math test build (tests/device_math/), where it is moved
// by up to `ulps`, the CUDA math library's documented maximum error for the
// function (CUDA C++ Programming Guide, "Mathematical Functions"), and kept
// at or above `floor`, the function's least value. That build checks that
// the tolerances hold for any device library within those bounds.
#if defined(COOPGRID_DEVICE_MATH_MODEL) && !defined(__CUDACC__)
namespace coopgrid::detail {
float device_math_model(float r, int ulps, float floor);
double device_math_model(double r, int ulps, double floor);
}  // namespace coopgrid::detail
#define COOPGRID_DEVICE_ULPS(expr, ulps, floor) ::coopgrid::detail::device_math_model(expr, ulps, floor)
#else
#define COOPGRID_DEVICE_ULPS(expr, ulps, floor) (expr)
#endif

namespace coopgrid {
namespace detail {
// Explicit overloads: the same spelling resolves to the float or double
// function on the host (libm) and on the device (CUDA math library).
COOPGRID_HOST_DEVICE inline float cg_expm1(float x) { return COOPGRID_DEVICE_ULPS(::expm1f(x), 1, -1.0f); }
COOPGRID_HOST_DEVICE inline double cg_expm1(double x) { return COOPGRID_DEVICE_ULPS(::expm1(x), 1, -1.0); }
COOPGRID_HOST_DEVICE inline float cg_log1p(float x) { return COOPGRID_DEVICE_ULPS(::log1pf(x), 1, -HUGE_VALF); }
COOPGRID_HOST_DEVICE inline double cg_log1p(double x) { return COOPGRID_DEVICE_ULPS(::log1p(x), 1, -HUGE_VAL); }
COOPGRID_HOST_DEVICE inline float cg_log(float x) { return COOPGRID_DEVICE_ULPS(::logf(x), 1, -HUGE_VALF); }
COOPGRID_HOST_DEVICE inline double cg_log(double x) { return COOPGRID_DEVICE_ULPS(::log(x), 1, -HUGE_VAL); }
COOPGRID_HOST_DEVICE inline float cg_exp(float x) { return COOPGRID_DEVICE_ULPS(::expf(x), 2, 0.0f); }
COOPGRID_HOST_DEVICE inline double cg_exp(double x) { return COOPGRID_DEVICE_ULPS(::exp(x), 1, 0.0); }
COOPGRID_HOST_DEVICE inline float cg_log10(float x) { return COOPGRID_DEVICE_ULPS(::log10f(x), 2, -HUGE_VALF); }
COOPGRID_HOST_DEVICE inline double cg_log10(double x) { return COOPGRID_DEVICE_ULPS(::log10(x), 1, -HUGE_VAL); }
// The designs' inverse CDFs (kernels/design/inverse_cdf.hpp), in double only.
COOPGRID_HOST_DEVICE inline double cg_erfc(double x) { return COOPGRID_DEVICE_ULPS(::erfc(x), 5, 0.0); }
COOPGRID_HOST_DEVICE inline double cg_pow(double x, double y) { return COOPGRID_DEVICE_ULPS(::pow(x, y), 2, -HUGE_VAL); }
COOPGRID_HOST_DEVICE inline float cg_fabs(float x) { return ::fabsf(x); }
COOPGRID_HOST_DEVICE inline double cg_fabs(double x) { return ::fabs(x); }
// Single roundings for the error-free transformations of factor_product: nvcc
// would fuse a product and a sum into one FMA (it contracts by default), which
// breaks them; g++ contracts only in the device-math build (-ffp-contract=fast),
// whose tolerances cover it.
#if defined(__CUDA_ARCH__)
COOPGRID_HOST_DEVICE inline double mul_rn(double a, double b) { return __dmul_rn(a, b); }
COOPGRID_HOST_DEVICE inline double add_rn(double a, double b) { return __dadd_rn(a, b); }
COOPGRID_HOST_DEVICE inline double sub_rn(double a, double b) { return __dsub_rn(a, b); }
#else
COOPGRID_HOST_DEVICE inline double mul_rn(double a, double b) { return a * b; }
COOPGRID_HOST_DEVICE inline double add_rn(double a, double b) { return a + b; }
COOPGRID_HOST_DEVICE inline double sub_rn(double a, double b) { return a - b; }
#endif
/// a b + c rounded once (exact: no device-math model).
COOPGRID_HOST_DEVICE inline double cg_fma(double a, double b, double c) { return ::fma(a, b, c); }
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
 * @brief The sum of a float item list: a double accumulator (MODEL.md's
 *        "wider accumulator"), rounded to float once at the end.
 *
 * Why not Neumaier in float: its compensation is itself a float sum, and
 * where every rounding has the same sign (many equal items) it drifts: 10^6
 * equal items came out 3.5e-5 off. A double add of floats errs by 2^-53, so
 * lists up to ~10^8 items stay within float's own rounding, for one
 * conversion and one add per item.
 */
struct wide_float_sum {
  double sum = 0.0;

  COOPGRID_HOST_DEVICE void add(float x) { sum += static_cast<double>(x); }
  COOPGRID_HOST_DEVICE void merge(const wide_float_sum& o) { sum += o.sum; }
  COOPGRID_HOST_DEVICE float value() const { return static_cast<float>(sum); }
};

/// The accumulator of an item list in precision T: Neumaier in double, wide in float.
template <class T>
struct item_sum_of {
  using type = compensated_sum<T>;
};
template <>
struct item_sum_of<float> {
  using type = wide_float_sum;
};
template <class T>
using item_sum = typename item_sum_of<T>::type;

/**
 * @brief Per-block invariant of the consensus formula 1 - (1 - 1/M)^x.
 *
 * For M >= 2 it holds log1p(-1/M); M = 0 and M = 1 are the edge cases of
 * MODEL.md section 2 and never touch the logarithm (log1p(-1) = -inf would
 * turn 0 * -inf into NaN). Held in double in both precisions: in f32 the
 * exponent x * log_q is formed in double and split into two floats (see
 * consensus_exponent), so log_q's own rounding is not multiplied by |x log_q|.
 */
template <class T>
struct consensus_base {
  index_t count;
  double log_q;
};

COOPGRID_HOST_DEVICE inline double consensus_log_q(index_t count) {
  return count >= 2 ? detail::cg_log1p(-1.0 / static_cast<double>(count)) : 0.0;
}

template <class T>
COOPGRID_HOST_DEVICE inline consensus_base<T> make_consensus_base(index_t count) {
  return consensus_base<T>{count, consensus_log_q(count)};
}

/// y = hi + lo, with lo below half an ulp of hi (lo = 0 in double).
template <class T>
struct split_exponent {
  T hi, lo;
};

/**
 * @brief The exponent y = x log(1 - 1/M) of (1 - 1/M)^x, for M >= 2.
 *
 * Why split: exp(y) has relative error |y| times y's; in float a long list of
 * items near certainty has |y| ~ 10 and a product over them ~ 87 more (f32,
 * lists of up to 30000 such items: 2e-5 off with correctly rounded libraries). A float times a
 * double is exact to 2^-48 in double, so hi + lo carries y nearly exactly for
 * the price of one double multiply and two conversions.
 */
template <class T>
COOPGRID_HOST_DEVICE inline split_exponent<T> consensus_exponent(consensus_base<T> b, T x) {
  const double y = static_cast<double>(x) * b.log_q;
  if constexpr (sizeof(T) == sizeof(double)) {
    return {static_cast<T>(y), T(0)};
  } else {
    const T hi = static_cast<T>(y);
    return {hi, static_cast<T>(y - static_cast<double>(hi))};
  }
}

/// 1 - (1 - 1/M)^x with MODEL.md's edge cases: M = 0 gives 0; M = 1 gives 0^x (1 if x > 0).
template <class T>
COOPGRID_HOST_DEVICE inline T agreement_prob(consensus_base<T> b, T x) {
  if (b.count <= 0) return T(0);
  if (b.count == 1) return x > T(0) ? T(1) : T(0);
  return -detail::cg_expm1(consensus_exponent(b, x).hi);
}

/// One item's P = 1 - (1 - 1/M)^x and, where P > 0, log P.
template <class T>
struct agreement_terms {
  T p, log_p;
};

/// One item's P, and e = 1 - P where P > 1/2 (near_one): P's digits live in e there.
template <class T>
struct agreement_parts {
  T p, e;
  bool near_one;
};

/**
 * @brief P = 1 - (1 - 1/M)^x to a few ulp, also where P is close to 1: with
 *        e = (1 - 1/M)^x < 1/2, P = 1 - e and e itself is kept (near_one);
 *        otherwise P = -expm1(y) <= 1/2. One transcendental call.
 */
template <class T>
COOPGRID_HOST_DEVICE inline agreement_parts<T> agreement_split(consensus_base<T> b, T x) {
  if (b.count <= 1) return {agreement_prob(b, x), T(0), false};  // P is 0 or 1 exactly
  const split_exponent<T> y = consensus_exponent(b, x);
  if (y.hi < T(-0.6931471805599453)) {  // e < 1/2
    T e = detail::cg_exp(y.hi);
    e += e * y.lo;  // exp(hi + lo) = exp(hi) (1 + lo), to well below an ulp
    return {T(1) - e, e, true};
  }
  return {-detail::cg_expm1(y.hi), T(0), false};
}

/**
 * @brief P and log P, each to a few ulp, also where P is close to 1 (the
 *        closed forms of uniform blocks; item lists use factor_product).
 *
 * Why not log(P): near 1, P's rounding error (half an ulp of 1) is a large
 * part of log P ~ -(1 - P), and a product over M such items multiplies it by
 * M (f32, M = 20000, P_all = 0.135: 3e-4 off). log P = log1p(-e) keeps e's
 * digits; otherwise P <= 1/2 and log(P) is well conditioned. log_p is
 * meaningless where p == 0 (x == 0): callers test p first.
 */
template <class T>
COOPGRID_HOST_DEVICE inline agreement_terms<T> agreement_with_log(consensus_base<T> b, T x) {
  const agreement_parts<T> a = agreement_split(b, x);
  if (b.count <= 1) return {a.p, T(0)};
  return {a.p, a.near_one ? detail::cg_log1p(-a.e) : detail::cg_log(a.p)};
}

/**
 * @brief A product of factors in (0, 1] as (hi + lo) 2^scale: a double-double
 *        mantissa (about 2^-104 relative error a factor) with an exponent of
 *        its own (no underflow however long the list).
 *
 * Why not a sum of logarithms: a log per item is a second transcendental call
 * (P_all over a list cost two per item; now one). Why double-double: factors
 * near 1 given as 1 - e are multiplied without rounding 1 - e, whose half-ulp
 * errors would add up over 10^6 equal items to 1e-10; here the product's own
 * error stays far below a double's ulp and the result keeps e's digits.
 * Merges in a fixed order give fixed bits, as compensated_sum's do.
 */
struct factor_product {
  double hi = 1.0, lo = 0.0;
  index_t scale = 0;  ///< the product is (hi + lo) * 2^scale; hi in [2^-256, 1]

  /// times 1 - e for 0 <= e <= 1/2, with 1 - e never rounded.
  COOPGRID_HOST_DEVICE void mul_one_minus(double e) {
    const double th = detail::mul_rn(hi, e);
    const double tl = detail::cg_fma(hi, e, -th);  // hi e = th + tl exactly
    const double s = detail::sub_rn(hi, th);       // |hi| >= |th|: (s, err) is hi - th exactly
    const double err = detail::sub_rn(detail::sub_rn(hi, s), th);
    renormalize(s, detail::add_rn(detail::sub_rn(err, tl), detail::sub_rn(lo, detail::mul_rn(lo, e))));
  }
  /// times p for 0 < p <= 1.
  COOPGRID_HOST_DEVICE void mul(double p) {
    if (p < 0x1p-256) {  // exact scaling keeps hi p far from the subnormals
      p *= 0x1p512;
      scale -= 512;
    }
    const double th = detail::mul_rn(hi, p);
    renormalize(th, detail::add_rn(detail::cg_fma(hi, p, -th), detail::mul_rn(lo, p)));
  }
  COOPGRID_HOST_DEVICE void merge(const factor_product& o) {
    const double th = detail::mul_rn(hi, o.hi);
    const double cross = detail::add_rn(detail::mul_rn(hi, o.lo), detail::mul_rn(lo, o.hi));
    scale += o.scale;
    renormalize(th, detail::add_rn(detail::cg_fma(hi, o.hi, -th), cross));
  }
  /// The product rounded to T (0 below T's least subnormal).
  template <class T>
  COOPGRID_HOST_DEVICE T value() const {
    if (scale < -2200) return T(0);
    return static_cast<T>(::ldexp(hi + lo, static_cast<int>(scale)));
  }

 private:
  /// hi + lo = h + l with |lo| at most half an ulp of hi (|h| >= |l|), then hi back above 2^-256.
  COOPGRID_HOST_DEVICE void renormalize(double h, double l) {
    hi = detail::add_rn(h, l);
    lo = detail::sub_rn(l, detail::sub_rn(hi, h));
    if (hi < 0x1p-256) {
      hi *= 0x1p256;
      lo *= 0x1p256;
      scale -= 256;
    }
  }
};

/**
 * @brief floor(D p), the product formed in double (MODEL.md `shared_quota`):
 *        the source's int(n * p). For float inputs the double product is
 *        exact, so no precision rounds a product up to the next integer
 *        (f32: 100 * 0.57f is 57 in float, 56.99999928 in double).
 */
COOPGRID_HOST_DEVICE inline double share_quota(double datasets, double share_prob) {
  return ::floor(datasets * share_prob);
}

/**
 * @brief Items a country shares in the source document's code 5.2, as intended:
 *        floor(n * p) of its n items, drawn without replacement (erratum 5 of
 *        MODEL.md: the document passes the float n * p as a size).
 */
COOPGRID_HOST_DEVICE inline index_t shared_item_count(index_t n, double p) {
  return static_cast<index_t>(share_quota(static_cast<double>(n), p));
}

/**
 * @brief Countries block: D, S, V and the quota of MODEL.md section 2. The
 *        quota is a double in both precisions: a sum of integers, exact below
 *        2^53, so it is the same whatever the merge order.
 */
template <class T>
struct countries_acc {
  item_sum<T> total, shared, variance;
  double quota = 0.0;

  COOPGRID_HOST_DEVICE void add(T datasets, T share_prob) {
    total.add(datasets);
    shared.add(share_prob * datasets);
    variance.add(datasets * share_prob * (T(1) - share_prob));
    quota += share_quota(static_cast<double>(datasets), static_cast<double>(share_prob));
  }
  COOPGRID_HOST_DEVICE void merge(const countries_acc& o) {
    total.merge(o.total);
    shared.merge(o.shared);
    variance.merge(o.variance);
    quota += o.quota;
  }
};

template <class T>
COOPGRID_HOST_DEVICE inline countries_result<T> finish_countries(const countries_acc<T>& a) {
  return countries_result<T>{a.total.value(), a.shared.value(), a.variance.value(), static_cast<T>(a.quota)};
}

/**
 * @brief Standards (or ethics) block: difficulty sum, the product of the
 *        per-item probabilities (factor_product: no underflow for long
 *        lists), their sum, and the count of items with difficulty <= 1.
 */
template <class T>
struct consensus_acc {
  item_sum<T> difficulty, expected;
  factor_product p_all;
  index_t constrained = 0;
  bool any_zero = false;  ///< some P_m == 0, so the product is exactly 0

  COOPGRID_HOST_DEVICE void add(consensus_base<T> b, T x) {
    difficulty.add(x);
    const agreement_parts<T> pm = agreement_split(b, x);
    expected.add(pm.p);
    if (pm.near_one) {
      p_all.mul_one_minus(static_cast<double>(pm.e));
    } else if (pm.p > T(0)) {
      p_all.mul(static_cast<double>(pm.p));
    } else {
      any_zero = true;
    }
    if (x <= T(1)) ++constrained;
  }
  COOPGRID_HOST_DEVICE void merge(const consensus_acc& o) {
    difficulty.merge(o.difficulty);
    p_all.merge(o.p_all);
    expected.merge(o.expected);
    constrained += o.constrained;
    any_zero = any_zero || o.any_zero;
  }
};

template <class T>
COOPGRID_HOST_DEVICE inline consensus_result<T> finish_consensus(const consensus_acc<T>& a,
                                                                  consensus_base<T> b) {
  const T difficulty = a.difficulty.value();
  // Empty block: factor_product starts at 1, the empty product.
  return consensus_result<T>{difficulty, agreement_prob(b, difficulty),
                             a.any_zero ? T(0) : a.p_all.template value<T>(), a.expected.value(),
                             T(a.constrained)};
}

/**
 * @brief A block of `count` identical items of difficulty x (grid scenarios):
 *        closed forms instead of loops, so a grid point costs O(1) whatever M is.
 */
template <class T>
COOPGRID_HOST_DEVICE inline consensus_result<T> uniform_consensus(consensus_base<T> b, T x) {
  const T n = T(b.count);
  const agreement_terms<T> pm = agreement_with_log(b, x);
  const T difficulty = n * x;
  T p_all = T(1);  // empty product
  if (b.count != 0) p_all = pm.p > T(0) ? detail::cg_exp(n * pm.log_p) : T(0);
  return consensus_result<T>{difficulty, agreement_prob(b, difficulty), p_all, n * pm.p,
                             x <= T(1) ? n : T(0)};
}

/**
 * @brief log10 of E = T^G and of E_total = T^(G(G+1)/2), given log10(T).
 *        G = 0 gives 0 whatever T is (0^0 = 1); T = 0, G > 0 gives -inf.
 */
template <class T>
COOPGRID_HOST_DEVICE inline exchange_result<T> exchange_logs(T log10_activities, index_t g) {
  if (g == 0) return exchange_result<T>{T(0), T(0)};
  const T gg = T(g);
  return exchange_result<T>{gg * log10_activities, (gg * (gg + T(1)) / T(2)) * log10_activities};
}

template <class T>
COOPGRID_HOST_DEVICE inline T log10_activities(T activities) {
  return detail::cg_log10(activities);
}

/// Everything accumulated over the item lists of one scenario.
template <class T>
struct scenario_acc {
  countries_acc<T> countries;
  consensus_acc<T> standards;
  item_sum<T> resources;
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
  return make_row(scenario_result<T>{finish_countries(a.countries), finish_consensus(a.standards, standards_base),
                                     exchange_logs(log10_activities(activities), g),
                                     resources_result<T>{a.resources.value()},
                                     finish_consensus(a.ethics, ethics_base)});
}

}  // namespace coopgrid
