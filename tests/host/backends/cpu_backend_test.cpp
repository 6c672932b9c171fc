// The CPU backend (formula core on all cores) against the reference on
// thousands of random scenarios in both precisions, plus determinism.
#include "host/backends/cpu_backend.hpp"
#include "host/commands/compare.hpp"
#include "tests/support/reduce_compare.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

/// `compare --backend cpu` in precision T on `sample` scenarios of src; every metric must agree.
template <class T>
compare_report expect_cpu_agrees(const source& src, index_t sample = 1'000'000) {
  compare_options opt;
  opt.backend = backend_kind::cpu;
  opt.prec = test::precision_of<T>();
  opt.sample = sample;
  const auto r = compare(src, opt);
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_EQ(r.metrics[m].failures, 0) << metric_names[m] << " max rel " << r.metrics[m].max_rel;
  }
  return r;
}

template <class T>
class CpuVsReference : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuVsReference, Precisions);

TYPED_TEST(CpuVsReference, RandomBatches) {
  using T = TypeParam;
  for (unsigned seed : {1u, 2u, 3u}) {
    const auto src = test::batch_source(test::random_specs(2000, seed));
    auto be = make_cpu_backend<T>(src, {2, 0, 0, {}});
    const index_t n = src.num_scenarios();
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
    be->evaluate(0, n, rows.data());
    test::expect_rows_match_reference(src, 0, rows.data(), n, "seed " + std::to_string(seed));
  }
}

// Products of many near-certain probabilities: log(P_m) of a rounded P_m
// was 3e-4 off in f32 (M = 20000); log1p(-e) with a split exponent is not.
TYPED_TEST(CpuVsReference, LongListsOfNearCertainItems) {
  EXPECT_EQ(expect_cpu_agrees<TypeParam>(test::batch_source(test::near_certain_specs(24, 11))).compared, 24);
}

// A million equal items per list: every rounding of a running sum has one
// sign, which a float Neumaier sum does not survive (3.5e-5 off).
TYPED_TEST(CpuVsReference, MillionEqualItems) {
  test::scenario_spec s;
  s.id = "equal";
  s.countries.assign(1000000, {7279160.3, 0.3});
  s.standards.assign(1000000, 7279160.3);
  s.resources.assign(1000000, 0.7);
  s.ethics.assign(1000000, 1e-3);
  expect_cpu_agrees<TypeParam>(test::batch_source({s}));
}

TYPED_TEST(CpuVsReference, CompareAgreesOnARandomGrid) {
  const auto r = expect_cpu_agrees<TypeParam>(test::grid_source(test::random_grid_toml), 20000);
  EXPECT_EQ(r.compared, 20000 / 64 * 64);
  EXPECT_TRUE(r.agree());
}

TEST(CpuBackend, BitIdenticalForAnyThreadCount) {
  const auto src = test::batch_source(test::random_specs(3 * static_cast<std::size_t>(cpu_reduce_chunk) + 17, 11, 8));
  reduce_spec spec;
  spec.top_k = 10;
  spec.top_by = static_cast<int>(metric::shared_expected);
  std::vector<reduce_state> states;
  std::vector<std::vector<metric_row<double>>> all_rows;
  for (int threads : {1, 2, 3, 8}) {
    auto be = make_cpu_backend<double>(src, {threads, 0, 0, {}});
    states.push_back(be->reduce(spec, 0, src.num_scenarios(), {}));
    all_rows.emplace_back(static_cast<std::size_t>(src.num_scenarios()));
    be->evaluate(0, src.num_scenarios(), all_rows.back().data());
  }
  for (std::size_t i = 1; i < states.size(); ++i) {
    for (int m = 0; m < num_metrics; ++m) {
      const auto& a = states[0].metrics[m];
      const auto& b = states[i].metrics[m];
      EXPECT_TRUE(a.moments == b.moments);  // bitwise: same units, exact merges
      EXPECT_EQ(a.argmin, b.argmin);
      EXPECT_EQ(a.argmax, b.argmax);
    }
    EXPECT_EQ(states[0].top, states[i].top);
    EXPECT_EQ(0, std::memcmp(all_rows[0].data(), all_rows[i].data(),
                             all_rows[0].size() * sizeof(metric_row<double>)));
  }
}

