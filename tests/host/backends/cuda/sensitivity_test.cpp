// The CUDA backend's fused Sobol'/Morris pass against the cpu backend's
// (GPU only: skipped cleanly without a device). Ranges cross the analysis
// units' boundaries (4096 points) and start at 0 or on a unit multiple. On the
// emulated device the rows, the terms and the unit sums are computed by the
// same code and roundings as on the host, so the states are equal to the bit;
// on a GPU the device's math changes the rows' last bits, so sums agree to a
// tolerance there, while chunks and devices still give one device's bits.
#include <cmath>
#include <string>
#include <vector>

#include "host/analysis/analysis_view.hpp"
#include "host/backends/cpu_backend.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/backends/make_backend.hpp"
#include "host/util/errors.hpp"
#include "tests/support/device_skip.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::emulated;
#if defined(COOPGRID_EMULATED_DEVICE)
using test::emulated_devices;
#endif

/// Seven parameters (seven groups, d = 7): integers, choices on a count and a
/// real field (the device's choice buffer cut at the right offsets), continuous ones.
problem analysis_test_problem() {
  problem p;
  p.source = "analysis_test.toml";
  auto add = [&](int field, design::distribution dist, std::vector<double> choices = {}) {
    problem_parameter q;
    q.field = field;
    q.dist = dist;
    q.choices = std::move(choices);
    q.group = grid_field_names[field];
    p.parameters.push_back(std::move(q));
  };
  add(countries_count, design::make_integers(1, 12));
  add(countries_datasets, design::make_loguniform(1, 1e6));
  add(countries_share_prob, design::make_uniform(0, 1));
  add(standards_count, design::make_choice(4), {0, 3, 10, 20});
  add(standards_difficulty, design::make_triangular(0, 0.5, 3));
  add(resources_share_prob, design::make_choice(3), {0.1, 0.5, 0.9});
  add(ethics_difficulty, design::make_truncnormal(0.5, 0.3, 0, 2));
  p.reals[exchange_activities] = 10;
  p.ints[exchange_countries_per_activity] = 5;
  p.ints[resources_count] = 4;
  p.ints[ethics_count] = 2;
  return p;
}

struct analysis_case {
  std::string name;
  analysis::analysis_kind kind;
  bool second_order;
};

const analysis_case analysis_cases[] = {
    {"sobol", analysis::analysis_kind::sobol, false},
    {"sobol second order", analysis::analysis_kind::sobol, true},
    {"morris", analysis::analysis_kind::morris, false},
};

/// Points of every test design: two units and one point, so ranges cross both boundaries.
constexpr index_t design_points = 2 * analysis::analysis_unit + 1;

source analysis_source(const analysis_case& c, index_t points = design_points) {
  design_options o;
  o.kind = analysis_design(c.kind);
  o.n = points;
  o.seed = 20261203;
  o.second_order = c.second_order;
  o.scramble = c.kind == analysis::analysis_kind::sobol;
  return source("analysis_test.toml", design_source(analysis_test_problem(), o));
}

/// The view of `c` over `src` with R replicates, shifted by point 0 as the command does.
template <class T>
analysis::sensitivity_view analysis_view(const source& src, const analysis_case& c, int replicates) {
  analysis_options ao;
  ao.kind = c.kind;
  ao.replicates = replicates;
  auto v = make_sensitivity_view(std::get<design_source>(src.input), ao);
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(v.design.rows_per_point));
  make_cpu_backend<T>(src, {})->evaluate(0, v.design.rows_per_point, rows.data());
  set_shifts(v, rows.data());
  return v;
}

/// g (a CUDA state) against c (the cpu backend's): equal to the bit on the
/// emulated device; to the precision's tolerance (scaled by the largest sum) on a GPU.
template <class T>
void expect_same_state(const sensitivity_state& g, const sensitivity_state& c, const std::string& what) {
  ASSERT_EQ(g.points, c.points) << what;
  ASSERT_EQ(g.sums.size(), c.sums.size()) << what;
  if (emulated) {
    for (std::size_t i = 0; i < g.sums.size(); ++i) {
      ASSERT_TRUE(g.sums[i] == c.sums[i]) << what << " sum " << i << ": " << g.value(i) << " vs cpu " << c.value(i);
    }
    EXPECT_TRUE(g == c) << what;
    return;
  }
  double scale = 0;
  for (std::size_t i = 0; i < c.sums.size(); ++i) scale = std::max(scale, std::fabs(c.value(i)));
  const double rel = std::is_same_v<T, double> ? 1e-9 : 1e-4;
  for (std::size_t i = 0; i < g.sums.size(); ++i) {
    const double x = g.value(i), y = c.value(i);
    ASSERT_LE(std::fabs(x - y), rel * (std::max(std::fabs(x), std::fabs(y)) + scale))
        << what << " sum " << i << ": " << x << " vs cpu " << y;
  }
}

