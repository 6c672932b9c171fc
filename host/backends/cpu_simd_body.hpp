#pragma once
/**
 * @file cpu_simd_body.hpp
 * @brief The vector kernels of cpu_simd_lanes.hpp, written once over a
 *        target's operations V (eight doubles: one __m512d, or two __m256d).
 *        Included only by the vector translation units, inside their
 *        anonymous namespace, so every instantiation is internal to one.
 *
 * Each item's arithmetic is the scalar formula core's (kernels/formulas.hpp),
 * operation for operation, with SLEEF's u10 functions for libm's; the units
 * are compiled with -ffp-contract=off, so no target fuses what the other
 * rounds twice.
 */

template <class V>
struct simd_body {
  using vd = typename V::vd;
  using vm = typename V::vm;
  static constexpr unsigned all = (1u << simd_detail::lanes) - 1;

  struct vsum {
    vd s = V::zero();
    vd c = V::zero();
  };

  /// compensated_sum::add, lane-wise and without its branch: TwoSum's error
  /// is the exact rounding error of s + x, the value Neumaier's branch adds.
  template <class W>
  static void two_sum(W& s, W& c, W x, W (*add_)(W, W), W (*sub_)(W, W)) {
    const W t = add_(s, x);
    const W z = sub_(t, s);
    c = add_(c, add_(sub_(s, sub_(t, z)), sub_(x, z)));
    s = t;
  }
  static void add(vsum& a, vd x) { two_sum<vd>(a.s, a.c, x, &V::add, &V::sub); }

  static __m256d add4(__m256d a, __m256d b) { return _mm256_add_pd(a, b); }
  static __m256d sub4(__m256d a, __m256d b) { return _mm256_sub_pd(a, b); }
  static __m128d add2(__m128d a, __m128d b) { return _mm_add_pd(a, b); }
  static __m128d sub2(__m128d a, __m128d b) { return _mm_sub_pd(a, b); }
  static double add1(double a, double b) { return a + b; }
  static double sub1(double a, double b) { return a - b; }

  /// compensated_sum::merge(o) (add o.s, then o.c) at one width.
  template <class W>
  static void merge(W& s, W& c, W os, W oc, W (*add_)(W, W), W (*sub_)(W, W)) {
    two_sum<W>(s, c, os, add_, sub_);
    c = add_(c, oc);
  }

  /// The eight lanes merged in the fixed tree (j, j + 4), (j, j + 2), (0, 1), on both targets.
  static simd_detail::pair_sum reduce(const vsum& a) {
    __m256d s, c, s_hi, c_hi;
    V::halves(a.s, s, s_hi);
    V::halves(a.c, c, c_hi);
    merge<__m256d>(s, c, s_hi, c_hi, &add4, &sub4);
    __m128d s2 = _mm256_castpd256_pd128(s), c2 = _mm256_castpd256_pd128(c);
    merge<__m128d>(s2, c2, _mm256_extractf128_pd(s, 1), _mm256_extractf128_pd(c, 1), &add2, &sub2);
    double s1 = _mm_cvtsd_f64(s2), c1 = _mm_cvtsd_f64(c2);
    merge<double>(s1, c1, _mm_cvtsd_f64(_mm_unpackhi_pd(s2, s2)), _mm_cvtsd_f64(_mm_unpackhi_pd(c2, c2)), &add1,
                  &sub1);
    return {s1, c1};
  }

  /// Items [i, i + 8) of x, in double (float items exactly); past n, +0 (a no-op in every sum of the lists).
  template <class In>
  static vd load(const In* x, index_t i, index_t n) {
    if (n - i >= simd_detail::lanes) return V::load(x + i);
    In buf[simd_detail::lanes] = {};
    for (index_t k = 0; k < n - i; ++k) buf[k] = x[i + k];
    return V::load(buf);
  }

  static unsigned valid_bits(index_t i, index_t n) {
    return n - i >= simd_detail::lanes ? all : (1u << (n - i)) - 1u;
  }

  template <class In>
  static void sum(const In* x, index_t n, simd_detail::pair_sum& out) {
    vsum a;
    for (index_t i = 0; i < n; i += simd_detail::lanes) add(a, load(x, i, n));
    out = reduce(a);
  }

