// Per-block tables (kernels/block_tables.hpp): a scenario read from its
// blocks' tables has exactly the bits of its evaluation from the fields, for
// rows and for the CPU backend's brute-force reduction, on random grids in
// both precisions, 1-point axes, the table size limit and indices past 2^32.
#include <cstring>
#include <random>
#include <sstream>

#include "host/backends/cpu_backend.hpp"
#include "host/source/grid.hpp"
#include "host/source/grid_block_tables.hpp"
#include "kernels/block_tables.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

template <class T>
class BlockTables : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(BlockTables, Precisions);

TEST(BlockTablesLayout, BlocksOwnContiguousMetricRanges) {
  EXPECT_EQ(block_metric_lo(0), 0);
  EXPECT_EQ(block_metric_lo(num_grid_blocks), num_metrics);
  const int counts[num_grid_blocks] = {4, 5, 2, 1, 3};  // MODEL.md section 2, block by block
  for (int b = 0; b < num_grid_blocks; ++b) EXPECT_EQ(block_metric_count(b), counts[b]) << b;
  EXPECT_EQ(metric_block(static_cast<int>(metric::shared_quota)), static_cast<int>(grid_block::countries));
  EXPECT_EQ(metric_block(static_cast<int>(metric::standards_constrained)), static_cast<int>(grid_block::standards));
  EXPECT_EQ(metric_block(static_cast<int>(metric::exchange_total_log10)), static_cast<int>(grid_block::exchange));
  EXPECT_EQ(metric_block(static_cast<int>(metric::resources_shared)), static_cast<int>(grid_block::resources));
  EXPECT_EQ(metric_block(static_cast<int>(metric::ethics_difficulty)), static_cast<int>(grid_block::ethics));
  EXPECT_EQ(block_field_lo(num_grid_blocks), num_grid_fields);
}

/// n distinct values drawn from pool, as a TOML array.
std::string pick(std::mt19937_64& rng, std::vector<std::string> pool, int n) {
  std::shuffle(pool.begin(), pool.end(), rng);
  std::string s = "[";
  for (int i = 0; i < n; ++i) s += (i ? ", " : "") + pool[static_cast<std::size_t>(i)];
  return s + "]";
}

/// A random grid over the blocks' edges: each field 1 to 4 points (1: a scalar).
std::string random_table_grid(std::mt19937_64& rng) {
  const std::vector<std::string> counts = {"0", "1", "2", "3", "7", "50", "1000", "5000"};
  const std::vector<std::string> probs = {"0", "1", "0.5", "0.57", "0.01", "0.999", "0.3"};
  const std::vector<std::string> amounts = {"0", "1", "3", "250", "1e-3", "1e6", "17.5", "0.2"};
  const std::vector<std::string> difficulties = {"0", "0.2", "0.5", "1", "1.0001", "3", "7", "1e5", "1e-3"};
  std::uniform_int_distribution<int> n(1, 4);
  auto field = [&](const char* name, const std::vector<std::string>& pool) {
    const int k = n(rng);
    if (k == 1) return std::string(name) + " = " + pool[rng() % pool.size()] + "\n";
    return std::string(name) + " = { values = " + pick(rng, pool, k) + " }\n";
  };
  std::ostringstream t;
  t << "[countries]\n" << field("count", counts) << field("datasets", amounts) << field("share_prob", probs);
  t << "[standards]\n" << field("count", counts) << field("difficulty", difficulties);
  t << "[exchange]\n" << field("activities", amounts) << field("countries_per_activity", counts);
  t << "[resources]\n" << field("count", counts) << field("share_prob", probs);
  t << "[ethics]\n" << field("count", counts) << field("difficulty", difficulties);
  return t.str();
}

/// Rows of [first, first + count) read from the tables (decoded at every k, and
/// by the odometer) against today's evaluation from the fields, to the bit.
template <class T>
void expect_todays_bits(const grid_view<T>& g, const tabulated_grid_view<T>& t, index_t first, index_t count,
                        const std::string& what) {
  block_point q = decode_block_index(t, first);
  for (index_t k = first; k < first + count; ++k) {
    const metric_row<T> want = evaluate_grid_scenario(g, k);
    const metric_row<T> decoded = evaluate_tabulated_scenario(t, k);
    const metric_row<T> stepped = evaluate_block_point(t, q);
    advance_block_point(t, q);
    ASSERT_EQ(std::memcmp(&decoded, &want, sizeof want), 0) << what << ": scenario " << k;
    ASSERT_EQ(std::memcmp(&stepped, &want, sizeof want), 0) << what << ": scenario " << k << " (odometer)";
  }
}

