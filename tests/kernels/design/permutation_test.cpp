// The keyed permutation (a bijection of 0..n-1 for every n, different per key) and the
// LHS coordinates built on it (one sample in each of the n strata of every coordinate).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/design/permutation.hpp"

namespace coopgrid::design {
namespace {

const index_t sizes[] = {1, 2, 3, 1000, (index_t{1} << 20) + 3};

TEST(Permutation, IsABijectionForEveryN) {
  for (const index_t n : sizes) {
    for (const std::uint64_t key : {std::uint64_t{0}, std::uint64_t{99}, ~std::uint64_t{0}}) {
      std::vector<char> hit(static_cast<std::size_t>(n), 0);
      for (index_t i = 0; i < n; ++i) {
        const index_t p = permute(i, n, key);
        ASSERT_GE(p, 0);
        ASSERT_LT(p, n);
        ASSERT_FALSE(hit[static_cast<std::size_t>(p)]) << "n " << n << " key " << key << " i " << i;
        hit[static_cast<std::size_t>(p)] = 1;
      }
    }
  }
}

TEST(Permutation, PowersOfTwoAndTheirNeighbours) {
  // Even and odd bit widths, with and without cycle walking.
  for (int b = 1; b <= 16; ++b)
    for (const index_t n : {(index_t{1} << b) - 1, index_t{1} << b, (index_t{1} << b) + 1}) {
      std::vector<char> hit(static_cast<std::size_t>(n), 0);
      for (index_t i = 0; i < n; ++i) {
        const index_t p = permute(i, n, 5);
        ASSERT_TRUE(p >= 0 && p < n && !hit[static_cast<std::size_t>(p)]) << "n " << n;
        hit[static_cast<std::size_t>(p)] = 1;
      }
    }
}

TEST(Permutation, KeysGiveDifferentPermutations) {
  for (const index_t n : {index_t{1000}, (index_t{1} << 20) + 3}) {
    index_t same = 0, fixed = 0;
    for (index_t i = 0; i < n; ++i) {
      same += permute(i, n, 1) == permute(i, n, 2);
      fixed += permute(i, n, 1) == i;
    }
    // A random pair of permutations agrees at about one place, as a random one fixes about one point.
    EXPECT_LT(same, 20) << n;
    EXPECT_LT(fixed, 20) << n;
  }
  // Both orders of two values occur, about equally often.
  int swapped = 0;
  for (std::uint64_t key = 0; key < 200; ++key) swapped += permute(0, 2, key) == 1;
  EXPECT_GT(swapped, 60);
  EXPECT_LT(swapped, 140);
}

TEST(Permutation, LargeNStaysInRangeAndInjective) {
  const index_t n = (index_t{1} << 40) + 7;
  std::vector<index_t> out;
  for (index_t i = 0; i < 100000; ++i) out.push_back(permute(i * 10995116 + 3, n, 77));
  for (const index_t p : out) ASSERT_TRUE(p >= 0 && p < n);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(std::unique(out.begin(), out.end()), out.end());
  // Spread over the range, not clustered near the inputs.
  EXPECT_GT(out.back(), n / 2);
  EXPECT_LT(out.front(), n / 2);
}

/// The stratum of u among n, decided exactly: k with k <= u n < k + 1 (u n by fma).
index_t stratum(double u, index_t n) {
  const double nn = static_cast<double>(n);
  auto k = static_cast<index_t>(u * nn);
  while (k > 0 && std::fma(u, nn, -static_cast<double>(k)) < 0) --k;
  while (std::fma(u, nn, -static_cast<double>(k + 1)) >= 0) ++k;
  return k;
}

TEST(Lhs, EveryStratumOfEveryCoordinateHoldsOneSample) {
  for (const index_t n : {index_t{1}, index_t{2}, index_t{1000}, (index_t{1} << 20) + 3}) {
    for (const index_t j : {index_t{0}, index_t{1}, index_t{10}}) {
      std::vector<char> hit(static_cast<std::size_t>(n), 0);
      for (index_t i = 0; i < n; ++i) {
        const double u = lhs_coordinate(i, j, n, 2024);
        ASSERT_GT(u, 0.0);
        ASSERT_LT(u, 1.0);
        const index_t k = stratum(u, n);
        ASSERT_LT(k, n);
        // Strictly inside: never on the stratum's lower edge either.
        ASSERT_GT(std::fma(u, static_cast<double>(n), -static_cast<double>(k)), 0.0);
        ASSERT_FALSE(hit[static_cast<std::size_t>(k)]) << "n " << n << " j " << j << " i " << i;
        hit[static_cast<std::size_t>(k)] = 1;
      }
    }
  }
}

TEST(Lhs, CoordinatesAreIndependentlyPermutedAndOffsetByMc) {
  const index_t n = 1000;
  int same_stratum = 0;
  for (index_t i = 0; i < n; ++i) {
    const double u0 = lhs_coordinate(i, 0, n, 7), u1 = lhs_coordinate(i, 1, n, 7);
    same_stratum += stratum(u0, n) == stratum(u1, n);
    // The offset within the stratum is the mc coordinate (to rounding).
    EXPECT_NEAR(u0 * n - stratum(u0, n), mc_coordinate(7, i, 0), 1e-9);
  }
  EXPECT_LT(same_stratum, 20);
  EXPECT_NE(lhs_coordinate(0, 0, n, 7), lhs_coordinate(0, 0, n, 8));
}

TEST(Lhs, ExtremeOffsetsStayInTheirStratum) {
  // v next to 1 on the last stratum of a large n: (p + v) / n rounds onto the edge 1
  // (p + v itself rounds to n), and must be moved back inside.
  for (const index_t n : {(index_t{1} << 40) + 1, (index_t{1} << 52)}) {
    const double nn = static_cast<double>(n), p = nn - 1;
    EXPECT_EQ((p + (1.0 - 0x1p-53)) / nn, 1.0);  // the naive quotient fails
    const double hi = stratum_point(p, 1.0 - 0x1p-53, nn);
    EXPECT_LT(hi, 1.0);
    EXPECT_EQ(stratum(hi, n), n - 1);
    const double lo = stratum_point(0, 0x1p-54, nn);
    EXPECT_GT(lo, 0.0);
    EXPECT_EQ(stratum(lo, n), 0);
    const double mid = stratum_point(12345, 1.0 - 0x1p-53, nn);
    EXPECT_EQ(stratum(mid, n), 12345);
  }
  const index_t n = (index_t{1} << 40) + 1;
  for (index_t i = 0; i < 2000; ++i) EXPECT_EQ(stratum(lhs_coordinate(i, 0, n, 1), n), permute(i, n, lhs_key(1, 0)));
}

}  // namespace
}  // namespace coopgrid::design