template <class T>
class CudaSensitivity : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CudaSensitivity, Precisions);

struct point_range {
  index_t first, count;
};

/// Ranges of 0, 1, 31, 32, 33, 4095, 4096 and 4097 points from 0, and some from a unit multiple.
std::vector<point_range> test_ranges(bool all) {
  std::vector<point_range> out;
  const index_t u = analysis::analysis_unit;
  for (index_t n : {index_t{0}, index_t{1}, index_t{31}, index_t{32}, index_t{33}, u - 1, u, u + 1}) {
    if (all || n == 0 || n == 33 || n == u + 1) out.push_back({0, n});
  }
  for (index_t n : {index_t{1}, index_t{33}, u + 1}) {
    if (all || n == u + 1) out.push_back({u, n});
  }
  return out;
}

/// Sobol' (first and second order) and Morris, R = 0 and 3: the cuda backend's
/// state equals the cpu backend's; progress counts every row once.
TYPED_TEST(CudaSensitivity, MatchesTheCpuBackend) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  for (const auto& ac : analysis_cases) {
    source src = analysis_source(ac);
    auto cpu = make_cpu_backend<T>(src, {});
    auto gpu = make_cuda_backend<T>(src, {});
    for (int replicates : {3, 0}) {
      const auto v = analysis_view<T>(src, ac, replicates);
      for (const auto& r : test_ranges(replicates == 3)) {
        const std::string what = ac.name + " R " + std::to_string(replicates) + " [" + std::to_string(r.first) +
                                 ", +" + std::to_string(r.count) + ")";
        index_t rows = 0;
        const auto g = gpu->sensitivity(v, r.first, r.count, [&](index_t done) { rows += done; });
        const auto c = cpu->sensitivity(v, r.first, r.count, {});
        EXPECT_EQ(rows, r.count * v.design.rows_per_point) << what;
        expect_same_state<T>(g, c, what);
      }
    }
  }
}

/// Chunks of one unit (both pipeline slots, partial units at the ends) give
/// the bits of one chunk; the backend keeps its own copy of the choice values.
TYPED_TEST(CudaSensitivity, ChunksGiveOneChunksBits) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  for (const auto& ac : analysis_cases) {
    source src = analysis_source(ac);
    const auto v = analysis_view<T>(src, ac, 3);
    backend_options tiny;
    tiny.chunk = 1;  // one unit per chunk
    auto whole = make_cuda_backend<T>(src, {});
    source scratch = src;
    auto chunked = make_cuda_backend<T>(scratch, tiny);
    for (auto& p : std::get<design_source>(scratch.input).prob.parameters) {
      for (double& x : p.choices) x = 7;  // the device must not read the host's tables
    }
    for (const point_range r : {point_range{0, design_points}, point_range{5, 2 * analysis::analysis_unit}}) {
      const std::string what = ac.name + " [" + std::to_string(r.first) + ", +" + std::to_string(r.count) + ")";
      const auto a = whole->sensitivity(v, r.first, r.count, {});
      const auto b = chunked->sensitivity(v, r.first, r.count, {});
      EXPECT_TRUE(a == b) << what;
      expect_same_state<T>(a, make_cpu_backend<T>(src, {})->sensitivity(v, r.first, r.count, {}), what);
    }
  }
}

/// The wide-chunk range: [4095, 18 x 4096 + 1), 19 units, from one point before a
/// unit boundary (no multiple of 4096) to one point after one: both end units hold one point.
struct wide_range {
  static constexpr index_t first = analysis::analysis_unit - 1;
  static constexpr index_t count = 17 * analysis::analysis_unit + 2;
};

/// The sums of the wide range with chunks of at most `chunk_units` units; `calls`
/// counts progress calls (one per chunk), which must add up to every row once.
sensitivity_state wide_run(const source& src, const analysis::sensitivity_view& v, index_t chunk_units, int& calls) {
  backend_options o;
  o.chunk = chunk_units * analysis::analysis_unit;
  index_t rows = 0;
  auto s = make_cuda_backend<double>(src, o)->sensitivity(v, wide_range::first, wide_range::count, [&](index_t done) {
    rows += done;
    ++calls;
  });
  EXPECT_EQ(rows, wide_range::count * v.design.rows_per_point) << chunk_units << " units a chunk";
  return s;
}

