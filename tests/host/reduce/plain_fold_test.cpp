// The plain --reduce fold (host/reduce/plain_fold.hpp: no --where, --top or
// --histogram) against the generic one, to the bit: random rows with ties,
// NaN, infinities, signed zeros and overflowing sums, empty and 1-row units,
// indices past 2^32, and the CPU backend's fold straight from a grid's tables.
#include <limits>
#include <random>

#include "host/backends/cpu_backend.hpp"
#include "host/reduce/plain_fold.hpp"
#include "host/reduce/state.hpp"
#include "tests/support/reduce_compare.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

template <class T>
class PlainFold : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(PlainFold, Precisions);

using test::expect_identical;
using test::generic_reduce;
using test::random_rows;

TYPED_TEST(PlainFold, MatchesTheGenericFoldBitForBit) {
  using T = TypeParam;
  std::mt19937_64 rng(std::is_same_v<T, float> ? 5 : 6);
  const reduce_spec spec;
  ASSERT_TRUE(is_plain(spec));
  const index_t sizes[] = {0, 1, 2, 7, 127, 128, 129, 1000, reduce_unit};
  for (int trial = 0; trial < 60; ++trial) {
    const double edge_rate = trial % 3 == 0 ? 0.0 : trial % 3 == 1 ? 0.01 : 0.3;
    // Units in a row into one state, as the reference backend adds them, from past 2^32.
    index_t k = (index_t{1} << 33) + static_cast<index_t>(rng() % 1000);
    reduce_state fast(spec), generic(spec);
    const int units = 1 + static_cast<int>(rng() % 4);
    for (int u = 0; u < units; ++u) {
      const index_t n = sizes[rng() % std::size(sizes)];
      const auto rows = random_rows<T>(rng, static_cast<std::size_t>(n), edge_rate);
      fast.add_rows(spec, rows.data(), k, n);
      generic.add_rows_generic(spec, rows.data(), k, n);
      k += n;
    }
    expect_identical(fast, generic, "trial " + std::to_string(trial));
  }
}

TYPED_TEST(PlainFold, FirstRowNaNAndAllInfinite) {
  using T = TypeParam;
  const reduce_spec spec;
  const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
  for (T first : {nan, inf, -inf}) {
    std::vector<metric_row<T>> rows(300);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (auto& v : rows[i].v) v = i == 0 ? first : (i % 2 ? -inf : T(i));
    }
    reduce_state fast(spec), generic(spec);
    fast.add_rows(spec, rows.data(), 40, static_cast<index_t>(rows.size()));
    generic.add_rows_generic(spec, rows.data(), 40, static_cast<index_t>(rows.size()));
    expect_identical(fast, generic, "first " + std::to_string(first));
  }
}

TEST(PlainFold, EmptyUnitsLeaveTheStateEmpty) {
  const reduce_spec spec;
  reduce_state st(spec);
  st.add_rows<double>(spec, nullptr, 17, 0);
  plain_unit_fold fold(st, 5);
  fold.finish();
  EXPECT_EQ(st.scenarios, 0);
  for (const auto& m : st.metrics) {
    EXPECT_EQ(m.count, 0);
    EXPECT_EQ(m.argmin, -1);
    EXPECT_EQ(m.argmax, -1);
    EXPECT_TRUE(std::isnan(m.mean()));
  }
}

TEST(PlainFold, OnlyTheBareSpecIsPlain) {
  reduce_spec s;
  EXPECT_TRUE(is_plain(s));
  s.where.push_back(parse_filter("shared_expected>=1"));
  EXPECT_FALSE(is_plain(s));
  s = {};
  s.top_k = 3;
  EXPECT_FALSE(is_plain(s));
  s = {};
  s.hist_metric = 2;
  EXPECT_FALSE(is_plain(s));
}

// The backend's fold reads a grid's tables straight into the fold (the odometer
// refilling the blocks that moved): the generic fold of its rows, to the bit,
// from any start, with any thread count, and past 2^32.
TYPED_TEST(PlainFold, CpuBackendGridFoldMatchesTheGenericFold) {
  using T = TypeParam;
  const char* const wide = R"(
[countries]
count = { range = [1, 64] }
datasets = { logspace = [0, 6, 64] }
share_prob = { linspace = [0, 1, 64] }
[standards]
count = { range = [1, 256] }
difficulty = { linspace = [0, 5, 256] }
)";
  struct grid_case {
    source src;
    index_t first, count;
  };
  std::vector<grid_case> cases;
  cases.push_back({test::grid_source(test::random_grid_toml), 0, 200000});
  cases.push_back({test::grid_source(test::random_grid_toml), 12345, 300001});
  cases.push_back({test::grid_source(wide), (index_t{1} << 33) - 70000, 250000});  // 2^34 scenarios
  cases.push_back({test::grid_source("[ethics]\ncount = { range = [0, 4] }\ndifficulty = 0.2\n"), 0, 0});
  for (auto& c : cases) {
    const index_t n = test::grid_of(c.src).num_scenarios;
    if (c.count == 0) c.count = n - c.first;
    ASSERT_LE(c.first + c.count, n);
    auto cpu1 = make_cpu_backend<T>(c.src, {1, 0, 0, {}, true, true});
    auto cpu2 = make_cpu_backend<T>(c.src, {2, 0, 0, {}, true, true});
    const reduce_spec spec;
    const std::string what = "first " + std::to_string(c.first) + " count " + std::to_string(c.count);
    const reduce_state want = generic_reduce(*cpu1, spec, c.first, c.count);
    expect_identical(cpu1->reduce(spec, c.first, c.count, {}), want, what + " 1 thread");
    expect_identical(cpu2->reduce(spec, c.first, c.count, {}), want, what + " 2 threads");
  }
}

}  // namespace
}  // namespace coopgrid
