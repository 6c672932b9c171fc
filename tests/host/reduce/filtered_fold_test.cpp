// The filtered --reduce fold (host/reduce/filtered_fold.hpp: --where, --top,
// --histogram and their combinations) against add_rows_generic, to the bit:
// random rows with ties, infinities, signed zeros and NaN (no order: the
// trims then see every candidate), units of 0, 1 and batch-edge sizes, empty
// selections, top lists carried across units in any order, unfinished too.
#include <limits>
#include <random>

#include "host/reduce/filtered_fold.hpp"
#include "host/reduce/state.hpp"
#include "tests/support/reduce_compare.hpp"

namespace coopgrid {
namespace {

template <class T>
class FilteredFold : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FilteredFold, Precisions);

using test::expect_identical;
using test::random_rows;

/// The specs every test folds: each filter kind alone, and together.
std::vector<reduce_spec> filter_specs() {
  std::vector<reduce_spec> specs;
  reduce_spec s;
  s.where = parse_filters("shared_expected >= 0");
  specs.push_back(s);
  s.where = parse_filters("standards_p_any == 0.5");  // two filters
  specs.push_back(s);
  s.where = parse_filters("datasets_total > 1e300");  // max() only: nearly empty
  specs.push_back(s);
  s = {};
  s.top_k = 3;
  s.top_by = static_cast<int>(metric::shared_expected);
  specs.push_back(s);
  s.top_k = 1;
  s.top_ascending = true;
  specs.push_back(s);
  s.top_k = 200;  // more than most units hold
  specs.push_back(s);
  s = {};
  s.hist_metric = static_cast<int>(metric::standards_p_any);
  s.hist_bins = 8;
  s.hist_lo = -2;
  s.hist_hi = 2;
  s.hist_range_given = true;
  specs.push_back(s);
  s.where = parse_filters("ethics_q_any <= 1");
  s.top_k = 5;
  s.top_by = static_cast<int>(metric::standards_expected);
  specs.push_back(s);
  return specs;
}

/// Units of random rows into one state each way (fast: add_rows); indices past 2^32.
template <class T>
void fold_both_ways(std::mt19937_64& rng, const reduce_spec& spec, bool no_nan, const std::string& what) {
  const index_t sizes[] = {0, 1, 2, 127, 128, 129, 255, 1000, reduce_unit};
  const double edge_rate = rng() % 3 == 0 ? 0.0 : rng() % 2 ? 0.01 : 0.3;
  index_t k = (index_t{1} << 33) + static_cast<index_t>(rng() % 1000);
  reduce_state fast(spec), generic(spec);
  const int units = 1 + static_cast<int>(rng() % 4);
  for (int u = 0; u < units; ++u) {
    const index_t n = sizes[rng() % std::size(sizes)];
    const auto rows = random_rows<T>(rng, static_cast<std::size_t>(n), edge_rate, no_nan);
    fast.add_rows(spec, rows.data(), k, n);
    generic.add_rows_generic(spec, rows.data(), k, n);
    k += n;
  }
  expect_identical(fast, generic, what + " unfinished");  // the top lists' candidates too, in order
  fast.finish(spec);
  generic.finish(spec);
  expect_identical(fast, generic, what);
}

TYPED_TEST(FilteredFold, MatchesTheGenericFoldBitForBit) {
  std::mt19937_64 rng(std::is_same_v<TypeParam, float> ? 15 : 16);
  const auto specs = filter_specs();
  for (std::size_t s = 0; s < specs.size(); ++s) {
    for (int trial = 0; trial < 24; ++trial) {
      const std::string what = "spec " + std::to_string(s) + " trial " + std::to_string(trial);
      fold_both_ways<TypeParam>(rng, specs[s], trial % 2 == 0, what);
    }
  }
}

// The top list's bar (the K-th entry of the last trim) on equal values: ties
// go to the lowest index, also when a later unit holds lower indices.
TYPED_TEST(FilteredFold, TopTiesGoToTheLowestIndexInAnyUnitOrder) {
  using T = TypeParam;
  reduce_spec spec;
  spec.top_k = 4;
  spec.top_by = static_cast<int>(metric::shared_expected);
  std::vector<metric_row<T>> rows(1000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (auto& v : rows[i].v) v = static_cast<T>(i % 3 == 0 ? 2 : 1);
  }
  for (index_t second : {index_t{0}, index_t{5000}}) {  // the second unit before, then after the first
    reduce_state fast(spec), generic(spec);
    for (reduce_state* st : {&fast, &generic}) {
      const bool is_fast = st == &fast;
      const auto add = [&](index_t first) {
        is_fast ? st->add_rows(spec, rows.data(), first, 1000) : st->add_rows_generic(spec, rows.data(), first, 1000);
      };
      add(2000);
      add(second);
      st->finish(spec);
    }
    expect_identical(fast, generic, "second unit at " + std::to_string(second));
    ASSERT_EQ(fast.top.size(), 4u);
    EXPECT_EQ(fast.top[0].second, second < 2000 ? second : 2000);
  }
}

TYPED_TEST(FilteredFold, EmptySelectionCountsScenariosOnly) {
  using T = TypeParam;
  std::mt19937_64 rng(3);
  reduce_spec spec = filter_specs()[6];  // a histogram
  spec.where = parse_filters("shared_expected > 1e300");
  spec.top_k = 2;
  const auto rows = random_rows<T>(rng, 300, 0.0);
  reduce_state fast(spec), generic(spec);
  fast.add_rows(spec, rows.data(), 10, 300);
  generic.add_rows_generic(spec, rows.data(), 10, 300);
  fast.finish(spec);
  generic.finish(spec);
  expect_identical(fast, generic, "empty");
  EXPECT_EQ(fast.scenarios, 300);
  EXPECT_EQ(fast.selected, 0);
  EXPECT_TRUE(fast.top.empty());
  EXPECT_EQ(fast.metrics[0].argmin, -1);
}

// Infinities in the top-by metric (no NaN: the fast path) and in the histogram's.
TYPED_TEST(FilteredFold, InfinitiesRankAndBin) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity();
  const auto specs = filter_specs();
  std::vector<metric_row<T>> rows(400);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (auto& v : rows[i].v) v = i % 7 == 0 ? inf : i % 11 == 0 ? -inf : static_cast<T>(i % 5);
  }
  for (std::size_t s = 0; s < specs.size(); ++s) {
    reduce_state fast(specs[s]), generic(specs[s]);
    fast.add_rows(specs[s], rows.data(), 0, 400);
    generic.add_rows_generic(specs[s], rows.data(), 0, 400);
    fast.finish(specs[s]);
    generic.finish(specs[s]);
    expect_identical(fast, generic, "spec " + std::to_string(s));
  }
}

}  // namespace
}  // namespace coopgrid
