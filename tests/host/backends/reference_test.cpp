// The reference backend against MODEL.md's golden values and edge cases. It
// shares no formula code with kernels/, so agreement here is independent.
#include "host/backends/reference.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

double at(const reference::row& r, metric m) { return r[static_cast<int>(m)]; }

TEST(Reference, GoldenValues) {
  reference::scenario s;
  s.datasets = {6000, 4000};
  s.country_share_prob = {0.8, 0.8};
  s.standard_difficulty = {0.1, 0.1, 0.1};
  s.activities = 10;
  s.countries_per_activity = 5;
  s.resource_share_prob = {0.5, 0.5, 0.5, 0.5, 0.5};
  s.ethics_difficulty = {0.2, 0.2};
  const auto r = reference::evaluate(s);
  const double e = 4e-16;
  EXPECT_NEAR(at(r, metric::datasets_total), 10000, 10000 * e);
  EXPECT_NEAR(at(r, metric::shared_expected), 8000, 8000 * e);
  EXPECT_NEAR(at(r, metric::shared_variance), 1600, 1600 * e);
  EXPECT_EQ(at(r, metric::shared_quota), 8000);
  EXPECT_NEAR(at(r, metric::standards_difficulty), 0.3, 0.3 * e);
  EXPECT_NEAR(at(r, metric::standards_p_any), 0.11453250670444388, 0.12 * e);
  EXPECT_NEAR(at(r, metric::standards_p_all), 6.2738772972990977e-5, 6.3e-5 * e);
  EXPECT_NEAR(at(r, metric::standards_expected), 0.11920649762334581, 0.12 * e);
  EXPECT_EQ(at(r, metric::standards_constrained), 3);
  EXPECT_EQ(at(r, metric::exchange_effect_log10), 5);
  EXPECT_EQ(at(r, metric::exchange_total_log10), 15);
  EXPECT_EQ(at(r, metric::resources_shared), 2.5);
  EXPECT_NEAR(at(r, metric::ethics_difficulty), 0.4, 0.4 * e);
  EXPECT_NEAR(at(r, metric::ethics_q_any), 0.24214171674480096, 0.25 * e);
  EXPECT_NEAR(at(r, metric::ethics_q_all), 0.016757156662950763, 0.017 * e);
}

TEST(Reference, EdgeCases) {
  reference::scenario empty;
  auto r = reference::evaluate(empty);
  EXPECT_EQ(at(r, metric::standards_p_all), 1);
  EXPECT_EQ(at(r, metric::ethics_q_all), 1);
  EXPECT_EQ(at(r, metric::standards_p_any), 0);
  EXPECT_EQ(at(r, metric::exchange_total_log10), 0);
  EXPECT_EQ(at(r, metric::shared_quota), 0);  // N = 0

  reference::scenario one;
  one.standard_difficulty = {0.0};
  one.ethics_difficulty = {0.7};
  one.countries_per_activity = 4;  // T = 0, G > 0
  r = reference::evaluate(one);
  EXPECT_EQ(at(r, metric::standards_p_any), 0);
  EXPECT_EQ(at(r, metric::ethics_q_any), 1);
  EXPECT_EQ(at(r, metric::ethics_q_all), 1);
  EXPECT_TRUE(std::isinf(at(r, metric::exchange_effect_log10)) && at(r, metric::exchange_effect_log10) < 0);
  EXPECT_TRUE(std::isinf(at(r, metric::exchange_total_log10)) && at(r, metric::exchange_total_log10) < 0);
}

// shared_quota floors each product formed in double (MODEL.md section 2), on
// the inputs as given (f64) and rounded to float (what f32 runs compare with).
TEST(Reference, SharedQuota) {
  for (bool as_float : {false, true}) {
    auto quota = [&](std::vector<double> d, std::vector<double> p) {
      reference::scenario s;
      auto round = [&](double x) { return as_float ? static_cast<double>(static_cast<float>(x)) : x; };
      for (double& x : d) s.datasets.push_back(round(x));
      for (double& x : p) s.country_share_prob.push_back(round(x));
      return at(reference::evaluate(s), metric::shared_quota);
    };
    EXPECT_EQ(quota({5}, {0.8}), 4) << as_float;  // code 5.2
    EXPECT_EQ(quota({10}, {0.3}), 3) << as_float;
    EXPECT_EQ(quota({100}, {0.57}), 56) << as_float;  // not 57: floor(56.99999999999999)
    EXPECT_EQ(quota({6000, 4000}, {0.8, 0.8}), 8000) << as_float;
    EXPECT_EQ(quota({3, 3, 3}, {0.5, 0.5, 0.5}), 3) << as_float;  // floored per country, then summed
    EXPECT_EQ(quota({}, {}), 0) << as_float;
  }
}

}  // namespace
}  // namespace coopgrid
