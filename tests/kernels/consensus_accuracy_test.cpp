// The consensus block on long lists against 113-bit arithmetic (libquadmath):
// P_all = prod P_m as factor_product forms it (one transcendental call a
// item), the expected count and P_any, for 10^6 items with P near 1, near 0
// and mixed, to the hidden cases' 1e-12 relative in f64.
#include <quadmath.h>

#include <random>
#include <vector>

#include "kernels/formulas.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

struct quad_block {
  __float128 p_all, expected;
};

/// P_m = 1 - (1 - 1/M)^x in quad precision, summed and multiplied (as a sum of logs).
quad_block quad_consensus(const std::vector<double>& x) {
  const __float128 m = static_cast<__float128>(x.size());
  const __float128 log_q = log1pq(-1 / m);
  __float128 log_all = 0, expected = 0;
  for (double xi : x) {
    const __float128 e = expq(static_cast<__float128>(xi) * log_q);  // 1 - P, to 2^-113 relative
    expected += 1 - e;
    log_all += log1pq(-e);
  }
  return {expq(log_all), expected};
}

/// n items of difficulty x, in closed form.
quad_block quad_uniform(double x, std::size_t n) {
  const __float128 m = static_cast<__float128>(n);
  const __float128 e = expq(static_cast<__float128>(x) * log1pq(-1 / m));
  return {expq(m * log1pq(-e)), m * (1 - e)};
}

template <class T>
consensus_acc<T> accumulate(const std::vector<double>& x, std::size_t lo, std::size_t hi) {
  const auto base = make_consensus_base<T>(static_cast<index_t>(x.size()));
  consensus_acc<T> a;
  for (std::size_t i = lo; i < hi; ++i) a.add(base, static_cast<T>(x[i]));
  return a;
}

double relative(double got, __float128 want) {
  return static_cast<double>(fabsq((static_cast<__float128>(got) - want) / want));
}

/// 10^6 difficulties: x = M (lo + (hi - lo) u), so e = (1 - 1/M)^x is about exp(-lo..-hi).
std::vector<double> difficulties(std::size_t n, double lo, double hi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> x(n);
  for (auto& v : x) v = static_cast<double>(n) * u(rng);
  return x;
}

constexpr std::size_t million = 1000000;

TEST(ConsensusAccuracy, MillionItemsNearCertaintyAgreeTo1e12) {
  // e ~ 1e-6 each: P_all = prod (1 - e) ~ exp(-1), every factor within 2e-6 of 1.
  const auto x = difficulties(million, 13.0, 14.6, 1);
  const auto want = quad_consensus(x);
  const auto b = make_consensus_base<double>(static_cast<index_t>(x.size()));
  const auto r = finish_consensus(accumulate<double>(x, 0, x.size()), b);
  EXPECT_LT(relative(r.p_all, want.p_all), 1e-12) << r.p_all;
  EXPECT_LT(relative(r.expected, want.expected), 1e-12);
  // 10^6 equal factors: the roundings of 1 - e would all have one sign.
  const std::vector<double> same(million, 1.38e7);
  const auto same_want = quad_uniform(same[0], same.size());
  const auto s = finish_consensus(accumulate<double>(same, 0, same.size()), b);
  EXPECT_LT(relative(s.p_all, same_want.p_all), 1e-12) << s.p_all;
  // What this guards against: the plain product of the rounded factors 1 - e is off by 10^6
  // half-ulps of 1, all of one sign.
  const double e = ::exp(1.38e7 * consensus_log_q(static_cast<index_t>(million)));
  double naive = 1;
  for (std::size_t i = 0; i < million; ++i) naive *= 1 - e;
  EXPECT_GT(relative(naive, same_want.p_all), 1e-11);
}

TEST(ConsensusAccuracy, MixedListsKeepTheirSmallProduct) {
  // 300 items with P in (0.01, 0.5), the rest near certainty: P_all ~ 1e-300, far below one
  // double's range of logs, never underflowing on the way.
  auto x = difficulties(million, 13.0, 14.6, 2);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.01, 0.69);
  for (std::size_t i = 0; i < 300; ++i) x[i * 3331] = static_cast<double>(million) * u(rng);
  const auto want = quad_consensus(x);
  ASSERT_GT(want.p_all, static_cast<__float128>(1e-307));
  const auto b = make_consensus_base<double>(static_cast<index_t>(x.size()));
  const auto r = finish_consensus(accumulate<double>(x, 0, x.size()), b);
  EXPECT_LT(relative(r.p_all, want.p_all), 1e-12) << r.p_all;
  EXPECT_LT(relative(r.expected, want.expected), 1e-12);
}

TEST(ConsensusAccuracy, MillionItemsNearZeroUnderflowToZeroNotNaN) {
  // P ~ 1e-9 each: the expected count keeps its digits; P_all (~1e-9000000) is 0.
  const auto x = difficulties(million, 1e-9, 2e-9, 4);
  const auto want = quad_consensus(x);
  const auto b = make_consensus_base<double>(static_cast<index_t>(x.size()));
  const auto r = finish_consensus(accumulate<double>(x, 0, x.size()), b);
  EXPECT_LT(relative(r.expected, want.expected), 1e-12);
  EXPECT_EQ(r.p_all, 0.0);
  // A short list whose product lands among the subnormals keeps its leading digits there.
  const std::vector<double> few(41, 2e-8 * 41);  // P ~ 2e-8 each: P_all ~ 3.5e-316
  const auto few_want = quad_consensus(few);
  ASSERT_LT(few_want.p_all, static_cast<__float128>(2.2e-308));
  const auto f = finish_consensus(accumulate<double>(few, 0, few.size()), make_consensus_base<double>(41));
  EXPECT_NEAR(f.p_all, static_cast<double>(few_want.p_all), 4.95e-324);  // one subnormal rounding
}

TEST(ConsensusAccuracy, SplitsMergeToTheSameDigits) {
  auto x = difficulties(100000, 0.5, 14.0, 5);
  const auto b = make_consensus_base<double>(static_cast<index_t>(x.size()));
  const auto whole = finish_consensus(accumulate<double>(x, 0, x.size()), b);
  for (std::size_t parts : {2, 3, 7, 64}) {
    consensus_acc<double> a;
    for (std::size_t k = 0; k < parts; ++k) {
      a.merge(accumulate<double>(x, k * x.size() / parts, (k + 1) * x.size() / parts));
    }
    const auto r = finish_consensus(a, b);
    EXPECT_NEAR(r.p_all, whole.p_all, 4e-16 * whole.p_all) << parts;
    EXPECT_NEAR(r.expected, whole.expected, 4e-16 * whole.expected) << parts;
  }
}

TEST(ConsensusAccuracy, FloatListsStayWithinFloatRounding) {
  const auto x = difficulties(million, 13.0, 14.6, 6);
  std::vector<double> xf(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) xf[i] = static_cast<double>(static_cast<float>(x[i]));
  const auto want = quad_consensus(xf);
  const auto r = finish_consensus(accumulate<float>(xf, 0, xf.size()),
                                  make_consensus_base<float>(static_cast<index_t>(xf.size())));
  EXPECT_LT(relative(r.p_all, want.p_all), 2e-6) << r.p_all;
  EXPECT_LT(relative(r.expected, want.expected), 2e-6);
}

}  // namespace
}  // namespace coopgrid
