// Grid decoding: scenario k from its 64-bit index alone, checked against a
// nested-loop expansion, the odometer step, and indices beyond 2^32.
#include "host/io/grid_reader.hpp"
#include "host/source/grid.hpp"
#include "kernels/grid_view.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

const char* small_grid = R"(
[countries]
count = { range = [0, 2] }
datasets = { values = [10.0, 20.0] }
share_prob = 0.5
[standards]
count = { range = [1, 3] }
difficulty = { linspace = [0.0, 1.0, 2] }
[exchange]
activities = { values = [0.0, 10.0] }
countries_per_activity = { range = [0, 4, 2] }
[resources]
count = 2
share_prob = 0.5
[ethics]
count = 1
difficulty = 0.2
)";

TEST(GridDecode, MatchesNestedLoops) {
  const grid g = parse_grid(small_grid, "small.toml");
  const grid_tables<double> t(g);
  const auto v = t.view();
  ASSERT_EQ(g.num_scenarios, 3 * 2 * 3 * 2 * 2 * 3);
  index_t k = 0;
  for (index_t a = 0; a < 3; ++a)
    for (index_t b = 0; b < 2; ++b)
      for (index_t c = 0; c < 3; ++c)
        for (index_t d = 0; d < 2; ++d)
          for (index_t e = 0; e < 2; ++e)
            for (index_t f = 0; f < 3; ++f, ++k) {
              const auto p = decode_grid_index(v, k);
              EXPECT_EQ(p.i[countries_count], a);
              EXPECT_EQ(p.i[countries_datasets], b);
              EXPECT_EQ(p.i[standards_count], c);
              EXPECT_EQ(p.i[standards_difficulty], d);
              EXPECT_EQ(p.i[exchange_activities], e);
              EXPECT_EQ(p.i[exchange_countries_per_activity], f);
              EXPECT_EQ(p.i[resources_count], 0);
              EXPECT_EQ(g.decode(k)[exchange_countries_per_activity], f);
            }
  EXPECT_EQ(g.ints[exchange_countries_per_activity], (std::vector<index_t>{0, 2, 4}));
}

TEST(GridDecode, OdometerStepEqualsDecoding) {
  const grid g = parse_grid(small_grid, "small.toml");
  const grid_tables<float> t(g);
  const auto v = t.view();
  auto p = decode_grid_index(v, 0);
  for (index_t k = 1; k < g.num_scenarios; ++k) {
    advance_grid_point(v, p);
    const auto q = decode_grid_index(v, k);
    for (int f = 0; f < num_grid_fields; ++f) ASSERT_EQ(p.i[f], q.i[f]) << "k=" << k;
  }
}

TEST(GridDecode, IndicesBeyond32Bits) {
  // 100000 * 100000 * 1000 = 1e13 scenarios.
  const grid g = parse_grid(R"(
[countries]
count = { range = [1, 100000] }
datasets = { linspace = [0.0, 1.0, 100000] }
share_prob = { linspace = [0.0, 1.0, 1000] }
)", "big.toml");
  ASSERT_EQ(g.num_scenarios, index_t{10000000000000});
  const grid_tables<double> t(g);
  const auto v = t.view();
  for (index_t k : {index_t{0}, (index_t{1} << 32) - 1, index_t{1} << 32, (index_t{1} << 32) + 12345,
                    g.num_scenarios - 1}) {
    const auto p = decode_grid_index(v, k);
    EXPECT_EQ(p.i[countries_share_prob], k % 1000);
    EXPECT_EQ(p.i[countries_datasets], (k / 1000) % 100000);
    EXPECT_EQ(p.i[countries_count], k / 100000000);
  }
  const auto last = decode_grid_index(v, g.num_scenarios - 1);
  EXPECT_EQ(last.i[countries_count], 99999);
  EXPECT_EQ(last.i[countries_share_prob], 999);
}

TEST(GridDecode, RandomIndicesMatchTheReferenceExpansion) {
  const grid g = parse_grid(small_grid, "small.toml");
  const grid_tables<double> t(g);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    const index_t k = static_cast<index_t>(rng() % static_cast<unsigned long long>(g.num_scenarios));
    const auto s = reference::grid_scenario(g, k, false);
    const auto p = g.decode(k);
    EXPECT_EQ(static_cast<index_t>(s.datasets.size()), g.ints[countries_count][p[countries_count]]);
    EXPECT_EQ(static_cast<index_t>(s.standard_difficulty.size()), g.ints[standards_count][p[standards_count]]);
    EXPECT_EQ(s.activities, g.reals[exchange_activities][p[exchange_activities]]);
    EXPECT_EQ(s.countries_per_activity,
              g.ints[exchange_countries_per_activity][p[exchange_countries_per_activity]]);
  }
}

template <class T>
class GridQuota : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(GridQuota, Precisions);

// shared_quota of a grid point, n * floor(d q) with d q formed in double, in
// both precisions: MODEL.md's values, N = 0, and the reference's expansion.
TYPED_TEST(GridQuota, ClosedFormFloorsInDouble) {
  using T = TypeParam;
  const grid g = parse_grid(R"(
[countries]
count = { values = [0, 1, 2] }
datasets = { values = [5.0, 10.0, 100.0, 6000.0] }
share_prob = { values = [0.3, 0.57, 0.8] }
)", "quota.toml");
  const grid_tables<T> t(g);
  const auto v = t.view();
  struct point { double d, p, quota; };
  const point known[] = {{5, 0.8, 4}, {10, 0.3, 3}, {100, 0.57, 56}, {6000, 0.8, 4800}};
  int checked = 0;
  for (index_t k = 0; k < g.num_scenarios; ++k) {
    const auto p = decode_grid_index(v, k);
    const index_t n = g.ints[countries_count][p.i[countries_count]];
    const double d = g.reals[countries_datasets][p.i[countries_datasets]];
    const double q = g.reals[countries_share_prob][p.i[countries_share_prob]];
    const auto row = evaluate_grid_point(v, p);
    for (const auto& c : known) {
      if (c.d == d && c.p == q) {
        EXPECT_EQ(row[metric::shared_quota], T(static_cast<double>(n) * c.quota)) << "n=" << n << " d=" << d;
        ++checked;
      }
    }
    const auto ref = reference::evaluate(reference::grid_scenario(g, k, std::is_same_v<T, float>));
    EXPECT_EQ(static_cast<double>(row[metric::shared_quota]), ref[static_cast<int>(metric::shared_quota)])
        << "k=" << k;
  }
  EXPECT_EQ(checked, 3 * 4);
}

}  // namespace
}  // namespace coopgrid
