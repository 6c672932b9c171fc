// Designs as scenario sources (host/source/design.hpp): every design kind on
// the cpu backend against the reference in both precisions, the output
// columns, the options' usage errors and the merge-state line.
#include <gtest/gtest.h>

#include "host/backends/cpu_backend.hpp"
#include "host/backends/reference.hpp"
#include "host/engine/option_values.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "host/io/source_text.hpp"
#include "host/reduce/fingerprint.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using design::design_kind;

problem_parameter param(int field, design::distribution d, std::vector<double> choices = {}) {
  problem_parameter p;
  p.field = field;
  p.dist = d;
  p.choices = std::move(choices);
  p.group = grid_field_names[field];
  return p;
}

/// Every distribution kind, on fields whose domain it fits; the rest fixed.
problem every_distribution() {
  problem p;
  p.source = "test.toml";
  p.ints[countries_count] = 12;
  p.ints[resources_count] = 4;
  p.reals[ethics_difficulty] = 0.5;
  p.ints[ethics_count] = 3;
  p.parameters = {
      param(countries_datasets, design::make_loguniform(10, 1e4)),
      param(countries_share_prob, design::make_uniform(0.2, 0.9)),
      param(standards_count, design::make_integers(0, 40)),
      param(standards_difficulty, design::make_triangular(0, 1, 5)),
      param(exchange_activities, design::make_lognormal(2, 0.5)),
      param(exchange_countries_per_activity, design::make_choice(3), {0, 2, 7}),
      param(resources_share_prob, design::make_truncnormal(0.5, 0.2, 0, 1)),
  };
  return p;
}

source design_of(design_kind kind, index_t n, design_options o = {}) {
  o.kind = kind;
  o.n = n;
  return source("test.toml", design_source(every_distribution(), o));
}

template <class T>
class DesignVsReference : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(DesignVsReference, Precisions);

TYPED_TEST(DesignVsReference, EveryDesignKind) {
  using T = TypeParam;
  design_options scrambled;
  scrambled.scramble = true;
  scrambled.seed = 7;
  design_options second;
  second.second_order = true;
  design_options mc_base;
  mc_base.mc_base = true;
  mc_base.seed = 3;
  design_options levels6;
  levels6.levels = 6;
  const std::vector<std::pair<std::string, source>> cases = {
      {"mc", design_of(design_kind::mc, 500)},
      {"lhs", design_of(design_kind::lhs, 333)},
      {"sobol", design_of(design_kind::sobol, 512)},
      {"sobol scrambled", design_of(design_kind::sobol, 256, scrambled)},
      {"saltelli", design_of(design_kind::saltelli, 64)},
      {"saltelli second order", design_of(design_kind::saltelli, 32, second)},
      {"saltelli mc base", design_of(design_kind::saltelli, 32, mc_base)},
      {"morris", design_of(design_kind::morris, 40, levels6)},
  };
  for (const auto& [name, src] : cases) {
    auto be = make_cpu_backend<T>(src, {2, 0, 0, {}});
    const index_t n = src.num_scenarios();
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
    be->evaluate(0, n, rows.data());
    test::expect_rows_match_reference(src, 0, rows.data(), n, name);
  }
}

TEST(DesignSource, SizesFollowTheDesign) {
  const int d = every_distribution().num_parameters();
  EXPECT_EQ(design_of(design_kind::mc, 10).num_scenarios(), 10);
  EXPECT_EQ(design_of(design_kind::saltelli, 10).num_scenarios(), 10 * (d + 2));
  design_options second;
  second.second_order = true;
  EXPECT_EQ(design_of(design_kind::saltelli, 10, second).num_scenarios(), 10 * (2 * d + 2));
  EXPECT_EQ(design_of(design_kind::morris, 10).num_scenarios(), 10 * (d + 1));
  EXPECT_STREQ(design_of(design_kind::mc, 1).kind(), "design");
}

