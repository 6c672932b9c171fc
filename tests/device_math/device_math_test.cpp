// The tolerances of README.md against a device's math library: this build
// compiles the formula core with every transcendental result moved by the
// CUDA math library's documented maximum error (device_math_model.hpp) and,
// where the host has FMA, with contraction on as nvcc does by default. The
// CUDA backend runs on the emulated device, the CPU backend on the host; the
// reference (long double, no formula core) is untouched. Any device library
// within its documented bounds must then agree on everything in data/, on
// random batches and grids, and on long lists of near-certain items.
#include <cstdio>
#include <ostream>
#include <string>
#include <tuple>

#include "tests/support/device_math/device_math_model.hpp"
#include "host/commands/compare.hpp"
#include "host/io/load_source.hpp"
#include "kernels/formulas.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

const char* mode_name(test::device_math m) {
  switch (m) {
    case test::device_math::exact: return "exact";
    case test::device_math::up: return "up";
    case test::device_math::down: return "down";
    case test::device_math::scattered: return "scattered";
  }
  return "?";
}

}  // namespace

// gtest prints parameters with these (CTest shows them beside each name).
namespace test {
void PrintTo(device_math m, std::ostream* os) { *os << mode_name(m); }
}  // namespace test
void PrintTo(precision p, std::ostream* os) { *os << (p == precision::f32 ? "f32" : "f64"); }

namespace {

/// Restores the host's exact results after each test.
struct model_guard {
  model_guard(test::device_math mode, int extra = 0) { test::set_device_math(mode, extra); }
  ~model_guard() { test::set_device_math(test::device_math::exact); }
};

compare_report compare_with(const source& src, backend_kind backend, precision prec) {
  compare_options opt;
  opt.backend = backend;
  opt.prec = prec;
  opt.sample = 40000;  // the reference loops over a grid's items: M = 5000 costs 5000
  return compare(src, opt);
}

/// The metric that uses most of its tolerance (tol_used: under 1 agrees).
int worst_metric(const compare_report& r) {
  int worst = 0;
  for (int m = 1; m < num_metrics; ++m) {
    if (r.metrics[m].tol_used > r.metrics[worst].tol_used) worst = m;
  }
  return worst;
}

void expect_agrees(const source& src, const std::string& what, test::device_math mode, precision prec) {
  for (backend_kind backend : {backend_kind::cuda, backend_kind::cpu}) {
    const auto r = compare_with(src, backend, prec);
    const int w = worst_metric(r);
    // Figures for the notes: the largest share of its tolerance any metric uses.
    std::printf("  %-9s %s %-4s %-20s tol_used %.3f (%s)\n", mode_name(mode), prec == precision::f32 ? "f32" : "f64",
                r.backend.c_str(), what.c_str(), r.metrics[w].tol_used, metric_names[w]);
    for (int m = 0; m < num_metrics; ++m) {
      EXPECT_EQ(r.metrics[m].failures, 0) << what << " " << r.backend << " " << metric_names[m] << ": max rel "
                                          << r.metrics[m].max_rel << ", worst scenario " << r.metrics[m].worst;
    }
  }
}

class DeviceMath : public ::testing::TestWithParam<std::tuple<test::device_math, precision>> {};

TEST_P(DeviceMath, EverythingInDataAgrees) {
  const auto [mode, prec] = GetParam();
  const model_guard guard(mode);
  for (const char* input : {"cases", "varied", "grid_small.toml", "grid_edges.toml", "grid_main.toml"}) {
    expect_agrees(load_source(test::data_dir() + "/" + input), input, mode, prec);
  }
}

TEST_P(DeviceMath, RandomBatchesAndGridsAgree) {
  const auto [mode, prec] = GetParam();
  const model_guard guard(mode);
  expect_agrees(test::batch_source(test::random_specs(3000, 41)), "random batch", mode, prec);
  expect_agrees(test::grid_source(test::random_grid_toml),
                "random grid", mode, prec);
}

TEST_P(DeviceMath, NearCertainListsAgree) {
  const auto [mode, prec] = GetParam();
  const model_guard guard(mode);
  expect_agrees(test::batch_source(test::near_certain_specs(48, 5)), "near-certain lists", mode, prec);
}

INSTANTIATE_TEST_SUITE_P(
    Bounds, DeviceMath,
    ::testing::Combine(::testing::Values(test::device_math::up, test::device_math::down,
                                         test::device_math::scattered),
                       ::testing::Values(precision::f32, precision::f64)),
    [](const auto& info) {
      return std::string(mode_name(std::get<0>(info.param))) +
             (std::get<1>(info.param) == precision::f32 ? "F32" : "F64");
    });

// The model really moves results, within each function's range.
TEST(DeviceMathModel, MovesEachResultByItsBound) {
  {
    const model_guard guard(test::device_math::up);
    EXPECT_EQ(detail::cg_exp(0.5f), std::nextafter(std::nextafter(::expf(0.5f), 2.0f), 2.0f));  // 2 ulp
    EXPECT_EQ(detail::cg_log(0.5), std::nextafter(::log(0.5), 0.0));                            // 1 ulp
    EXPECT_EQ(detail::cg_exp(0.0f), 1.0f);  // exact results stay exact
    double erfc_up = ::erfc(0.5), pow_up = ::pow(0.3, 0.7);
    for (int i = 0; i < 5; ++i) erfc_up = std::nextafter(erfc_up, 2.0);
    for (int i = 0; i < 2; ++i) pow_up = std::nextafter(pow_up, 2.0);
    EXPECT_EQ(detail::cg_erfc(0.5), erfc_up);      // 5 ulp (the inverse CDFs' normal masses)
    EXPECT_EQ(detail::cg_pow(0.3, 0.7), pow_up);   // 2 ulp (loguniform)
    EXPECT_EQ(detail::cg_pow(0.3, 0.0), 1.0);
  }
  {
    const model_guard guard(test::device_math::down);
    EXPECT_EQ(detail::cg_expm1(-200.0), -1.0);  // never below the function's range
    EXPECT_LT(detail::cg_log1p(0.25f), ::log1pf(0.25f));
    EXPECT_LT(detail::cg_erfc(5.0), ::erfc(5.0));
    EXPECT_EQ(detail::cg_erfc(27.2), 0.0);  // 2 denormal ulps down: never below the function's range
  }
  EXPECT_EQ(detail::cg_exp(0.5f), ::expf(0.5f));
}

// The checks above have teeth: errors 40 ulps past the bounds are caught.
TEST(DeviceMathModel, ErrorsBeyondTheBoundsDisagree) {
  const model_guard guard(test::device_math::up, 40);
  const auto src = test::batch_source(test::near_certain_specs(48, 5));
  for (precision prec : {precision::f32, precision::f64}) {
    EXPECT_FALSE(compare_with(src, backend_kind::cpu, prec).agree()) << (prec == precision::f32 ? "f32" : "f64");
  }
}

}  // namespace
}  // namespace coopgrid
