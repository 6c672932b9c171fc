// Sobol' points against scipy 1.10.1's qmc.Sobol(d, scramble=False) (literals computed
// once with python3 + scipy), their net structure, and the Owen scrambling's
// bijectivity and preserved nets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/design/sobol.hpp"

namespace coopgrid::design {
namespace {

// qmc.Sobol(5, scramble=False).random(8)
const double first_points[8][5] = {
    {0.0, 0.0, 0.0, 0.0, 0.0},
    {0.5, 0.5, 0.5, 0.5, 0.5},
    {0.75, 0.25, 0.25, 0.25, 0.75},
    {0.25, 0.75, 0.75, 0.75, 0.25},
    {0.375, 0.375, 0.625, 0.875, 0.375},
    {0.875, 0.875, 0.125, 0.375, 0.875},
    {0.625, 0.125, 0.875, 0.625, 0.625},
    {0.125, 0.625, 0.375, 0.125, 0.125},
};

TEST(Sobol, FirstPointsMatchScipy) {
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(sobol_point_coordinate(i, j), first_points[i][j]) << i << ' ' << j;
}

struct far_point {
  index_t i;
  std::uint64_t x[22];
};

// s = qmc.Sobol(22, scramble=False) (bits = 30); s.fast_forward(i); s.random(1) * 2^30.
const far_point far_points_30[] = {
    {1060921, {688195072, 705633792, 557653504, 350236160, 296828416, 992296448, 983745024, 37611008,
               438814208, 999218688, 215764480, 936166912, 941327872, 1028540928, 195685888, 711207424,
               514034176, 834705920, 169122304, 828109312, 172733952, 745665024}},
    {536871689, {743440387, 719393041, 661667133, 26279971, 414336265, 229318779, 140512303, 506459043,
                 442434179, 603197609, 555745657, 362123431, 1059783019, 933232703, 14829887, 690417943,
                 540396347, 1038199571, 828796971, 19922945, 804978689, 489226243}},
    {1073741823, {1, 858993459, 385885991, 805503005, 268619575, 784934857, 502268945, 903271033,
                  67436641, 868921959, 997196295, 655061653, 744030901, 462422065, 724742933, 308059905,
                  187583765, 525530409, 1002344493, 1056964611, 632619011, 48168961}},
};

// The same with qmc.Sobol(6, scramble=False, bits=32), times 2^32.
const far_point far_points_32[] = {
    {3000000000, {9313751, 206004777, 3953899511u, 1280606549, 2532171339u, 2057589177}},
    {4294967295, {1, 4294967295u, 3305133397u, 1342505107, 2953698205u, 1086045115}},
};

TEST(Sobol, FarPointsMatchScipy) {
  for (const far_point& p : far_points_30) {
    for (int j = 0; j < 22; ++j) {
      EXPECT_EQ(sobol_integer(p.i, j) >> 34, p.x[j]) << p.i << ' ' << j;
      EXPECT_EQ(sobol_point_coordinate(p.i, j), static_cast<double>(p.x[j]) * 0x1p-30);
    }
  }
  for (const far_point& p : far_points_32)
    for (int j = 0; j < 6; ++j) EXPECT_EQ(sobol_integer(p.i, j) >> 32, p.x[j]) << p.i << ' ' << j;
}

TEST(Sobol, DirectionTableStartsAsJoeKuo) {
  // Dimension 1 is van der Corput; dimension 2 (s = 1, a = 0, m = 1) has
  // v[c] = v[c-1] ^ (v[c-1] >> 1); dimension 3 (s = 2, a = 1, m = 1 3) starts 1, 3.
  EXPECT_EQ(sobol_max_dimensions, 64);
  for (int c = 0; c < 64; ++c) EXPECT_EQ(detail::sobol_direction(0, c), std::uint64_t{1} << (63 - c));
  for (int c = 1; c < 64; ++c) {
    const std::uint64_t prev = detail::sobol_direction(1, c - 1);
    EXPECT_EQ(detail::sobol_direction(1, c), prev ^ (prev >> 1));
  }
  EXPECT_EQ(detail::sobol_direction(2, 0), std::uint64_t{1} << 63);
  EXPECT_EQ(detail::sobol_direction(2, 1), std::uint64_t{3} << 62);
}

TEST(Sobol, EachCoordinateIsAZeroOneSequence) {
  // In every dimension the first 2^m points fall one in each interval of length 2^-m
  // (every block of 2^m consecutive points, too: checked for the second block).
  for (int j = 0; j < sobol_max_dimensions; ++j) {
    for (int m = 0; m <= 12; ++m) {
      for (index_t start : {index_t{0}, index_t{1} << m}) {
        std::vector<char> hit(std::size_t{1} << m, 0);
        for (index_t i = start; i < start + (index_t{1} << m); ++i) {
          const std::uint64_t cell = m == 0 ? 0 : sobol_integer(i, j) >> (64 - m);
          ASSERT_FALSE(hit[cell]) << "dimension " << j << " m " << m << " point " << i;
          hit[cell] = 1;
        }
      }
    }
  }
}

/// True if the first 2^m points (x[i], y[i]) hold one point in each elementary interval
/// of every shape 2^-k x 2^-(m-k): a (0, m, 2)-net.
bool is_zero_m_two_net(const std::vector<std::uint32_t>& x, const std::vector<std::uint32_t>& y, int m) {
  for (int k = 0; k <= m; ++k) {
    std::vector<char> hit(std::size_t{1} << m, 0);
    for (std::size_t i = 0; i < (std::size_t{1} << m); ++i) {
      const std::uint64_t cx = k == 0 ? 0 : x[i] >> (32 - k);
      const std::uint64_t cy = m - k == 0 ? 0 : y[i] >> (32 - (m - k));
      const std::uint64_t cell = (cx << (m - k)) | cy;
      if (hit[cell]) return false;
      hit[cell] = 1;
    }
  }
  return true;
}

TEST(SobolOwen, ScrambleIsANestedBijection) {
  // The top 16 bits of the output depend on the top 16 of the input alone and take
  // every value once: a bijection on 2^16 inputs (low bits varied too, so a
  // dependence on them would show).
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{0xfeedfacecafebeefu}}) {
    std::vector<char> hit(1 << 16, 0);
    for (std::uint32_t top = 0; top < (1u << 16); ++top) {
      const std::uint32_t a = owen_scramble(top << 16, seed, 3) >> 16;
      const std::uint32_t b = owen_scramble((top << 16) | (top * 2654435761u >> 16), seed, 3) >> 16;
      ASSERT_EQ(a, b) << "top digits depend on lower ones";
      ASSERT_FALSE(hit[a]);
      hit[a] = 1;
    }
    // And injective on full 32-bit values: 2^20 spread inputs, 2^20 distinct outputs.
    std::vector<std::uint32_t> out;
    for (std::uint32_t k = 0; k < (1u << 20); ++k) out.push_back(owen_scramble(k * 4093u + 17u, seed, 1));
    std::sort(out.begin(), out.end());
    EXPECT_EQ(std::unique(out.begin(), out.end()), out.end());
  }
}