  template <class In>
  static void countries(const In* datasets, const In* share_prob, index_t n, simd_detail::country_lanes& out) {
    vsum total, shared, variance;
    vd quota = V::zero();
    const vd one = V::set1(1.0);
    for (index_t i = 0; i < n; i += simd_detail::lanes) {
      const vd d = load(datasets, i, n);
      const vd p = load(share_prob, i, n);
      add(total, d);
      add(shared, V::mul(p, d));
      add(variance, V::mul(V::mul(d, p), V::sub(one, p)));
      quota = V::add(quota, V::floor(V::mul(d, p)));
    }
    out.total = reduce(total);
    out.shared = reduce(shared);
    out.variance = reduce(variance);
    double q[simd_detail::lanes];
    V::store(q, quota);
    out.quota = 0;
    for (double x : q) out.quota += x;
  }

  /// factor_product per lane: (hi + lo) 2^scale, scale an exact integer in a double.
  struct vproduct {
    vd hi = V::set1(1.0);
    vd lo = V::zero();
    vd scale = V::zero();
  };

  /// factor_product::renormalize(h, l), lane-wise.
  static void renormalize(vproduct& a, vd h, vd l) {
    a.hi = V::add(h, l);
    a.lo = V::sub(l, V::sub(a.hi, h));
    const vm tiny = V::lt(a.hi, V::set1(0x1p-256));
    if (V::bits(tiny) == 0) return;
    const vd up = V::set1(0x1p256);
    a.hi = V::select(tiny, a.hi, V::mul(a.hi, up));
    a.lo = V::select(tiny, a.lo, V::mul(a.lo, up));
    a.scale = V::select(tiny, a.scale, V::sub(a.scale, V::set1(256.0)));
  }

  /// factor_product::mul_one_minus(e) where near_one, mul(p) where p > 0 otherwise; else unchanged.
  static void multiply(vproduct& a, vm near_one, vm positive, vd e, vd p) {
    // Only positive lanes scale (p = 0 lanes stay as they are); near-one lanes have p >= 1/2.
    const vm tiny = V::lt(V::select(positive, V::set1(1.0), p), V::set1(0x1p-256));
    if (V::bits(tiny) != 0) {
      p = V::select(tiny, p, V::mul(p, V::set1(0x1p512)));
      a.scale = V::select(tiny, a.scale, V::sub(a.scale, V::set1(512.0)));
    }
    const vd f = V::select(near_one, p, e);  // the factor multiplied (e: hi - hi e)
    const vd th = V::mul(a.hi, f);
    const vd tl = V::fma(a.hi, f, V::neg(th));
    // near one: s = hi - th, err = (hi - s) - th, l = (err - tl) + (lo - lo e)
    const vd s = V::sub(a.hi, th);
    const vd err = V::sub(V::sub(a.hi, s), th);
    const vd l_near = V::add(V::sub(err, tl), V::sub(a.lo, V::mul(a.lo, f)));
    // otherwise: th + (tl + lo p)
    const vd l_far = V::add(tl, V::mul(a.lo, f));
    vproduct r = a;
    renormalize(r, V::select(near_one, th, s), V::select(near_one, l_far, l_near));
    a.hi = V::select(positive, a.hi, r.hi);
    a.lo = V::select(positive, a.lo, r.lo);
    a.scale = V::select(positive, a.scale, r.scale);
  }