/// The element-wise fold of today's rows, as the cpu backend's brute-force reduce does it.
template <class T>
reduce_state todays_reduce(const grid_view<T>& g, const reduce_spec& spec, index_t first, index_t count) {
  reduce_state total(spec);
  std::vector<metric_row<T>> rows;
  for (index_t lo = first; lo < first + count; lo += cpu_reduce_chunk) {
    const index_t n = std::min(first + count, lo + cpu_reduce_chunk) - lo;
    rows.resize(static_cast<std::size_t>(n));
    for (index_t i = 0; i < n; ++i) rows[static_cast<std::size_t>(i)] = evaluate_grid_scenario(g, lo + i);
    reduce_state s(spec);
    s.add_rows(spec, rows.data(), lo, n);
    total.merge(spec, s);
  }
  total.finish(spec);
  return total;
}

void expect_same_tables_state(const reduce_state& a, const reduce_state& b, const std::string& what) {
  EXPECT_EQ(a.scenarios, b.scenarios) << what;
  EXPECT_EQ(a.selected, b.selected) << what;
  for (int m = 0; m < num_metrics; ++m) {
    const auto &x = a.metrics[m], &y = b.metrics[m];
    EXPECT_EQ(x.count, y.count) << what << " " << metric_names[m];
    EXPECT_EQ(x.argmin, y.argmin) << what << " " << metric_names[m];
    EXPECT_EQ(x.argmax, y.argmax) << what << " " << metric_names[m];
    const double v[] = {x.min, x.max, x.mean()}, w[] = {y.min, y.max, y.mean()};
    EXPECT_EQ(std::memcmp(v, w, sizeof v), 0) << what << " " << metric_names[m] << ": " << x.mean() << " vs " << y.mean();
  }
  ASSERT_EQ(a.top.size(), b.top.size()) << what;
  for (std::size_t i = 0; i < a.top.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a.top[i].first, &b.top[i].first, sizeof(double)), 0) << what << " top " << i;
    EXPECT_EQ(a.top[i].second, b.top[i].second) << what << " top " << i;
  }
  EXPECT_EQ(a.hist.bins, b.hist.bins) << what;
  EXPECT_EQ(a.hist.below, b.hist.below) << what;
  EXPECT_EQ(a.hist.above, b.hist.above) << what;
}

reduce_spec busy_spec() {
  reduce_spec s;
  s.where.push_back(filter{static_cast<int>(metric::standards_p_any), true, 0.3});
  s.top_k = 9;
  s.top_by = static_cast<int>(metric::ethics_q_all);
  s.hist_metric = static_cast<int>(metric::standards_p_all);
  s.hist_bins = 13;
  s.hist_lo = 0;
  s.hist_hi = 1;
  s.hist_range_given = true;
  return s;
}

TYPED_TEST(BlockTables, RandomGridsGiveTodaysRowsAndReductions) {
  using T = TypeParam;
  std::mt19937_64 rng(std::is_same_v<T, float> ? 16 : 17);
  for (int trial = 0; trial < 40; ++trial) {
    const std::string toml = random_table_grid(rng);
    const auto src = test::grid_source(toml);
    const grid_tables<T> axes(test::grid_of(src));
    const grid_view<T> g = axes.view();
    const grid_block_tables<T> tables(g);
    const auto& t = tables.view();
    for (int b = 0; b < num_grid_blocks; ++b) ASSERT_NE(t.values[b], nullptr) << "small blocks are tabulated";
    const index_t n = g.num_scenarios;
    // All of a small grid; a window straddling the middle of a large one.
    const index_t first = n <= 60000 ? 0 : std::uniform_int_distribution<index_t>(0, n - 60000)(rng);
    const index_t count = std::min<index_t>(n, 60000);
    expect_todays_bits(g, t, first, count, toml);
    auto cpu = make_cpu_backend<T>(src, {0, 0, 0, {}, true, true});
    auto rows = test::poisoned_rows<T>(static_cast<std::size_t>(count));
    cpu->evaluate(first, count, rows.data());
    for (index_t i = 0; i < count; ++i) {
      const metric_row<T> want = evaluate_grid_scenario(g, first + i);
      ASSERT_EQ(std::memcmp(&rows[static_cast<std::size_t>(i)], &want, sizeof want), 0) << toml << first + i;
    }
    if (trial % 4 == 0) {  // the brute-force reduction, several chunks where the grid has them
      for (const auto& spec : {reduce_spec{}, busy_spec()}) {
        expect_same_tables_state(cpu->reduce(spec, first, count, {}), todays_reduce(g, spec, first, count), toml);
      }
    }
  }
}

