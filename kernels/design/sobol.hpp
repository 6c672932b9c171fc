#pragma once
/**
 * @file sobol.hpp
 * @brief Sobol' points from the index alone (DESIGNS.md section 2, `sobol`), equal to
 *        scipy's qmc.Sobol(d, scramble=False), and a hash-based Owen scrambling.
 *
 * Point i, coordinate j: the XOR of the direction integers v_j[c] for the bits c set in
 * gray(i) = i ^ (i >> 1), which is the point scipy's generator reaches at step i (its
 * Gray-code recurrence; point 0 is all zeros). The integers are kept left-aligned in 64
 * bits, so scipy's `bits` = B integers are ours shifted right by 64 - B, for any B <= 64:
 * one table serves every B. Checked against scipy 1.10.1 in all 64 dimensions: B = 30 and
 * 32 on the first 4096 points and samples up to 2^B - 1, B = 53 and 64 on the first 2^16
 * (tests/kernels/design/sobol_test.cpp holds a literal excerpt).
 *
 * Device code reads the table from constant memory (32 KiB): every thread of a warp
 * reads the same entry at the same time (the coordinate loop is uniform), which the
 * constant cache serves as one broadcast.
 */
#include <cstdint>

#include "kernels/config.hpp"
#include "kernels/design/philox.hpp"
#include "kernels/design/sobol_directions.hpp"

namespace coopgrid::design {

inline constexpr int sobol_max_dimensions = COOPGRID_SOBOL_DIMENSIONS;
/// scipy's default `bits` (1.10.1, the version checked): qmc.Sobol(d) gives at most 2^30 points.
inline constexpr int sobol_scipy_default_bits = 30;

namespace detail {
inline constexpr std::uint64_t sobol_directions_host[COOPGRID_SOBOL_DIMENSIONS][64] =
    COOPGRID_SOBOL_DIRECTION_TABLE;
#ifdef __CUDACC__
// static: one copy per translation unit, as whole-program CUDA compilation needs.
static __constant__ const std::uint64_t sobol_directions_device[COOPGRID_SOBOL_DIMENSIONS][64] =
    COOPGRID_SOBOL_DIRECTION_TABLE;
#endif

COOPGRID_HOST_DEVICE inline std::uint64_t sobol_direction(int j, int c) {
#ifdef __CUDA_ARCH__
  return sobol_directions_device[j][c];
#else
  return sobol_directions_host[j][c];
#endif
}
}  // namespace detail

/// The 64-bit left-aligned Sobol' integer of point i (0 <= i), coordinate j (0 <= j < 64).
COOPGRID_HOST_DEVICE inline std::uint64_t sobol_integer(index_t i, int j) {
  std::uint64_t g = static_cast<std::uint64_t>(i) ^ (static_cast<std::uint64_t>(i) >> 1);
  std::uint64_t x = 0;
  for (int c = 0; g != 0; ++c, g >>= 1) {
    if (g & 1u) x ^= detail::sobol_direction(j, c);
  }
  return x;
}

/**
 * Coordinate j of Sobol' point i: scipy's qmc.Sobol(d, scramble=False, bits=B).random(n)[i, j]
 * bit for bit, for every B with i < 2^B (scipy's default B = 30 caps n at 2^30; B = 64
 * lifts the cap). B changes nothing else: the integer of a point i < 2^m is a multiple of
 * 2^(64 - m). From 2^53 points on, the integer is rounded to a double, as numpy rounds it.
 */
COOPGRID_HOST_DEVICE inline double sobol_point_coordinate(index_t i, int j) {
  return static_cast<double>(sobol_integer(i, j)) * (1.0 / 18446744073709551616.0);
}

namespace detail {
COOPGRID_HOST_DEVICE inline std::uint32_t reverse_bits32(std::uint32_t x) {
#ifdef __CUDA_ARCH__
  return __brev(x);
#else
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
  return (x >> 16) | (x << 16);
#endif
}

/**
 * Laine and Karras's hash as tuned by Burley (2020): addition and x ^= x * even only
 * carry upward, so output bit k depends on input bits 0..k alone.
 */
COOPGRID_HOST_DEVICE inline std::uint32_t laine_karras_permutation(std::uint32_t x, std::uint32_t seed) {
  x += seed;
  x ^= x * 0x6C50B47Cu;
  x ^= x * 0xB82F1E52u;
  x ^= x * 0xC7AFE638u;
  x ^= x * 0x8D22F6E6u;
  return x;
}
}  // namespace detail

/// The 32-bit scrambling seed of coordinate j: independent seeds per coordinate.
COOPGRID_HOST_DEVICE inline std::uint32_t owen_seed(std::uint64_t seed, int j) {
  return static_cast<std::uint32_t>(
      detail::mix64(seed ^ detail::mix64(static_cast<std::uint64_t>(j) + 0x632BE59BD9B4E019u)));
}

/**
 * Nested uniform (Owen) scrambling of a 32-digit binary fraction x (Burley 2020):
 * reversed, the Laine-Karras hash flips each digit by a function of the digits above
 * it, so it is a bijection that maps every elementary interval of 2^-m onto one: nets
 * stay nets.
 */
COOPGRID_HOST_DEVICE inline std::uint32_t owen_scramble(std::uint32_t x, std::uint64_t seed, int j) {
  return detail::reverse_bits32(detail::laine_karras_permutation(detail::reverse_bits32(x), owen_seed(seed, j)));
}

/// The most scrambled points (design_options::validate enforces it): 32 digits are kept,
/// so point 2^32 + k would share every coordinate's 2^-32 cell, and value, with a point below 2^32.
inline constexpr index_t sobol_scrambled_max_points = index_t{1} << 32;

/**
 * Coordinate j of scrambled Sobol' point i (`--scramble`): the first 32 digits of the
 * point scrambled, at the centre of their 2^-32 cell, so in (0, 1) and exact.
 * i < sobol_scrambled_max_points.
 */
COOPGRID_HOST_DEVICE inline double sobol_scrambled_coordinate(index_t i, int j, std::uint64_t seed) {
  const std::uint32_t x = owen_scramble(static_cast<std::uint32_t>(sobol_integer(i, j) >> 32), seed, j);
  return (static_cast<double>(x) + 0.5) * (1.0 / 4294967296.0);
}

}  // namespace coopgrid::design
