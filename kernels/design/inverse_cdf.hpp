#pragma once
/**
 * @file inverse_cdf.hpp
 * @brief The inverse CDFs of DESIGNS.md section 1's distributions: a unit coordinate u in
 *        [0, 1) to a parameter value.
 *
 * Everything is computed in double, on the host and on the device, whatever the
 * evaluation precision: the f32 path rounds the double result, and since rounding is
 * monotone a bounded value stays within its rounded bounds. A distribution's constants
 * (logs, normal masses) are computed once, by make_*, not once per sample.
 *
 * Accuracy, measured against 40-digit mpmath (tests/kernels/design/inverse_cdf_test.cpp
 * holds scipy 1.10.1 and mpmath literals), u in [2^-53, 1 - 2^-53]:
 * - normal_quantile (Wichura's AS 241): <= 6.4e-16 relative (3 ulps) over 9000 points,
 *   tails down to 1e-300 included; scipy's ndtri is <= 5.2e-16 off, and <= 6 ulps away.
 * - normal 6.6e-16, lognormal 2.2e-15 (exp turns the ulp of mu + sigma z into relative
 *   error), uniform, loguniform and triangular <= 2.8e-16, as scipy.
 * - truncnormal: absolute error <= 6.3e-16 sigma max(1, |z|) everywhere; relative
 *   <= 2.2e-15 but where the value crosses 0 and in a zone 1e-4..1e-1 sigma from a finite
 *   bound (<= 3.1e-11 there); next to a bound (a series) and beyond 37 sigma (an
 *   asymptotic tail) <= 3e-16. scipy's truncnorm.ppf is off by up to 4e-2 relative next
 *   to a bound and 5e-3 in the upper tail of an interval that straddles the mean.
 * - With a device's erfc, pow, exp and log at the CUDA math library's documented bounds
 *   (the device-math build): the same, but truncnormal's absolute bound is 1.5e-15 sigma
 *   max(1, |z|) (its masses come from erfc; make_* runs on the host today).
 * make_* take valid parameters (DESIGNS.md section 1's rules, the problem reader's job).
 */
#include <cstdint>
#include <math.h>

#include "kernels/config.hpp"
#include "kernels/formulas.hpp"

namespace coopgrid::design {

namespace detail {
// The formula core's log, exp, erfc and pow: the device-math test build moves them by
// the CUDA math library's documented error, here too (sqrt is correctly rounded on both).
using ::coopgrid::detail::cg_erfc;
using ::coopgrid::detail::cg_exp;
using ::coopgrid::detail::cg_log;
using ::coopgrid::detail::cg_log1p;
using ::coopgrid::detail::cg_pow;
}  // namespace detail

/// Unbounded distributions clamp u to [2^-53, 1 - 2^-53] (DESIGNS.md section 1), so that
/// u = 0 (the unscrambled Sobol' point 0) maps to a finite value.
inline constexpr double unit_clamp_lo = 1.0 / 9007199254740992.0;
inline constexpr double unit_clamp_hi = 1.0 - 1.0 / 9007199254740992.0;

COOPGRID_HOST_DEVICE inline double clamp_unit(double u) {
  return u < unit_clamp_lo ? unit_clamp_lo : (u > unit_clamp_hi ? unit_clamp_hi : u);
}

COOPGRID_HOST_DEVICE inline double clamp_to(double x, double lo, double hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/// Phi(x), by erfc, which keeps its relative accuracy in the lower tail (x < 0).
COOPGRID_HOST_DEVICE inline double normal_cdf(double x) {
  return 0.5 * detail::cg_erfc(-x * 0.70710678118654752440);
}

COOPGRID_HOST_DEVICE inline double normal_pdf(double x) {
  return 0.39894228040143267794 * detail::cg_exp(-0.5 * x * x);
}

/**
 * Phi^-1(p) for p in (0, 1) (-inf at 0, +inf at 1): Wichura's AS 241, PPND16 (Applied
 * Statistics 37, 477-484, 1988), rational approximations in p - 1/2 near the centre and
 * in sqrt(-log min(p, 1 - p)) in the tails, accurate to about 1e-16 down to p = 1e-300.
 */
COOPGRID_HOST_DEVICE inline double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -HUGE_VAL : (p == 1.0 ? HUGE_VAL : NAN);
  const double q = p - 0.5;
  if (fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
             133.14166789178437745) * r + 3.387132872796366608) /
           (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
             42.313330701600911252) * r + 1.0);
  }
  // 1 - p is exact for p > 1/2 (Sterbenz), so the upper tail is as accurate as p allows.
  double r = sqrt(-detail::cg_log(q < 0.0 ? p : 1.0 - p));
  double x;
  if (r <= 5.0) {  // min(p, 1 - p) >= exp(-25)
    r -= 1.6;
    x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
             1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
          4.6303378461565452959) * r + 1.42343711074968357734) /
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
             0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
          2.05319162663775882187) * r + 1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
             0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
          5.4637849111641143699) * r + 6.6579046435011037772) /
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
             7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
          0.59983220655588793769) * r + 1.0);
  }
  return q < 0.0 ? -x : x;
}

