#pragma once
/**
 * @file cpu_simd_lanes.hpp
 * @brief What the vector translation units (cpu_simd_avx2.cpp,
 *        cpu_simd_avx512.cpp) export: the compensated sums of one item list
 *        as plain structs, which cpu_simd.cpp finishes into a row.
 *
 * Why plain arrays and function tables: those units are compiled with -mavx2
 * or -mavx512f, so they must not instantiate an inline function that the rest
 * of the program also uses (the linker keeps one copy, perhaps the AVX-512
 * one, and a scalar caller on an AVX2 machine would fault). Everything that
 * finishes a row stays in plain-flag code.
 */
#include <cstddef>

#include "host/backends/cpu_simd.hpp"

namespace coopgrid::simd_detail {

/// Logical lane count of both vector targets: the same lanes give the same bits.
constexpr int lanes = 8;

/// A compensated sum (compensated_sum's fields): lane j sums items j, j + 8,
/// j + 16, ..., and the lanes merge in a fixed tree, (j, j + 4), (j, j + 2), (0, 1).
struct pair_sum {
  double s, c;
};

struct country_lanes {
  pair_sum total, shared, variance;
  double quota;  ///< integer-valued: exact in any order
};

/// factor_product's fields per lane (scale an exact integer); cpu_simd.cpp merges the lanes.
struct product_lanes {
  double hi[lanes], lo[lanes], scale[lanes];
};

struct consensus_lanes {
  pair_sum difficulty, expected;
  product_lanes p_all;
  index_t constrained;
  bool any_zero;
};

/// One target's kernels over items [0, n) of a list whose items are In (float items are
/// widened exactly, and the lanes work in double).
template <class In>
struct list_kernels {
  void (*countries)(const In* datasets, const In* share_prob, index_t n, country_lanes& out);
  /// A standards or ethics list of n >= 2 items with log_q = log1p(-1/n).
  void (*consensus)(const In* difficulty, index_t n, double log_q, consensus_lanes& out);
  void (*sum)(const In* x, index_t n, pair_sum& out);
};

struct kernels {
  list_kernels<double> f64;
  list_kernels<float> f32;
  void (*math)(simd_math_fn f, const double* in, double* out, std::size_t n);
  const list_kernels<double>& of(const double*) const { return f64; }
  const list_kernels<float>& of(const float*) const { return f32; }
};

#if defined(COOPGRID_HAVE_SLEEF)
extern const kernels avx2_kernels;
extern const kernels avx512_kernels;
#endif

}  // namespace coopgrid::simd_detail