TEST(SobolOwen, ScramblingKeepsTheNets) {
  for (int m = 1; m <= 10; ++m) {
    const std::size_t n = std::size_t{1} << m;
    std::vector<std::uint32_t> x(n), y(n), sx(n), sy(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<std::uint32_t>(sobol_integer(static_cast<index_t>(i), 0) >> 32);
      y[i] = static_cast<std::uint32_t>(sobol_integer(static_cast<index_t>(i), 1) >> 32);
      sx[i] = owen_scramble(x[i], 12345, 0);
      sy[i] = owen_scramble(y[i], 12345, 1);
    }
    EXPECT_TRUE(is_zero_m_two_net(x, y, m)) << "unscrambled, m " << m;
    EXPECT_TRUE(is_zero_m_two_net(sx, sy, m)) << "scrambled, m " << m;
    // A check that can fail: a pseudo-random point set is not a net.
    if (m >= 4) {
      std::vector<std::uint32_t> rx(n), ry(n);
      for (std::size_t i = 0; i < n; ++i) {
        rx[i] = static_cast<std::uint32_t>(detail::mix64(2 * i));
        ry[i] = static_cast<std::uint32_t>(detail::mix64(2 * i + 1));
      }
      EXPECT_FALSE(is_zero_m_two_net(rx, ry, m));
    }
  }
}

TEST(SobolOwen, SeedsAndCoordinatesGiveDifferentPoints) {
  int same_seed = 0, same_dim = 0;
  for (index_t i = 1; i < 1024; ++i) {
    same_seed += sobol_scrambled_coordinate(i, 0, 1) == sobol_scrambled_coordinate(i, 0, 2);
    // Coordinates 0 and 1 coincide unscrambled (0.5 at i = 1); scrambled they part.
    same_dim += sobol_scrambled_coordinate(i, 0, 9) == sobol_scrambled_coordinate(i, 1, 9);
  }
  EXPECT_EQ(sobol_point_coordinate(1, 0), sobol_point_coordinate(1, 1));
  EXPECT_EQ(same_seed, 0);
  EXPECT_EQ(same_dim, 0);
  EXPECT_NE(owen_seed(1, 0), owen_seed(1, 1));
  EXPECT_NE(owen_seed(1, 0), owen_seed(2, 0));
  // Scrambled coordinates lie strictly inside (0, 1), even for point 0.
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    const double u = sobol_scrambled_coordinate(0, static_cast<int>(seed % 22), seed);
    EXPECT_GT(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace coopgrid::design
