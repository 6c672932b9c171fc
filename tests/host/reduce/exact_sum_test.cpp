// The exact accumulator: exactness, order independence, rounding, round trip.
#include "host/reduce/exact_sum.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

TEST(ExactSum, CancellationThatDefeatsEveryFloatingSum) {
  exact_sum s;
  for (double x : {1e100, 1.0, -1e100, 1e-300, 3.0, -1e-300}) s.add(x);
  EXPECT_EQ(s.value(), 4.0);
  exact_sum t;
  t.add(0.1);
  t.add(0.2);
  // The exact sum of the doubles 0.1 and 0.2, rounded once: 0.30000000000000004.
  EXPECT_EQ(t.value(), 0.30000000000000004);
}

TEST(ExactSum, AnyGroupingGivesTheSameBits) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> v(20000);
  for (auto& x : v) x = u(rng) * std::pow(10.0, std::uniform_int_distribution<int>(-300, 300)(rng));
  exact_sum whole;
  for (double x : v) whole.add(x);
  for (std::size_t parts : {2u, 3u, 7u, 64u}) {
    std::vector<exact_sum> p(parts);
    for (std::size_t i = 0; i < v.size(); ++i) p[(i * 7919) % parts].add(v[i]);
    exact_sum merged;
    for (std::size_t i = parts; i-- > 0;) merged.merge(p[i]);
    EXPECT_TRUE(merged == whole);
    EXPECT_EQ(merged.value(), whole.value());
  }
  std::shuffle(v.begin(), v.end(), rng);
  exact_sum shuffled;
  for (double x : v) shuffled.add(x);
  EXPECT_TRUE(shuffled == whole);
}

TEST(ExactSum, RoundsToNearestEvenAndHandlesExtremes) {
  exact_sum s;
  s.add(1.0);
  s.add(std::ldexp(1.0, -53));  // exactly half an ulp above 1: ties to even (1.0)
  EXPECT_EQ(s.value(), 1.0);
  s.add(std::ldexp(1.0, -105));  // now just above the tie: rounds up
  EXPECT_EQ(s.value(), std::nextafter(1.0, 2.0));
  exact_sum tiny;
  tiny.add(std::numeric_limits<double>::denorm_min());
  tiny.add(std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(tiny.value(), 2 * std::numeric_limits<double>::denorm_min());
  exact_sum big;
  big.add(std::numeric_limits<double>::max());
  big.add(std::numeric_limits<double>::max());
  EXPECT_TRUE(std::isinf(big.value()));
  big.add(-std::numeric_limits<double>::max());
  EXPECT_EQ(big.value(), std::numeric_limits<double>::max());
  exact_sum neg;
  neg.add(-2.5);
  neg.add(1.0);
  EXPECT_EQ(neg.value(), -1.5);
  EXPECT_EQ(exact_sum().value(), 0.0);
}

TEST(ExactSum, HexRoundTrip) {
  for (double x : {0.0, 1.5, -1.5, 1e300, -1e-300}) {
    exact_sum s, t;
    s.add(x);
    s.add(x / 3);
    ASSERT_TRUE(t.from_hex(s.to_hex())) << s.to_hex();
    EXPECT_TRUE(s == t) << x;
  }
  exact_sum bad;
  EXPECT_FALSE(bad.from_hex("xyz"));
  EXPECT_FALSE(bad.from_hex(""));
}

}  // namespace
}  // namespace coopgrid
