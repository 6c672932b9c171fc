// The formula core against MODEL.md: every golden value of section 3, every
// edge case of section 2, and the document's errata, in both precisions.
#include "kernels/batch_view.hpp"
#include "kernels/formulas.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::make_batch;
using test::scenario_spec;

template <class T>
metric_row<T> core_eval(const scenario_spec& s) {
  const auto b = make_batch({s});
  const auto cols = convert_columns<T>(b.columns);
  return evaluate_scenario(cols.view(), 0);
}

template <class T>
double tol() {
  return std::is_same_v<T, float> ? 2e-6 : 4e-16;
}

template <class T>
class FormulaCore : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FormulaCore, Precisions);

#define EXPECT_REL(actual, expected, rel)                                      \
  EXPECT_NEAR(static_cast<double>(actual), (expected), (rel) * std::fabs(expected))

// The five worked cases of the source document, corrected (MODEL.md section 3).
scenario_spec document_cases() {
  scenario_spec s;
  s.id = "document";
  s.countries = {{6000, 0.8}, {4000, 0.8}};
  s.standards = {0.1, 0.1, 0.1};
  s.activities = 10;
  s.g = 5;
  s.resources = {0.5, 0.5, 0.5, 0.5, 0.5};
  s.ethics = {0.2, 0.2};
  return s;
}

TYPED_TEST(FormulaCore, GoldenValues) {
  using T = TypeParam;
  const auto r = core_eval<T>(document_cases());
  const double e = tol<T>();
  EXPECT_REL(r[metric::datasets_total], 10000.0, e);
  EXPECT_REL(r[metric::shared_expected], 8000.0, e);
  EXPECT_REL(r[metric::shared_variance], 1600.0, e);
  EXPECT_EQ(r[metric::shared_quota], T(8000));
  EXPECT_REL(r[metric::standards_difficulty], 0.3, e);
  EXPECT_REL(r[metric::standards_p_any], 0.11453250670444388, e);
  EXPECT_REL(r[metric::standards_p_all], 6.2738772972990977e-5, 4 * e);
  EXPECT_REL(r[metric::standards_expected], 0.11920649762334581, e);
  EXPECT_EQ(r[metric::standards_constrained], T(3));
  EXPECT_REL(r[metric::exchange_effect_log10], 5.0, e);
  EXPECT_REL(r[metric::exchange_total_log10], 15.0, e);
  EXPECT_REL(r[metric::resources_shared], 2.5, e);
  EXPECT_REL(r[metric::ethics_difficulty], 0.4, e);
  EXPECT_REL(r[metric::ethics_q_any], 0.24214171674480096, e);
  EXPECT_REL(r[metric::ethics_q_all], 0.016757156662950763, 4 * e);
}

TYPED_TEST(FormulaCore, PerItemProbabilities) {
  using T = TypeParam;
  // P_m for M = 3, C = 0.1 and Q_l for L = 2, d = 0.2 (MODEL.md section 3).
  EXPECT_REL(agreement_prob(make_consensus_base<T>(3), T(0.1)), 0.039735499207781937, tol<T>());
  EXPECT_REL(agreement_prob(make_consensus_base<T>(2), T(0.2)), 0.12944943670387586, tol<T>());
}

TYPED_TEST(FormulaCore, Errata) {
  using T = TypeParam;
  const auto r = core_eval<T>(document_cases());
  // 1: E[S] = D * sum p double counts (10000 * 1.6 = 16000); the model gives 8000.
  EXPECT_NE(static_cast<double>(r[metric::shared_expected]), 16000.0);
  // 2: P ~ 0.9 for M = 3, C = 0.1 is wrong, and so is 1 - 0.9^0.1 = 0.0105.
  EXPECT_LT(static_cast<double>(r[metric::standards_p_any]), 0.2);
  EXPECT_GT(std::fabs(static_cast<double>(r[metric::standards_p_any]) - 0.0105), 0.1);
  // 3: E_total for T = 10, G = 5 is 10^15, not 10^5.
  EXPECT_NE(static_cast<double>(r[metric::exchange_total_log10]), 5.0);
  // 4: Q ~ 0.9 for L = 2, d = 0.2 is wrong, and so is 1 - 0.8^0.2 = 0.0436.
  EXPECT_LT(static_cast<double>(r[metric::ethics_q_any]), 0.3);
  EXPECT_GT(std::fabs(static_cast<double>(r[metric::ethics_q_any]) - 0.0436), 0.1);
  // 5: the intended subset of code 5.2 holds floor(5 * 0.8) = 4 of 5 items.
  EXPECT_EQ(shared_item_count(5, 0.8), 4);
  EXPECT_EQ(shared_item_count(5, 0.0), 0);
  EXPECT_EQ(shared_item_count(5, 1.0), 5);
}

