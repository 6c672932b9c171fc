// `coopgrid compare`'s options and the tolerance it checks against.
#include <limits>

#include "host/commands/compare.hpp"
#include "host/engine/option_values.hpp"
#include "tests/support/expect_usage_error.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

TEST(CompareOptions, RefusesWhatNoBackendRuns) {
  compare_options o;
  o.input = "in.toml";
  o.backend = backend_kind::cpu;
  EXPECT_NO_THROW(o.validate());
  o.bopt.devices = {0};
  test::expect_refused(o, "--devices applies to the cuda backend");
  o.bopt.devices.clear();
  o.backend = backend_kind::reference;
  EXPECT_NO_THROW(o.validate());
  o.prec = precision::f32;
  test::expect_refused(o, "the reference backend computes in long double: use --precision f64 with it (or "
                          "'coopgrid compare' to check f32 against it)");
}

TEST(CompareCommand, ValidatesBeforeReadingTheInput) {
  compare_options o;
  o.input = "/nonexistent/input.toml";
  o.backend = backend_kind::reference;
  o.prec = precision::f32;
  EXPECT_THROW(compare_command(o), usage_error);
}

TEST(Tolerance, AgreesWithinBoundsOnly) {
  const auto t = tolerance_for(precision::f64);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(t.agrees(1.0, 1.0));
  EXPECT_TRUE(t.agrees(1.0 + 5e-13, 1.0));
  EXPECT_FALSE(t.agrees(1.0 + 5e-12, 1.0));
  EXPECT_TRUE(t.agrees(-inf, -inf));
  EXPECT_FALSE(t.agrees(inf, -inf));
  EXPECT_FALSE(t.agrees(std::nan(""), std::nan("")));
  EXPECT_TRUE(tolerance_for(precision::f32).agrees(1.0f + 1e-5, 1.0));
}

// A marginal agrees with the reference's only with equal counts and min, max
// and mean within the tolerance (the mean's bound scaled by the cell's values).
TEST(CompareMarginal, CountsExactValuesWithinTolerance) {
  const auto g = test::grid_source("[countries]\ncount = { values = [0, 2] }\ndatasets = 1\nshare_prob = 0.5\n");
  auto ms = resolve_marginals(g, {parse_marginal("countries.count")}, {0, 1});
  auto& ref = ms[0];
  for (index_t c = 0; c < 2; ++c) {
    ref.at(c, 0).add(-4.0, 0);
    ref.at(c, 0).add(4.0 + 1e-9, 1);  // mean ~ 0: a bound relative to it would refuse any rounding
    ref.at(c, 1).add(3.0, 0);
  }
  const auto tol = tolerance_for(precision::f64);
  EXPECT_EQ(compare_marginal(tol, ref, ref).failures, 0);
  EXPECT_EQ(compare_marginal(tol, ref, ref).compared, 4);
  auto near = ref;
  near.at(1, 0) = metric_summary{};
  near.at(1, 0).add(-4.0 * (1 + 1e-13), 0);
  near.at(1, 0).add(4.0 + 1e-9, 1);
  EXPECT_EQ(compare_marginal(tol, near, ref).failures, 0);
  auto count = ref;
  count.at(0, 1).add(3.0, 2);
  const auto c = compare_marginal(tol, count, ref);
  EXPECT_EQ(c.failures, 1);
  EXPECT_EQ(c.first_failure, "cell 0 shared_expected");
  auto far = ref;
  far.at(1, 1) = metric_summary{};
  far.at(1, 1).add(3.0 * (1 + 1e-10), 0);
  EXPECT_EQ(compare_marginal(tol, far, ref).failures, 1);
}

}  // namespace
}  // namespace coopgrid