  /// expm1(y) for y in [-ln 2, 0], the only range consensus asks of it (P = -expm1(y) <= 1/2):
  /// y = k ln 2 + r with k in {0, -1}, |r| <= ln 2 / 2 (Cody-Waite: y + ln2_hi is exact by Sterbenz),
  /// expm1(r) by its Taylor series to r^14 (the rest below 2^-56 of r), 2^-1 (1 + expm1(r)) - 1 in one
  /// fma. At most 1.5 ulp (CpuSimdMath.Expm1UnitWithinItsBound); SLEEF's expm1, a double-double
  /// evaluation, took 25% of the avx2 rows' time (perf, 2e5 W1 batch, 2026-12-06).
  static vd expm1_unit(vd y) {
    const vm shift = V::lt(y, V::set1(-0x1.62e42fefa39efp-2));  // y < -ln 2 / 2: k = -1
    const vd r = V::select(shift, y, V::add(V::add(y, V::set1(0x1.62e42fefa39efp-1)), V::set1(2.3190468138462996e-17)));
    static constexpr double c[] = {0x1.93974a8c07c9dp-37, 0x1.6124613a86d09p-33, 0x1.1eed8eff8d898p-29,
                                   0x1.ae64567f544e4p-26, 0x1.27e4fb7789f5cp-22, 0x1.71de3a556c734p-19,
                                   0x1.a01a01a01a01ap-16, 0x1.a01a01a01a01ap-13, 0x1.6c16c16c16c17p-10,
                                   0x1.1111111111111p-7,  0x1.5555555555555p-5,  0x1.5555555555555p-3,
                                   0.5};  // 1/14!, 1/13!, ..., 1/3!, 1/2
    vd q = V::set1(c[0]);
    for (std::size_t i = 1; i < sizeof(c) / sizeof(c[0]); ++i) q = V::fma(q, r, V::set1(c[i]));
    vd e = V::fma(V::mul(r, r), q, r);
    e = V::select(V::lt(V::abs(r), V::set1(0x1p-60)), e, r);  // r + r^2/2 rounds to r; keeps -0 and subnormals
    return V::select(shift, e, V::fma(V::set1(0.5), e, V::set1(-0.5)));
  }

  /// consensus_acc::add over the list, agreement_split's two branches per lane, blended.
  template <class In>
  static void consensus(const In* difficulty, index_t n, double log_q, simd_detail::consensus_lanes& out) {
    vsum diff, expected;
    vproduct p_all;
    const vd zero = V::zero(), one = V::set1(1.0), lq = V::set1(log_q);
    const vd half_point = V::set1(-0.6931471805599453);  // y below: e = exp(y) < 1/2
    index_t constrained = 0;
    bool any_zero = false;
    for (index_t i = 0; i < n; i += simd_detail::lanes) {
      const unsigned valid = valid_bits(i, n);
      const vd x = load(difficulty, i, n);
      add(diff, x);
      const vd y = V::mul(x, lq);  // consensus_exponent in double: lo = 0
      const vm small_e = V::lt(y, half_point);
      const unsigned small_bits = V::bits(small_e);
      vd e = zero, p_big = zero;
      // A branch no lane takes is skipped: the lanes that take it get the same bits either way.
      if (small_bits != 0) e = V::exp(y);
      if (small_bits != all) p_big = V::neg(expm1_unit(y));
      const vd p = V::select(small_e, p_big, V::sub(one, e));
      add(expected, p);
      const vm positive = V::gt(p, zero);
      multiply(p_all, small_e, positive, e, p);
      any_zero = any_zero || (valid & ~V::bits(positive)) != 0;
      constrained += __builtin_popcount(valid & V::bits(V::le(x, one)));
    }
    out.difficulty = reduce(diff);
    V::store(out.p_all.hi, p_all.hi);
    V::store(out.p_all.lo, p_all.lo);
    V::store(out.p_all.scale, p_all.scale);
    out.expected = reduce(expected);
    out.constrained = constrained;
    out.any_zero = any_zero;
  }

  static vd apply(simd_math_fn f, vd x) {
    switch (f) {
      case simd_math_fn::exp: return V::exp(x);
      case simd_math_fn::expm1: return V::expm1(x);
      case simd_math_fn::expm1_unit: return expm1_unit(x);
      case simd_math_fn::log: return V::log(x);
      case simd_math_fn::log1p: return V::log1p(x);
    }
    return x;
  }

  static void math(simd_math_fn f, const double* in, double* out, std::size_t n) {
    for (std::size_t i = 0; i < n; i += simd_detail::lanes) {
      const std::size_t m = n - i < simd_detail::lanes ? n - i : simd_detail::lanes;
      double a[simd_detail::lanes] = {}, r[simd_detail::lanes];
      for (std::size_t k = 0; k < m; ++k) a[k] = in[i + k];
      V::store(r, apply(f, V::load(a)));
      for (std::size_t k = 0; k < m; ++k) out[i + k] = r[k];
    }
  }

  static constexpr simd_detail::kernels table{{&countries<double>, &consensus<double>, &sum<double>},
                                              {&countries<float>, &consensus<float>, &sum<float>},
                                              &math};
};