enum class distribution_kind : int {
  uniform,
  loguniform,
  normal,
  truncnormal,
  lognormal,
  triangular,
  integers,
  choice,
};

/**
 * One parameter's distribution, ready to sample. Fields per kind (x: as written in the
 * problem file; c: precomputed):
 *   uniform      x = (a, b)
 *   loguniform   x = (a, b), c0 = b / a
 *   normal       x = (mu, sigma)          lognormal: the same, of log
 *   truncnormal  x = (mu, sigma, lo, hi); standardised bounds, reflected to a <= 0 when
 *                a > 0 (flip): c0 = a, c1 = b, c2 = Phi(a), c3 = Phi(-b) (b > 0) or Phi(b),
 *                c4 = mass of [a, b], c5 = phi(a), c6 = phi(b) (densities)
 *   triangular   x = (lo, mode, hi), c0 = (mode - lo) / (hi - lo)
 *   integers     i0 = a, i1 = b           choice: i0 = number of values
 */
struct distribution {
  distribution_kind kind = distribution_kind::uniform;
  double x0 = 0, x1 = 0, x2 = 0, x3 = 0;
  double c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0;
  bool flip = false;
  index_t i0 = 0, i1 = 0;
};

/// A distribution of `kind` with its first two parameters; the makers below add the rest.
COOPGRID_HOST_DEVICE inline distribution make_two_parameter(distribution_kind kind, double p0, double p1) {
  distribution d;
  d.kind = kind;
  d.x0 = p0;
  d.x1 = p1;
  return d;
}

COOPGRID_HOST_DEVICE inline distribution make_uniform(double a, double b) {
  return make_two_parameter(distribution_kind::uniform, a, b);
}

COOPGRID_HOST_DEVICE inline distribution make_loguniform(double a, double b) {
  distribution d = make_two_parameter(distribution_kind::loguniform, a, b);
  d.c0 = b / a;
  return d;
}

COOPGRID_HOST_DEVICE inline distribution make_normal(double mu, double sigma) {
  return make_two_parameter(distribution_kind::normal, mu, sigma);
}

COOPGRID_HOST_DEVICE inline distribution make_lognormal(double mu, double sigma) {
  distribution d = make_normal(mu, sigma);
  d.kind = distribution_kind::lognormal;
  return d;
}

COOPGRID_HOST_DEVICE inline distribution make_truncnormal(double mu, double sigma, double lo, double hi) {
  distribution d = make_two_parameter(distribution_kind::truncnormal, mu, sigma);
  d.x2 = lo;
  d.x3 = hi;
  double a = (lo - mu) / sigma;
  double b = (hi - mu) / sigma;
  // Work where Phi keeps its digits: an interval above the median is reflected below it.
  d.flip = a > 0.0;
  if (d.flip) {
    const double t = a;
    a = -b;
    b = -t;
  }
  d.c0 = a;
  d.c1 = b;
  d.c2 = normal_cdf(a);
  if (b > 0.0) {
    d.c3 = normal_cdf(-b);
    d.c4 = (1.0 - d.c2) - d.c3;
  } else {
    d.c3 = normal_cdf(b);
    d.c4 = d.c3 - d.c2;
  }
  d.c5 = normal_pdf(a);
  d.c6 = normal_pdf(b);
  return d;
}

COOPGRID_HOST_DEVICE inline distribution make_triangular(double lo, double mode, double hi) {
  distribution d = make_two_parameter(distribution_kind::triangular, lo, mode);
  d.x2 = hi;
  d.c0 = (mode - lo) / (hi - lo);
  return d;
}