TYPED_TEST(FormulaCore, EmptyBlocks) {
  using T = TypeParam;
  scenario_spec s;  // N = M = K = L = 0, T = 0, G = 0
  const auto r = core_eval<T>(s);
  for (auto m : {metric::datasets_total, metric::shared_expected, metric::shared_variance,
                 metric::shared_quota, metric::standards_difficulty, metric::standards_p_any,
                 metric::standards_expected,
                 metric::standards_constrained, metric::exchange_effect_log10,
                 metric::exchange_total_log10, metric::resources_shared, metric::ethics_difficulty,
                 metric::ethics_q_any}) {
    EXPECT_EQ(r[m], T(0)) << metric_names[static_cast<int>(m)];
  }
  EXPECT_EQ(r[metric::standards_p_all], T(1));  // empty product
  EXPECT_EQ(r[metric::ethics_q_all], T(1));
}

TYPED_TEST(FormulaCore, SingleItemIsZeroToThePowerX) {
  using T = TypeParam;
  scenario_spec s;
  s.standards = {0.0};  // M = 1, C = 0: 0^0 = 1, so P_m = 0
  s.ethics = {2.5};     // L = 1, d > 0: 0^d = 0, so Q_l = 1
  auto r = core_eval<T>(s);
  EXPECT_EQ(r[metric::standards_p_any], T(0));
  EXPECT_EQ(r[metric::standards_p_all], T(0));
  EXPECT_EQ(r[metric::standards_expected], T(0));
  EXPECT_EQ(r[metric::standards_constrained], T(1));
  EXPECT_EQ(r[metric::ethics_q_any], T(1));
  EXPECT_EQ(r[metric::ethics_q_all], T(1));
  EXPECT_FALSE(std::isnan(static_cast<double>(r[metric::standards_p_any])));
}

TYPED_TEST(FormulaCore, NaiveSweepOverMIsNeverNaN) {
  using T = TypeParam;
  // The GPU NaN of MODEL.md: x * log1p(-1) at M = 1, x = 0. Sweep M = 1..1000.
  for (index_t m = 1; m <= 1000; ++m) {
    for (T x : {T(0), T(1e-12), T(0.5), T(1), T(100)}) {
      const T p = agreement_prob(make_consensus_base<T>(m), x);
      ASSERT_FALSE(std::isnan(static_cast<double>(p))) << "M=" << m << " x=" << x;
      ASSERT_GE(p, T(0));
      ASSERT_LE(p, T(1));
    }
  }
}

TYPED_TEST(FormulaCore, SmallDifficultyKeepsItsDigits) {
  using T = TypeParam;
  // 1 - (1 - 1/M)^x for x = 1e-9, M = 1e6: the pow form returns 0 or noise.
  const double exact = -std::expm1(1e-9 * std::log1p(-1e-6));
  EXPECT_REL(agreement_prob(make_consensus_base<T>(1000000), T(1e-9)), exact, 10 * tol<T>());
}

TYPED_TEST(FormulaCore, ExchangeEdgeCases) {
  using T = TypeParam;
  auto x = exchange_logs(log10_activities(T(0)), 0);  // G = 0: 0^0 = 1, log 0
  EXPECT_EQ(x.effect_log10, T(0));
  EXPECT_EQ(x.total_log10, T(0));
  x = exchange_logs(log10_activities(T(123)), 0);
  EXPECT_EQ(x.effect_log10, T(0));
  x = exchange_logs(log10_activities(T(0)), 3);  // T = 0, G > 0: -inf
  EXPECT_TRUE(std::isinf(static_cast<double>(x.effect_log10)) && x.effect_log10 < 0);
  EXPECT_TRUE(std::isinf(static_cast<double>(x.total_log10)) && x.total_log10 < 0);
  x = exchange_logs(log10_activities(T(10)), 200);  // E_total = 10^20100, no overflow as a log
  EXPECT_REL(x.total_log10, 20100.0, tol<T>());
}

// shared_quota floors each D_i p_i formed in double (MODEL.md section 2), in
// both precisions: the code 5.2 case, the edge cases and N = 0.
TYPED_TEST(FormulaCore, SharedQuotaFloorsEachProductInDouble) {
  using T = TypeParam;
  auto quota = [](std::vector<std::pair<double, double>> countries) {
    scenario_spec s;
    s.countries = std::move(countries);
    return core_eval<T>(s)[metric::shared_quota];
  };
  EXPECT_EQ(quota({{5, 0.8}}), T(4));   // code 5.2: data = [1, 2, 3, 4, 5], p = 0.8
  EXPECT_EQ(quota({{10, 0.3}}), T(3));  // the double product rounds to 3.0
  // 56.99999999999999 in double; in f32, 100 * 0.57f rounds to 57 in float
  // but is 56.9999993 in double: a float product would give 57.
  EXPECT_EQ(quota({{100, 0.57}}), T(56));
  EXPECT_EQ(quota({}), T(0));  // N = 0
  EXPECT_EQ(quota({{6000, 0.8}, {4000, 0.8}}), T(8000));
  EXPECT_EQ(quota({{5, 0.8}, {10, 0.3}, {100, 0.57}, {0, 1}, {7, 0}, {0.5, 1}}), T(63));
  // Each product is floored before the sum: 3 x floor(1.5) = 3, not floor(4.5) = 4.
  EXPECT_EQ(quota({{3, 0.5}, {3, 0.5}, {3, 0.5}}), T(3));
}