TEST(DesignSource, OutputsNameTheParameters) {
  const source src = design_of(design_kind::sobol, 8);
  const auto cols = input_column_names(src);
  ASSERT_EQ(cols.size(), 7u);
  EXPECT_EQ(cols[0], "countries.datasets");
  EXPECT_EQ(cols[5], "exchange.countries_per_activity");
  // Sobol' point 1 is (0.5, ..., 0.5): the medians (integers 0..40 -> 20, choice of 3 -> the middle one).
  const auto in = scenario_inputs(src, 1);
  ASSERT_EQ(in.size(), 7u);
  EXPECT_DOUBLE_EQ(in[0].second, 10.0 * std::pow(1e3, 0.5));
  EXPECT_DOUBLE_EQ(in[1].second, 0.55);
  EXPECT_EQ(in[2].second, 20.0);
  EXPECT_EQ(in[5].second, 2.0);
  fmt::memory_buffer row;
  append_scenario_fields(row, src, 1);
  EXPECT_EQ(std::string(row.data(), row.size()).substr(0, 2), "1,");
  const std::string json = scenario_json_members(src, 1);
  EXPECT_NE(json.find("\"index\": 1, \"parameters\": {\"countries.datasets\": "), std::string::npos) << json;
  EXPECT_EQ(scenario_label(src, 1), "#1");
  EXPECT_NE(describe_source(src).find("design sobol over test.toml: n = 8 samples"), std::string::npos);
}

TEST(DesignSource, FingerprintCoversTheDesign) {
  design_options seeded;
  seeded.seed = 1;
  const auto a = input_fingerprint(design_of(design_kind::mc, 100));
  EXPECT_EQ(a, input_fingerprint(design_of(design_kind::mc, 100)));
  EXPECT_NE(a, input_fingerprint(design_of(design_kind::mc, 101)));
  EXPECT_NE(a, input_fingerprint(design_of(design_kind::mc, 100, seeded)));
  EXPECT_NE(a, input_fingerprint(design_of(design_kind::lhs, 100)));
}

TEST(DesignSource, OptionsTextRoundTrips) {
  design_options o;
  o.kind = design_kind::saltelli;
  o.n = 1234;
  o.seed = 18446744073709551615ull;
  o.second_order = true;
  o.mc_base = true;
  const auto back = parse_design_options_text(design_options_text(o), "state");
  EXPECT_EQ(design_options_text(back), design_options_text(o));
  EXPECT_EQ(back.seed, o.seed);
  EXPECT_THROW(parse_design_options_text("sobol n x", "state"), input_error);
  EXPECT_THROW(parse_design_options_text("cubes n 1 seed 0 scramble 0 second_order 0 mc_base 0 levels 4", "s"),
               input_error);
}

void expect_usage(const design_args& a, const std::string& message) {
  try {
    (void)a.source();
    ADD_FAILURE() << "no usage_error, expected: " << message;
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

TEST(DesignArgs, RefusedCombinations) {
  design_args a;
  a.n = 10;
  expect_usage(a, "shape a --design");
  a = {};
  a.design = "sobol";
  expect_usage(a, "--design sobol needs --n N");
  a.n = 8;
  a.levels = 6;
  expect_usage(a, "--levels applies to --design morris, not sobol");
  a.levels = 0;
  a.base = "mc";
  expect_usage(a, "--base applies to --design saltelli, not sobol");
  a = {};
  a.design = "cubes";
  a.n = 1;
  expect_usage(a, "unknown design 'cubes'");
  // Checked against the problem when the design is built.
  design_options o;
  o.kind = design_kind::mc;
  o.n = 4;
  o.scramble = true;
  EXPECT_THROW(design_source(every_distribution(), o), usage_error);
  o.scramble = false;
  o.kind = design_kind::morris;
  o.levels = 5;
  EXPECT_THROW(design_source(every_distribution(), o), usage_error);
  o.kind = design_kind::lhs;
  o.n = (index_t{1} << 52) + 1;
  EXPECT_THROW(design_source(every_distribution(), o), usage_error);
  o.kind = design_kind::mc;
  o.n = 4;
  EXPECT_THROW(design_source(problem{}, o), usage_error);  // nothing varies
}

TEST(DesignSource, FloatRangeIsCheckedAtTheLargestSample) {
  problem p = every_distribution();
  p.parameters[4] = param(exchange_activities, design::make_lognormal(90, 1));  // e^90 > FLT_MAX
  design_options o;
  o.n = 4;
  const source src("big.toml", design_source(p, o));
  try {
    check_float_range(src);
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("big.toml: exchange.activities"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_float_range(design_of(design_kind::mc, 4)));
}

TEST(DesignSource, GridsAndBatchesRefuseADesign) {
  const auto dir = std::filesystem::temp_directory_path() / "coopgrid_design_source_test";
  std::filesystem::create_directories(dir);
  test::write_file(dir / "g.toml", "[exchange]\nactivities = [1, 2]\n");
  source_options so;
  so.design = design_options{};
  so.design->n = 4;
  EXPECT_THROW(load_source(dir / "g.toml", so), usage_error);
  so.design.reset();
  so.fixed = (dir / "g.toml").string();
  EXPECT_THROW(load_source(dir / "g.toml", so), usage_error);  // --fixed goes with SALib text files
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coopgrid