COOPGRID_HOST_DEVICE inline distribution make_integers(index_t a, index_t b) {
  distribution d;
  d.kind = distribution_kind::integers;
  d.i0 = a;
  d.i1 = b;
  return d;
}

COOPGRID_HOST_DEVICE inline distribution make_choice(index_t n) {
  distribution d;
  d.kind = distribution_kind::choice;
  d.i0 = n;
  return d;
}

/// floor(u m) for m = hi - lo + 1 values, clamped to m - 1: u in [0, 1) to an offset.
COOPGRID_HOST_DEVICE inline std::uint64_t discrete_offset(double u, std::uint64_t span) {  // span = m - 1
  const double m = static_cast<double>(span) + 1.0;
  const double k = floor(u * m);
  if (!(k > 0.0)) return 0;  // also NaN
  const std::uint64_t ki = k >= 18446744073709551615.0 ? span : static_cast<std::uint64_t>(k);
  return ki > span ? span : ki;
}

/// integers: a + floor(u (b - a + 1)), clamped to b; choice: floor(u n), clamped to n - 1.
COOPGRID_HOST_DEVICE inline index_t discrete_inverse_cdf(const distribution& d, double u) {
  if (d.kind == distribution_kind::choice)
    return static_cast<index_t>(discrete_offset(u, static_cast<std::uint64_t>(d.i0) - 1));
  return static_cast<index_t>(static_cast<std::uint64_t>(d.i0) +
                              discrete_offset(u, static_cast<std::uint64_t>(d.i1) - static_cast<std::uint64_t>(d.i0)));
}

namespace detail {
/// A standardised truncated-normal quantile as an offset from a bound: z = a + offset
/// (side -1), b - offset (side +1), or z = offset itself (side 0).
struct bound_offset {
  double offset;
  int side;
};

/**
 * The offset d >= 0 from a lower bound a whose mass up to a + d is eps phi(a), by the
 * reversion of Phi(a + d) - Phi(a) = phi(a) (d - a d^2/2 + (a^2 - 1) d^3/6 - ...):
 * relative error (max(1, |a|) eps)^5, so it is used below 1e-4 for that product.
 */
COOPGRID_HOST_DEVICE inline double near_bound_offset(double eps, double a) {
  return eps * (1.0 + eps * (a / 2 + eps * ((2 * a * a + 1) / 6 + eps * (a * (6 * a * a + 7) / 24))));
}

/// S(t), with Q(t) = phi(t) S(t) / t the upper normal tail: the asymptotic series
/// (Abramowitz and Stegun 26.2.12), whose terms fall below 1e-18 by the eighth for t >= 37.
COOPGRID_HOST_DEVICE inline double tail_series(double t) {
  const double w = 1.0 / (t * t);
  return 1.0 + w * (-1.0 + w * (3.0 + w * (-15.0 + w * (105.0 + w * (-945.0 + w * (10395.0 - w * 135135.0))))));
}

/// log(Q(A + delta) / Q(A)) for A >= 37, written in delta so that nothing cancels.
COOPGRID_HOST_DEVICE inline double log_tail_ratio(double big_a, double delta) {
  return -delta * (big_a + 0.5 * delta) - cg_log1p(delta / big_a) +
         (cg_log(tail_series(big_a + delta)) - cg_log(tail_series(big_a)));
}

/**
 * [a, b] with b <= -37, where Phi(b) < 6e-300 leaves AS 241's range (and Phi underflows
 * by -38.5): with t = -x, A = -b, B = -a, solve Q(t) / Q(A) = E + u (1 - E), E = Q(B) / Q(A),
 * in logs: from the exponential tail's root, Newton steps (3, each gaining ~6 digits).
 */
COOPGRID_HOST_DEVICE inline bound_offset far_tail_quantile(double a, double b, double u, double uc) {
  const double big_a = -b, width = b - a;
  const double e = width < HUGE_VAL ? cg_exp(log_tail_ratio(big_a, width)) : 0.0;
  // The log of the mass above t, relative to Q(A); from uc near the bound, where u ~ 1.
  const double target = u > 0.5 ? cg_log1p(-uc * (1.0 - e)) : cg_log(e + u * (1.0 - e));
  double delta = -target / big_a;
  for (int k = 0; k < 3; ++k) {
    const double t = big_a + delta;
    delta += (log_tail_ratio(big_a, delta) - target) / (t + 1.0 / t);
  }
  return {delta < 0.0 ? 0.0 : (delta > width ? width : delta), +1};
}

/**
 * The standardised truncated normal's quantile on [a, b], a <= 0 (d.c*), at u with
 * uc = 1 - u passed separately, so that the reflection (u <-> uc) loses nothing.
 * Next to a bound the offset comes from a series, not from Phi^-1(Phi(a) + u mass) - a,
 * which would keep only the digits of Phi(a) that the offset does not cancel.
 */
COOPGRID_HOST_DEVICE inline bound_offset truncnormal_standard_quantile(const distribution& d, double u, double uc) {
  const double a = d.c0, b = d.c1, mass = d.c4;
  if (b <= -37.0) return far_tail_quantile(a, b, u, uc);
  if (!(mass > 0.0)) return {u * (b - a), -1};  // mass lost to rounding: a tiny interval, ~uniform
  const double below = u * mass, above = uc * mass;  // the masses of [a, x] and [x, b]
  const double eps_a = below / d.c5, eps_b = above / d.c6;  // inf or NaN at an infinite bound
  if (eps_a * (a < -1.0 ? -a : 1.0) <= 1e-4) return {near_bound_offset(eps_a, a), -1};
  if (eps_b * (b > 1.0 ? b : (b < -1.0 ? -b : 1.0)) <= 1e-4) return {near_bound_offset(eps_b, -b), +1};
  const double p = d.c2 + below;
  // Away from the bounds z itself: b - z would lose the digits of a far bound.
  return {(b <= 0.0 || p <= 0.5) ? normal_quantile(p) : -normal_quantile(d.c3 + above), 0};
}
}  // namespace detail