// The quota is a double sum of integers: exact for long lists, and the same
// bits for any split of the list into merged parts.
TYPED_TEST(FormulaCore, SharedQuotaIsExactAndMergesExactly) {
  using T = TypeParam;
  countries_acc<T> whole, a, b;
  for (int i = 0; i < 100000; ++i) {
    whole.add(T(7), T(0.5));  // floor(3.5) = 3
    (i % 3 == 0 ? a : b).add(T(7), T(0.5));
  }
  a.merge(b);
  EXPECT_EQ(finish_countries(whole).quota, T(300000));
  EXPECT_EQ(finish_countries(a).quota, finish_countries(whole).quota);
}

TYPED_TEST(FormulaCore, LongListsDoNotUnderflowOrDrift) {
  using T = TypeParam;
  scenario_spec s;
  for (int i = 0; i < 100000; ++i) s.countries.emplace_back(0.1, 0.3);
  for (int i = 0; i < 20; ++i) s.standards.push_back(0.01);
  const auto r = core_eval<T>(s);
  // A naive float sum of 1e5 copies of 0.1 is off by ~1e-4 relative; compensated, ~1e-7.
  EXPECT_REL(r[metric::datasets_total], 10000.0, 4 * tol<T>());
  EXPECT_REL(r[metric::shared_expected], 3000.0, 4 * tol<T>());
  const long double pm = -std::expm1(0.01L * std::log1p(-1.0L / 20));
  const double expected_log = 20.0 * std::log(static_cast<double>(pm));
  if (expected_log > std::log(static_cast<double>(std::numeric_limits<T>::min()))) {
    EXPECT_REL(std::log(static_cast<double>(r[metric::standards_p_all])), expected_log, 1e-5);
  } else {
    EXPECT_GE(r[metric::standards_p_all], T(0));  // underflows to 0 or a subnormal, never NaN
    EXPECT_FALSE(std::isnan(static_cast<double>(r[metric::standards_p_all])));
  }
}

TYPED_TEST(FormulaCore, UniformBlockMatchesTheLoop) {
  using T = TypeParam;
  for (index_t m : {0, 1, 2, 3, 17, 200}) {
    for (double x : {0.0, 0.1, 1.0, 3.5}) {
      scenario_spec s;
      s.standards.assign(static_cast<std::size_t>(m), x);
      const auto loop = core_eval<T>(s);
      const auto u = uniform_consensus(make_consensus_base<T>(m), T(x));
      const double e = 64 * tol<T>() * (1 + static_cast<double>(m));
      EXPECT_REL(u.difficulty, static_cast<double>(loop[metric::standards_difficulty]), e);
      EXPECT_REL(u.p_any, static_cast<double>(loop[metric::standards_p_any]), e);
      EXPECT_REL(u.p_all, static_cast<double>(loop[metric::standards_p_all]), e);
      EXPECT_REL(u.expected, static_cast<double>(loop[metric::standards_expected]), e);
      EXPECT_EQ(u.constrained, loop[metric::standards_constrained]);
    }
  }
}

TEST(CompensatedSum, MergeIsExactForSplitsAndInfinityStays) {
  compensated_sum<float> whole, a, b;
  for (int i = 0; i < 1000; ++i) {
    whole.add(0.1f);
    (i < 500 ? a : b).add(0.1f);
  }
  a.merge(b);
  EXPECT_NEAR(a.value(), 100.0, 1e-4);
  EXPECT_NEAR(whole.value(), 100.0, 1e-4);
  compensated_sum<float> big;
  big.add(3e38f);
  big.add(3e38f);
  EXPECT_TRUE(std::isinf(big.value()));
}

// Float lists sum in double: a float Neumaier sum of 10^6 equal items drifts
// (its compensation is a float sum whose roundings all have one sign).
TEST(ItemSum, MillionEqualFloatsStayWithinFloatRounding) {
  item_sum<float> whole, a, b;
  const float x = 7279160.5f;
  for (int i = 0; i < 1000000; ++i) {
    whole.add(x);
    (i < 300000 ? a : b).add(x);
  }
  a.merge(b);
  const double exact = static_cast<double>(x) * 1e6;
  EXPECT_LE(std::fabs(whole.value() - exact), 0.5 * std::fabs(std::nextafter(whole.value(), INFINITY) - whole.value()));
  EXPECT_EQ(a.value(), whole.value());
  item_sum<float> big;
  big.add(3e38f);
  big.add(3e38f);
  EXPECT_TRUE(std::isinf(big.value()));
}

}  // namespace
}  // namespace coopgrid
