#pragma once
/**
 * @file philox.hpp
 * @brief Philox4x32-10 (Salmon et al., SC11; Random123's definition) and the `mc`
 *        design's coordinates (DESIGNS.md section 2): a pure function of (seed, i, j),
 *        so any backend, chunking or device draws the same bits.
 *
 * Counter layout (the contract): key = (lo32(seed), hi32(seed)), counter =
 * (lo32(i), hi32(i), lo32(j), hi32(j)). Designs use j < 2^32 (a coordinate or a
 * replicate); the high word of j is free for a stream tag (philox_stream) so that
 * other uses of the generator (bootstrap weights, Morris choices) never reuse the
 * counters of design coordinates.
 */
#include <cstdint>

#include "kernels/config.hpp"

namespace coopgrid::design {

struct philox4x32 {
  std::uint32_t v[4];
};

namespace detail {
inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u;  // sqrt(3) - 1

COOPGRID_HOST_DEVICE inline std::uint32_t mulhi32(std::uint32_t a, std::uint32_t b) {
#ifdef __CUDA_ARCH__
  return __umulhi(a, b);
#else
  return static_cast<std::uint32_t>((std::uint64_t{a} * b) >> 32);
#endif
}

/// splitmix64's finaliser: a 64-bit bijective mixer, for derived seeds and round keys.
COOPGRID_HOST_DEVICE inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}
}  // namespace detail

/// Philox4x32 with R rounds (R = 10 is the standard, Crush-resistant choice).
template <int R = 10>
COOPGRID_HOST_DEVICE inline philox4x32 philox4x32_r(philox4x32 c, std::uint32_t k0, std::uint32_t k1) {
  COOPGRID_UNROLL
  for (int r = 0; r < R; ++r) {
    if (r > 0) {  // the key is bumped between rounds, not before the first
      k0 += detail::philox_w0;
      k1 += detail::philox_w1;
    }
    const std::uint32_t hi0 = detail::mulhi32(detail::philox_m0, c.v[0]);
    const std::uint32_t lo0 = detail::philox_m0 * c.v[0];
    const std::uint32_t hi1 = detail::mulhi32(detail::philox_m1, c.v[2]);
    const std::uint32_t lo1 = detail::philox_m1 * c.v[2];
    c = philox4x32{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
  }
  return c;
}

COOPGRID_HOST_DEVICE inline philox4x32 philox4x32_10(philox4x32 c, std::uint32_t k0, std::uint32_t k1) {
  return philox4x32_r<10>(c, k0, k1);
}

/// The four words for counter (i, j) under key seed, in the layout above.
COOPGRID_HOST_DEVICE inline philox4x32 philox_block(std::uint64_t seed, std::uint64_t i, std::uint64_t j) {
  const philox4x32 c{{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32),
                      static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(j >> 32)}};
  return philox4x32_10(c, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
}

/// Counter word j for stream `stream` (0 = design coordinates): j < 2^32.
COOPGRID_HOST_DEVICE constexpr std::uint64_t philox_stream(std::uint32_t stream, std::uint32_t j) {
  return (std::uint64_t{stream} << 32) | j;
}

/**
 * 53 random bits as a double in (0, 1), never 0 or 1: k = hi32 . top 21 bits of lo32,
 * u = k 2^-53, and k = 0 maps to 2^-54. (k + 1/2) 2^-53 would not do: above 1/2 it is
 * a tie between two doubles, and k = 2^53 - 1 rounds to 1.) Every value is exact, the
 * largest is 1 - 2^-53.
 */
COOPGRID_HOST_DEVICE inline double unit_double(std::uint32_t hi32, std::uint32_t lo32) {
  const std::uint64_t k = (std::uint64_t{hi32} << 21) | (lo32 >> 11);
  constexpr double two_m53 = 1.0 / 9007199254740992.0;
  return k != 0 ? static_cast<double>(k) * two_m53 : 0.5 * two_m53;
}

/// Coordinate j of `mc` sample i: words 0 and 1 of the block at counter (i, j).
COOPGRID_HOST_DEVICE inline double mc_coordinate(std::uint64_t seed, index_t i, index_t j) {
  const philox4x32 r = philox_block(seed, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j));
  return unit_double(r.v[0], r.v[1]);
}

}  // namespace coopgrid::design