TYPED_TEST(BlockTables, OnePointAxesAndASingleScenario) {
  using T = TypeParam;
  for (const char* toml : {"[countries]\ncount = 3\ndatasets = 10\nshare_prob = 0.5\n",
                           "[standards]\ncount = 5\ndifficulty = { linspace = [0, 2, 5] }\n",
                           "[ethics]\ncount = { range = [0, 3] }\ndifficulty = 0.2\n[resources]\ncount = 4\n"
                           "share_prob = { values = [0.25] }\n"}) {
    const auto src = test::grid_source(toml);
    const grid_tables<T> axes(test::grid_of(src));
    const grid_block_tables<T> tables(axes.view());
    const auto& t = tables.view();
    index_t points = 1;
    for (int b = 0; b < num_grid_blocks; ++b) points *= t.points[b];
    ASSERT_EQ(points, axes.view().num_scenarios) << toml;
    expect_todays_bits(axes.view(), t, 0, points, toml);
  }
}

// A 2^18-point block (the limit) has a table, a larger one is evaluated per
// scenario from its fields while the other blocks still read theirs.
TYPED_TEST(BlockTables, BlocksPastTheLimitAreEvaluatedDirectly) {
  using T = TypeParam;
  for (index_t countries : {block_table_max_points, block_table_max_points + 1}) {
    const auto src = test::grid_source("[countries]\ncount = { range = [1, " + std::to_string(countries) +
                                       "] }\ndatasets = 7\nshare_prob = 0.3\n"
                                       "[standards]\ncount = { range = [0, 4] }\ndifficulty = { values = [0, 1, 3] }\n");
    const grid_tables<T> axes(test::grid_of(src));
    const grid_block_tables<T> tables(axes.view());
    const auto& t = tables.view();
    ASSERT_EQ(t.points[0], countries);
    EXPECT_EQ(t.values[0] == nullptr, countries > block_table_max_points);
    EXPECT_NE(t.values[1], nullptr);
    const index_t n = axes.view().num_scenarios;
    expect_todays_bits(axes.view(), t, 0, 3000, "first");
    expect_todays_bits(axes.view(), t, n - 3000, 3000, "last");
    auto cpu = make_cpu_backend<T>(src, {0, 0, 0, {}, true, true});
    const auto spec = busy_spec();
    expect_same_tables_state(cpu->reduce(spec, n / 2, 200000, {}), todays_reduce(axes.view(), spec, n / 2, 200000), "reduce");
  }
}

// 2^34 scenarios (countries 2^18 points, standards 2^16): the block indices
// and the odometer carry across 2^32 exactly as the field decoding does.
TYPED_TEST(BlockTables, IndicesAcross32Bits) {
  using T = TypeParam;
  const auto src = test::grid_source(R"(
[countries]
count = { range = [1, 64] }
datasets = { logspace = [0, 6, 64] }
share_prob = { linspace = [0, 1, 64] }
[standards]
count = { range = [1, 256] }
difficulty = { linspace = [0, 5, 256] }
)");
  const grid_tables<T> axes(test::grid_of(src));
  const grid_view<T> g = axes.view();
  ASSERT_EQ(g.num_scenarios, index_t{1} << 34);
  const grid_block_tables<T> tables(g);
  for (int b = 0; b < num_grid_blocks; ++b) ASSERT_NE(tables.view().values[b], nullptr) << b;
  const index_t edge = index_t{1} << 32;
  expect_todays_bits(g, tables.view(), edge - 70000, 140000, "across 2^32");
  expect_todays_bits(g, tables.view(), g.num_scenarios - 1000, 1000, "last");
  auto cpu = make_cpu_backend<T>(src, {0, 0, 0, {}, true, true});
  auto rows = test::poisoned_rows<T>(1000);
  cpu->evaluate(edge - 500, 1000, rows.data());
  for (index_t i = 0; i < 1000; ++i) {
    const metric_row<T> want = evaluate_grid_scenario(g, edge - 500 + i);
    ASSERT_EQ(std::memcmp(&rows[static_cast<std::size_t>(i)], &want, sizeof want), 0) << edge - 500 + i;
  }
  const auto spec = busy_spec();
  expect_same_tables_state(cpu->reduce(spec, edge - reduce_unit, 2 * reduce_unit + 17, {}),
                   todays_reduce(g, spec, edge - reduce_unit, 2 * reduce_unit + 17), "reduce across 2^32");
}

}  // namespace
}  // namespace coopgrid
