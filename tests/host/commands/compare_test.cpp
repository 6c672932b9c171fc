// `coopgrid compare`'s options and the tolerance it checks against.
#include <limits>

#include "host/commands/compare.hpp"
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

}  // namespace
}  // namespace coopgrid
