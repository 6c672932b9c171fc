// Philox4x32-10 against Random123's known answers, the counter layout of the `mc`
// design, and unit_double's range (53 bits, never 0 or 1).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "kernels/design/philox.hpp"

namespace coopgrid::design {
namespace {

struct kat {
  philox4x32 ctr;
  std::uint32_t key[2];
  philox4x32 expected;
};

// Random123's tests/kat_vectors, the three "philox4x32 10" lines (counter, key,
// expected output), carried over as data.
const kat philox_kats[] = {
    {{{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u}}, {0x00000000u, 0x00000000u},
     {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
    {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, {0xffffffffu, 0xffffffffu},
     {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
    {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, {0xa4093822u, 0x299f31d0u},
     {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
};

TEST(Philox, KnownAnswerVectors) {
  for (const kat& k : philox_kats) {
    const philox4x32 r = philox4x32_10(k.ctr, k.key[0], k.key[1]);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(r.v[w], k.expected.v[w]) << "word " << w;
  }
}

TEST(Philox, CounterLayoutIsLowWordFirst) {
  // The third vector through the design's layout: key (lo, hi) of the seed, counter
  // (lo(i), hi(i), lo(j), hi(j)).
  const philox4x32 r = philox_block(0x299f31d0a4093822u, 0x85a308d3243f6a88u, 0x0370734413198a2eu);
  EXPECT_EQ(r.v[0], 0xd16cfe09u);
  EXPECT_EQ(r.v[3], 0x24126ea1u);
  EXPECT_EQ(philox_stream(0x03707344u, 0x13198a2eu), 0x0370734413198a2eu);
}

TEST(Philox, McCoordinateLiterals) {
  // Words 0 and 1 of the first and third vectors: k = hi . (lo >> 11), u = k 2^-53.
  EXPECT_EQ(mc_coordinate(0, 0, 0), 3594291074837816.0 * 0x1p-53);
  EXPECT_EQ(mc_coordinate(0, 0, 0), 0.3990464708489645);
  EXPECT_EQ(mc_coordinate(0x299f31d0a4093822u, static_cast<index_t>(0x85a308d3243f6a88u),
                          static_cast<index_t>(0x0370734413198a2eu)),
            0.81806934102950557);
}

TEST(Philox, McCoordinateUsesEveryCounterWord) {
  // i and j past 2^32 reach the high words; seeds past 2^32 the second key word.
  const index_t big = index_t{1} << 40;
  std::set<double> seen;
  for (const index_t i : {index_t{0}, index_t{1}, big, big + 1})
    for (const index_t j : {index_t{0}, index_t{1}, big})
      for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 33})
        seen.insert(mc_coordinate(seed, i, j));
  EXPECT_EQ(seen.size(), 4u * 3u * 3u);
}

TEST(Philox, UnitDoubleIsOpenAndExact) {
  EXPECT_EQ(unit_double(0, 0), 0x1p-54);            // k = 0: never 0
  EXPECT_EQ(unit_double(0, 0x7ffu), 0x1p-54);        // the low 11 bits are dropped
  EXPECT_EQ(unit_double(0, 0x800u), 0x1p-53);        // k = 1
  EXPECT_EQ(unit_double(0x80000000u, 0), 0.5);
  EXPECT_EQ(unit_double(0xffffffffu, 0xffffffffu), 1.0 - 0x1p-53);  // never 1
  EXPECT_LT(unit_double(0xffffffffu, 0xffffffffu), 1.0);
  // Every value is k 2^-53 exactly: scaling back gives an integer.
  for (std::uint32_t hi : {1u, 12345u, 0xdeadbeefu})
    for (std::uint32_t lo : {0u, 0x12345678u, 0xfffff800u}) {
      const double k = unit_double(hi, lo) * 0x1p53;
      EXPECT_EQ(k, std::floor(k));
      EXPECT_EQ(static_cast<std::uint64_t>(k), (std::uint64_t{hi} << 21) | (lo >> 11));
    }
}

TEST(Philox, McCoordinatesLookUniform) {
  // Mean and variance of 2^16 draws: 1/2 and 1/12 within 5 standard errors.
  const int n = 1 << 16;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = mc_coordinate(42, i, 3);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    s += u;
    s2 += u * u;
  }
  const double mean = s / n, var = s2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
}

}  // namespace
}  // namespace coopgrid::design
