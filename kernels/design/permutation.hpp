#pragma once
/**
 * @file permutation.hpp
 * @brief A keyed pseudo-random permutation of 0..n-1 evaluated at one index, and the
 *        `lhs` design's coordinates built on it (DESIGNS.md section 2).
 *
 * permute(i, n, key): an 8-round Feistel network on b = ceil(log2 n) bits (halves of
 * ceil(b/2) and floor(b/2) bits that swap sides each round, so odd b needs no padding),
 * with cycle walking: values >= n are encrypted again until they fall below n. The
 * domain is < 2n, so a walk takes fewer than 2 steps on average. Nothing is stored:
 * sample i of a 10^10-sample LHS is decoded alone, like a grid point.
 */
#include <cstdint>
#include <math.h>

#include "kernels/config.hpp"
#include "kernels/design/philox.hpp"

namespace coopgrid::design {

namespace detail {
inline constexpr int feistel_rounds = 8;

/// Smallest b with 2^b >= n (0 for n <= 1).
COOPGRID_HOST_DEVICE inline int ceil_log2(std::uint64_t n) {
  if (n <= 1) return 0;
#ifdef __CUDA_ARCH__
  return 64 - __clzll(static_cast<long long>(n - 1));
#else
  return 64 - __builtin_clzll(n - 1);
#endif
}

COOPGRID_HOST_DEVICE inline std::uint64_t low_mask(int w) {
  return w >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1;
}

/// One pass of the network: a bijection of [0, 2^b), round r keyed by rk[r].
COOPGRID_HOST_DEVICE inline std::uint64_t feistel(std::uint64_t x, int b, const std::uint64_t* rk) {
  int wl = (b + 1) / 2;  // width of the left (high) half
  int wr = b / 2;
  COOPGRID_UNROLL
  for (int r = 0; r < feistel_rounds; ++r) {
    const std::uint64_t left = x >> wr;
    const std::uint64_t right = x & low_mask(wr);
    // (L, R) -> (R, L ^ F(R)): the halves trade places and widths.
    x = (right << wl) | ((left ^ mix64(right ^ rk[r])) & low_mask(wl));
    const int w = wl;
    wl = wr;
    wr = w;
  }
  return x;
}
}  // namespace detail

/// The image of i (0 <= i < n) under the permutation of 0..n-1 keyed by key.
COOPGRID_HOST_DEVICE inline index_t permute(index_t i, index_t n, std::uint64_t key) {
  const int b = detail::ceil_log2(static_cast<std::uint64_t>(n));
  std::uint64_t rk[detail::feistel_rounds];
  COOPGRID_UNROLL
  for (int r = 0; r < detail::feistel_rounds; ++r) {
    rk[r] = detail::mix64(key + static_cast<std::uint64_t>(r + 1) * 0x9E3779B97F4A7C15u);
  }
  std::uint64_t x = static_cast<std::uint64_t>(i);
  do {
    x = detail::feistel(x, b, rk);
  } while (x >= static_cast<std::uint64_t>(n));
  return static_cast<index_t>(x);
}

/// The permutation key of coordinate j of an LHS with this seed.
COOPGRID_HOST_DEVICE inline std::uint64_t lhs_key(std::uint64_t seed, index_t j) {
  return detail::mix64(seed ^ detail::mix64(static_cast<std::uint64_t>(j) + 0x2545F4914F6CDD1Du));
}

namespace detail {
COOPGRID_HOST_DEVICE inline double next_double(double x, int step) {  // x > 0 finite, step +-1
#ifdef __CUDA_ARCH__
  return __longlong_as_double(__double_as_longlong(x) + step);
#else
  std::int64_t bits;
  __builtin_memcpy(&bits, &x, sizeof bits);
  bits += step;
  __builtin_memcpy(&x, &bits, sizeof bits);
  return x;
#endif
}
}  // namespace detail

/**
 * (p + v) / n for stratum p of n and v in (0, 1), moved by ulps where rounding put it
 * on or past an edge, so that it lies strictly inside (p/n, (p+1)/n) (decided exactly,
 * with fma). n <= 2^52, where a stratum is wider than a double's spacing below 1.
 */
COOPGRID_HOST_DEVICE inline double stratum_point(double p, double v, double n) {
  double u = (p + v) / n;
  while (fma(u, n, -(p + 1.0)) >= 0.0) u = detail::next_double(u, -1);
  while (fma(u, n, -p) <= 0.0) u = detail::next_double(u, +1);
  return u;
}

/**
 * Coordinate j of LHS sample i of n: (pi_j(i) + v_ij) / n, pi_j = permute(., n,
 * lhs_key(seed, j)), v_ij = mc_coordinate(seed, i, j). Every stratum of every coordinate
 * holds exactly one sample, strictly inside it (so the coordinate is never 0).
 */
COOPGRID_HOST_DEVICE inline double lhs_coordinate(index_t i, index_t j, index_t n, std::uint64_t seed) {
  return stratum_point(static_cast<double>(permute(i, n, lhs_key(seed, j))), mc_coordinate(seed, i, j),
                       static_cast<double>(n));
}

}  // namespace coopgrid::design