TEST(CpuBackend, EvaluateRangesMatchTheWhole) {
  const auto src = test::batch_source(test::random_specs(5000, 5));
  auto be = make_cpu_backend<float>(src, {2, 0, 0, {}});
  std::vector<metric_row<float>> whole(5000), part(5000);
  be->evaluate(0, 5000, whole.data());
  for (index_t first : {index_t{0}, index_t{1}, index_t{31}, index_t{4095}, index_t{4096}}) {
    for (index_t count : {index_t{0}, index_t{1}, index_t{32}, index_t{33}, index_t{5000} - first}) {
      be->evaluate(first, count, part.data());
      ASSERT_EQ(0, std::memcmp(part.data(), whole.data() + first,
                               static_cast<std::size_t>(count) * sizeof(metric_row<float>)));
    }
  }
}

/// --where, --top and --histogram (alone and together) on a grid's values: thresholds and ranges from its extrema.
std::vector<reduce_spec> grid_filter_specs(const reduce_state& plain) {
  const auto mid = [&](metric m) {
    const auto& s = plain.metrics[static_cast<int>(m)];
    return (s.min + s.max) / 2;
  };
  std::vector<reduce_spec> specs(6);
  specs[0].where = {parse_filter("standards_p_any>=" + std::to_string(mid(metric::standards_p_any)))};
  specs[1].where = {parse_filter("shared_expected>=1e300")};  // nothing selected
  specs[2].top_k = 5;
  specs[2].top_by = static_cast<int>(metric::shared_expected);
  specs[3].top_k = 70;  // ties: the grid repeats values
  specs[3].top_by = static_cast<int>(metric::ethics_q_any);
  specs[3].top_ascending = true;
  specs[4].hist_metric = static_cast<int>(metric::ethics_q_any);
  specs[4].hist_bins = 8;
  specs[4].hist_lo = 0;
  specs[4].hist_hi = 1;
  specs[4].hist_range_given = true;
  specs[5] = specs[4];
  specs[5].where = specs[0].where;
  specs[5].where.push_back(parse_filter("shared_expected<=" + std::to_string(mid(metric::shared_expected))));
  specs[5].top_k = 3;
  specs[5].top_by = static_cast<int>(metric::standards_expected);
  return specs;
}

template <class T>
class CpuBackendGrid : public ::testing::Test {};
TYPED_TEST_SUITE(CpuBackendGrid, Precisions);

// The brute-force fold of a grid's tables with filters (filtered_unit_fold):
// add_rows_generic's bits, from any start, chunk edges included, any thread count.
TYPED_TEST(CpuBackendGrid, FiltersMatchTheGenericFold) {
  using T = TypeParam;
  const source src = test::grid_source(test::random_grid_toml);
  const index_t n = src.num_scenarios();
  const index_t starts[][2] = {
      {0, 200000}, {12345, 300001}, {cpu_reduce_chunk - 1, cpu_reduce_chunk + 2}, {7, 1}, {9, 0}};
  auto cpu1 = make_cpu_backend<T>(src, {1, 0, 0, {}, true, true});
  auto cpu2 = make_cpu_backend<T>(src, {2, 0, 0, {}, true, true});
  const auto specs = grid_filter_specs(cpu1->reduce({}, 0, n, {}));
  for (const auto& c : starts) {
    ASSERT_LE(c[0] + c[1], n);
    for (std::size_t s = 0; s < specs.size(); ++s) {
      const std::string what = "spec " + std::to_string(s) + " first " + std::to_string(c[0]) + " count " +
                               std::to_string(c[1]);
      const reduce_state want = test::generic_reduce(*cpu1, specs[s], c[0], c[1]);
      test::expect_identical(cpu1->reduce(specs[s], c[0], c[1], {}), want, what + " 1 thread");
      test::expect_identical(cpu2->reduce(specs[s], c[0], c[1], {}), want, what + " 2 threads");
    }
  }
}

}  // namespace
}  // namespace coopgrid