/**
 * The value of u in [0, 1) (unbounded kinds clamp u first). integers: the integer (exact
 * below 2^53); choice: the index of the value (0..n-1), which the caller looks up.
 */
COOPGRID_HOST_DEVICE inline double inverse_cdf(const distribution& d, double u) {
  switch (d.kind) {
    case distribution_kind::uniform:
      return clamp_to(d.x0 + u * (d.x1 - d.x0), d.x0, d.x1);
    case distribution_kind::loguniform:
      // scipy's form: pow keeps u log(b / a) in extra precision, exp(log a + ...) would not.
      return clamp_to(d.x0 * detail::cg_pow(d.c0, u), d.x0, d.x1);
    case distribution_kind::normal:
      return d.x0 + d.x1 * normal_quantile(clamp_unit(u));
    case distribution_kind::lognormal:
      return detail::cg_exp(d.x0 + d.x1 * normal_quantile(clamp_unit(u)));
    case distribution_kind::truncnormal: {
      // A bounded distribution maps u = 0 to its lower bound exactly (DESIGNS.md section 1);
      // the clamp below would give a value 2^-53 of the mass above it (1e-13 for a share).
      if (u <= 0.0 && d.x2 > -HUGE_VAL) return d.x2;
      // Clamped too: a bound may be infinite.
      const double uu = clamp_unit(u), uc = 1.0 - uu;
      // Reflected (z -> -z), the CDF runs the other way and the bounds trade sides.
      const detail::bound_offset q = d.flip ? detail::truncnormal_standard_quantile(d, uc, uu)
                                            : detail::truncnormal_standard_quantile(d, uu, uc);
      const int side = d.flip ? -q.side : q.side;
      // Next to a bound, from the bound: mu + sigma z would cancel to an error of ulp(mu)
      // by a bound at 0 (a share, a count of datasets).
      const double x = side < 0   ? d.x2 + d.x1 * q.offset
                       : side > 0 ? d.x3 - d.x1 * q.offset
                                  : d.x0 + d.x1 * (d.flip ? -q.offset : q.offset);
      return clamp_to(x, d.x2, d.x3);
    }
    case distribution_kind::triangular: {
      const double lo = d.x0, mode = d.x1, hi = d.x2;
      const double x = u < d.c0 ? lo + sqrt(u * (hi - lo) * (mode - lo))
                                : hi - sqrt((1.0 - u) * (hi - lo) * (hi - mode));
      return clamp_to(x, lo, hi);
    }
    case distribution_kind::integers:
    case distribution_kind::choice:
      return static_cast<double>(discrete_inverse_cdf(d, u));
  }
  return NAN;
}

}  // namespace coopgrid::design