/// A chunk of more units than the former cap of 16 (the 19 units of wide_range) and
/// the same range in chunks of 7 units (the first cut inside a unit, the rest at
/// unit multiples): both the cpu backend's bits, and one progress call for the one
/// chunk, three for the three.
TEST(CudaSensitivityWideChunks, NineteenUnitsInOneChunkGiveTheCpuBits) {
  SKIP_WITHOUT_DEVICE();
  const analysis_case& ac = analysis_cases[0];
  const source src = analysis_source(ac, 18 * analysis::analysis_unit + 1);
  const auto v = analysis_view<double>(src, ac, 2);
  int one_calls = 0, seven_calls = 0;
  const auto one = wide_run(src, v, 64, one_calls);
  const auto seven = wide_run(src, v, 7, seven_calls);
  EXPECT_EQ(one_calls, 1);
  EXPECT_EQ(seven_calls, 3);
  EXPECT_TRUE(one == seven);
  const auto cpu = make_cpu_backend<double>(src, {})->sensitivity(v, wide_range::first, wide_range::count, {});
  expect_same_state<double>(one, cpu, "19 units");
}

#if defined(COOPGRID_EMULATED_DEVICE)
/// The emulated device's memory for one test (the fake runtime reads it on every call).
struct emulated_memory_mib {
  explicit emulated_memory_mib(const char* mib) { setenv("COOPGRID_EMULATED_DEVICE_MIB", mib, 1); }
  ~emulated_memory_mib() { unsetenv("COOPGRID_EMULATED_DEVICE_MIB"); }
  emulated_memory_mib(const emulated_memory_mib&) = delete;
  emulated_memory_mib& operator=(const emulated_memory_mib&) = delete;
};
#endif

/// Two slots of 19 units (~21 MB a unit here: rows, terms, weights, sums) do not fit
/// 256 MiB: the chunk halves (19, 9, 4 units) until they do, row buffer included,
/// and the sums keep the cpu backend's bits. Emulated device only (a GPU's memory is its own).
TEST(CudaSensitivityWideChunks, OutOfMemoryHalvesTheChunk) {
#if defined(COOPGRID_EMULATED_DEVICE)
  const analysis_case& ac = analysis_cases[0];
  const source src = analysis_source(ac, 18 * analysis::analysis_unit + 1);
  const auto v = analysis_view<double>(src, ac, 2);
  int calls = 0;
  sensitivity_state small;
  {
    const emulated_memory_mib cap("256");
    small = wide_run(src, v, 64, calls);
  }
  EXPECT_GT(calls, 1);
  const auto cpu = make_cpu_backend<double>(src, {})->sensitivity(v, wide_range::first, wide_range::count, {});
  expect_same_state<double>(small, cpu, "19 units in 256 MiB");
#else
  GTEST_SKIP() << "the emulated device's memory only";
#endif
}

/// --devices 0,1: each device sums whole units (absolute multiples of the unit, also
/// from a first point inside a unit, as a shard or a resumed run starts); the total is
/// one device's to the bit.
TEST(CudaSensitivityDevices, TwoDevicesGiveOneDevicesBits) {
#if defined(COOPGRID_EMULATED_DEVICE)
  const emulated_devices two_devices("2");
#endif
  if (cuda_device_count() < 2) GTEST_SKIP() << "fewer than two CUDA devices";
  for (const auto& ac : analysis_cases) {
    const source src = analysis_source(ac);
    const auto v = analysis_view<double>(src, ac, 3);
    backend_options two;
    two.devices = {0, 1};
    for (const point_range r : {point_range{0, design_points}, point_range{5, design_points - 5}}) {
      const std::string what = ac.name + " [" + std::to_string(r.first) + ", +" + std::to_string(r.count) + ")";
      const auto one = make_backend<double>(backend_kind::cuda, src, {})->sensitivity(v, r.first, r.count, {});
      const auto both = make_backend<double>(backend_kind::cuda, src, two)->sensitivity(v, r.first, r.count, {});
      EXPECT_TRUE(one == both) << what;
      EXPECT_EQ(both.points, r.count) << what;
    }
  }
}

/// Only a design has design points: any other source is a logic error, not a wrong answer.
TEST(CudaSensitivityDevices, RefusesSourcesWithoutDesignPoints) {
  SKIP_WITHOUT_DEVICE();
  const source design = analysis_source(analysis_cases[0]);
  const auto v = analysis_view<double>(design, analysis_cases[0], 0);
  const auto batch = test::batch_source(test::random_specs(8, 1));
  EXPECT_THROW(make_cuda_backend<double>(batch, {})->sensitivity(v, 0, 1, {}), logic_error);
}

}  // namespace
}  // namespace coopgrid
