// A binary batch's value checks inside the evaluation pass (batch::checked
// false): the scenario they name against validate_columns's, chunk by chunk
// and through the cpu backend on any thread count; other backends check first.
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "host/backends/make_backend.hpp"
#include "host/io/binary_batch.hpp"
#include "host/source/batch.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

/// A valid batch of n scenarios, list sizes 0..3 varying by scenario (empty lists included).
column_vectors<double> varied_columns(std::size_t n) {
  column_vectors<double> v;
  v.activities.assign(n, 2.0);
  v.countries_per_activity.assign(n, 3);
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t k = 0; k < s % 4; ++k) {
      v.datasets.push_back(static_cast<double>(k + 1));
      v.country_share_prob.push_back(0.5);
      v.standard_difficulty.push_back(0.75);
      v.resource_share_prob.push_back(0.25);
    }
    v.country_offsets.push_back(static_cast<index_t>(v.datasets.size()));
    v.standard_offsets.push_back(static_cast<index_t>(v.standard_difficulty.size()));
    v.resource_offsets.push_back(static_cast<index_t>(v.resource_share_prob.size()));
    if (s % 3 == 0) v.ethics_difficulty.push_back(1.5);
    v.ethics_offsets.push_back(static_cast<index_t>(v.ethics_difficulty.size()));
  }
  return v;
}

std::string input_error_of(const std::function<void()>& fn) {
  try {
    fn();
    return {};
  } catch (const input_error& e) {
    return e.what();
  }
}

/// The first item of scenario s's list (offsets o), or -1 when the list is empty.
index_t first_item(const std::vector<index_t>& o, std::size_t s) {
  return o[s] < o[s + 1] ? o[s] : -1;
}

constexpr std::size_t n_scenarios = 5000;

TEST(BatchChecks, OneBadValueIsNamedAsValidateNamesIt) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    auto v = varied_columns(n_scenarios);
    std::size_t s = std::uniform_int_distribution<std::size_t>(0, n_scenarios - 1)(rng);
    while (s % 4 == 0 || s % 3 != 0) ++s;  // every list non-empty
    if (s >= n_scenarios) continue;
    switch (trial % 8) {
      case 0: v.activities[s] = -1; break;
      case 1: v.countries_per_activity[s] = -2; break;
      case 2: v.datasets[static_cast<std::size_t>(first_item(v.country_offsets, s))] = nan; break;
      case 3: v.country_share_prob[static_cast<std::size_t>(first_item(v.country_offsets, s))] = 1.5; break;
      case 4: v.standard_difficulty[static_cast<std::size_t>(first_item(v.standard_offsets, s))] = -0.5; break;
      case 5: v.resource_share_prob[static_cast<std::size_t>(first_item(v.resource_offsets, s))] = 2; break;
      case 6: v.ethics_difficulty[static_cast<std::size_t>(first_item(v.ethics_offsets, s))] = -3; break;
      default: v.standard_offsets[s + 1] = v.standard_offsets[s] - 1; break;  // below its predecessor
    }
    const batch_columns<double> c(std::move(v));
    SCOPED_TRACE(trial);
    check_batch_shape(c, "B");
    const auto n = static_cast<index_t>(n_scenarios);
    const auto bad = static_cast<index_t>(s);
    EXPECT_EQ(first_bad_scenario(c, 0, n), bad);
    EXPECT_EQ(first_bad_scenario(c, bad, bad + 1), bad);
    EXPECT_EQ(first_bad_scenario(c, 0, bad), -1);
    EXPECT_EQ(first_bad_scenario(c, bad + 1, n), -1);
    EXPECT_EQ(input_error_of([&] { throw_bad_scenario(c, "B", bad); }), input_error_of([&] { validate_columns(c, "B"); }));
  }
}

TEST(BatchChecks, ValidColumnsPassInAnyChunks) {
  const batch_columns<double> c(varied_columns(n_scenarios));
  check_batch_shape(c, "B");
  for (index_t step : {1, 7, 64, 4096, 5000}) {
    for (index_t lo = 0; lo < static_cast<index_t>(n_scenarios); lo += step) {
      ASSERT_EQ(first_bad_scenario(c, lo, std::min<index_t>(lo + step, n_scenarios)), -1) << lo << " " << step;
    }
  }
}

TEST(BatchChecks, OffsetsPastTheItemsAreNeverFollowed) {
  auto v = varied_columns(n_scenarios);
  v.country_offsets[101] = 1 << 30;  // far past the items: scenario 100 is bad, 101 starts out of range
  const batch_columns<double> c(std::move(v));
  EXPECT_EQ(first_bad_scenario(c, 0, 4096), 100);
  EXPECT_EQ(first_bad_scenario(c, 101, 4096), 101);
  EXPECT_EQ(input_error_of([&] { throw_bad_scenario(c, "B", 100); }),
            "B/country_offsets.npy[101]: value 1073741824 is above the item count");
}

/// A binary batch written to d/b with bad values, loaded with its checks left to the evaluation.
source unchecked_source(const test::temp_dir& d, column_vectors<double> v) {
  batch b;
  b.columns = batch_columns<double>(std::move(v));
  for (index_t i = 0; i < b.columns.num_scenarios(); ++i) b.ids.push_back("s" + std::to_string(i));
  write_binary_batch(b, d / "b");
  source_options so;
  so.checks_in_pass = true;
  source src = load_source(d / "b", so);
  EXPECT_FALSE(std::get<batch>(src.input).checked);
  return src;
}

TEST(BatchChecks, CpuBackendNamesTheLowestBadScenarioOnAnyThreads) {
  test::temp_dir d;
  const std::size_t n = 3 * static_cast<std::size_t>(reduce_unit) + 17;
  auto v = varied_columns(n);
  v.activities[2 * reduce_unit + 5] = -1;                                         // a later chunk
  v.standard_difficulty[static_cast<std::size_t>(v.standard_offsets[reduce_unit + 9])] = -7;  // lowest
  v.ethics_difficulty.back() = -8;
  const source src = unchecked_source(d, std::move(v));
  const std::string dir = (d / "b").string();
  const std::string want = dir + "/standard_difficulty.npy[" +
                           std::to_string(std::get<batch>(src.input).columns.standard_offsets[reduce_unit + 9]) +
                           "]: value -7 is negative (must be >= 0)";
  for (int threads : {1, 2, 3}) {
    backend_options opt;
    opt.threads = threads;
    auto be = make_backend<double>(backend_kind::cpu, src, opt);
    EXPECT_EQ(input_error_of([&] { be->reduce(reduce_spec{}, 0, static_cast<index_t>(n), {}); }), want) << threads;
    std::vector<metric_row<double>> rows(n);
    EXPECT_EQ(input_error_of([&] { be->evaluate(0, static_cast<index_t>(n), rows.data()); }), want) << threads;
  }
  // A shard without the bad scenarios evaluates; f32 and the reference check everything first.
  auto be = make_backend<double>(backend_kind::cpu, src, {});
  EXPECT_EQ(input_error_of([&] { be->reduce(reduce_spec{}, 0, reduce_unit, {}); }), "");
  EXPECT_EQ(input_error_of([&] { make_backend<float>(backend_kind::cpu, src, {}); }),
            input_error_of([&] { validate_columns(std::get<batch>(src.input).columns, dir); }));
  EXPECT_EQ(input_error_of([&] { make_backend<double>(backend_kind::reference, src, {}); }),
            dir + "/activities.npy[" + std::to_string(2 * reduce_unit + 5) + "]: value -1 is negative (must be >= 0)");
}

}  // namespace
}  // namespace coopgrid
