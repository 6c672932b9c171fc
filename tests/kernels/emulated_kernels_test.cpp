// The CUDA kernels' bodies run on the CPU under the SIMT emulator
// (simt_emulator.hpp), in every build: with or without a GPU, their logic is
// checked against the reference and the CPU backend. Speed, races and the
// device's own arithmetic (FMA contraction, libdevice) are the GPU tests'
// business (cuda_backend_test.cpp, compute-sanitizer in device-check.sh).
#include "tests/support/simt_emulator.hpp"  // first: it defines the CUDA vocabulary

#include "host/backends/cpu_backend.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "host/backends/cuda/device_merge.hpp"
#include "host/commands/run.hpp"
#include "host/source/grid_block_tables.hpp"
#include "kernels/reduce_kernel.cuh"
#include "kernels/rows_kernels.cuh"
#include "tests/support/simd_env.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

namespace kd = kernels::detail;

template <class T>
class EmulatedKernels : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(EmulatedKernels, Precisions);

TEST(SimtEmulator, BarriersShufflesAndDeadlocks) {
  // Lane-group tree sums, as the row kernels merge: 2 warps, groups of 8.
  std::vector<int> out(64, -1);
  simt::launch(1, 64, 0, [](int* o) {
    int v = static_cast<int>(threadIdx.x);
    for (int d = 4; d > 0; d >>= 1) v += __shfl_down_sync(0xffffffffu, v, d, 8);
    o[threadIdx.x] = __shfl_sync(0xffffffffu, v, 0, 8);  // the leader's sum, broadcast
  }, out.data());
  for (int t = 0; t < 64; ++t) {
    const int g = t / 8 * 8;
    EXPECT_EQ(out[t], 8 * g + 28) << t;
  }
  int counted = 0;
  simt::launch(2, 96, 0, [](int* c) {
    const int n = __syncthreads_count(threadIdx.x % 3 == 0);
    if (threadIdx.x == 0) *c += n;
  }, &counted);
  EXPECT_EQ(counted, 64);
  // __match_any_sync: each lane gets the lanes holding its value (the histogram's peers).
  std::vector<unsigned> peers(64, 0);
  simt::launch(1, 64, 0, [](unsigned* o) {
    const long long v = threadIdx.x % 32 < 5 ? -1 : static_cast<long long>(threadIdx.x % 3);
    o[threadIdx.x] = __match_any_sync(0xffffffffu, v);
  }, peers.data());
  for (int t = 0; t < 64; ++t) {
    unsigned want = 0;
    for (int l = 0; l < 32; ++l) {
      if ((l < 5) == (t % 32 < 5) && (l < 5 || (t / 32 * 32 + l) % 3 == t % 3)) want |= 1u << l;
    }
    EXPECT_EQ(peers[t], want) << t;
  }
  // Threads that return early leave the others waiting: reported, not hung.
  EXPECT_THROW(simt::launch(1, 64, 0, [] {
    if (threadIdx.x < 32) return;
    __syncthreads();
  }), std::runtime_error);
  // Barriers in divergent code (undefined in CUDA) are reported even where
  // every thread passes the same number of them.
  try {
    simt::launch(1, 64, 0, [] {
      if (threadIdx.x % 2 == 0) {
        __syncthreads();
      } else {
        __syncthreads();
      }
    });
    ADD_FAILURE() << "a divergent barrier passed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("divergent __syncthreads"), std::string::npos) << e.what();
  }
  // Every thread order (COOPGRID_SIMT_ORDER) runs a correct kernel alike; a
  // missing barrier before reading a later thread's write shows in reverse.
  const char* outer = std::getenv("COOPGRID_SIMT_ORDER");
  const std::string saved = outer ? outer : "";
  auto exchange = [](bool barrier) {
    std::vector<int> seen(3 * 64, -1);
    simt::launch(3, 64, 64 * sizeof(int), [](int* o, bool sync) {
      COOPGRID_DYNAMIC_SMEM(smem);
      int* slot = reinterpret_cast<int*>(smem);
      slot[threadIdx.x] = static_cast<int>(blockIdx.x * 1000 + threadIdx.x);
      if (sync) __syncthreads();
      o[blockIdx.x * 64 + threadIdx.x] = slot[threadIdx.x ^ 1];
    }, seen.data(), barrier);
    int wrong = 0;
    for (int i = 0; i < 3 * 64; ++i) wrong += seen[i] != i / 64 * 1000 + (i % 64 ^ 1);
    return wrong;
  };
  for (const char* order : {"forward", "reverse", "shuffled"}) {
    setenv("COOPGRID_SIMT_ORDER", order, 1);
    EXPECT_EQ(exchange(true), 0) << order;
  }
  setenv("COOPGRID_SIMT_ORDER", "forward", 1);
  EXPECT_EQ(exchange(false), 3 * 32);  // even threads read odd ones not yet run
  setenv("COOPGRID_SIMT_ORDER", "reverse", 1);
  EXPECT_EQ(exchange(false), 3 * 32);  // and the other way round
  if (outer) {
    setenv("COOPGRID_SIMT_ORDER", saved.c_str(), 1);
  } else {
    unsetenv("COOPGRID_SIMT_ORDER");
  }
}

// Every schedule of the batch row kernel, on short and long lists, with a
// grid small enough that the grid-stride loops wrap many times and groups
// straddle the end of the range.
TYPED_TEST(EmulatedKernels, BatchRowsEverySchedule) {
  using T = TypeParam;
  for (std::size_t max_items : {std::size_t{3}, std::size_t{60}}) {
    for (std::size_t n : {0u, 1u, 31u, 33u, 70u}) {
      const auto src = test::batch_source(test::random_specs(n, static_cast<unsigned>(n * 5 + max_items), max_items));
      const auto cols = convert_columns<T>(test::batch_of(src).columns);
      const auto view = cols.view();
      const index_t first = n > 3 ? 3 : 0, count = static_cast<index_t>(n) - first;
      auto check = [&](const char* name, auto kernel, auto arg, bool bit_identical, std::size_t smem = 0) {
        auto rows = test::poisoned_rows<T>(static_cast<std::size_t>(count) + 1);
        simt::launch(2, 64, smem, kernel, arg, first, count, rows.data());
        test::expect_rows_match_reference(src, first, rows.data(), count, name + (" n=" + std::to_string(n)));
        for (index_t i = 0; bit_identical && i < count; ++i) {
          const auto seq = evaluate_scenario(view, first + i);
          for (int m = 0; m < num_metrics; ++m) {
            ASSERT_EQ(std::memcmp(&rows[i].v[m], &seq.v[m], sizeof(T)), 0) << name << " " << metric_names[m];
          }
        }
        EXPECT_TRUE(std::isnan(static_cast<double>(rows[count].v[0]))) << name << ": wrote past the range";
      };
      // The thread schedule runs the same sequential code as the CPU: identical bits.
      check("thread", kd::thread_rows_kernel<T, kd::batch_scenarios<T>>, kd::batch_scenarios<T>{view}, true);
      check("lanes4", kd::batch_rows_group_kernel<T, 4>, view, false);
      check("lanes8", kd::batch_rows_group_kernel<T, 8>, view, false);
      check("warp", kd::batch_rows_group_kernel<T, 32>, view, false);
      check("balanced", kd::batch_rows_balanced_kernel<T>, view, false, 2 * sizeof(kd::segment_scratch<T>));
    }
  }
}

TYPED_TEST(EmulatedKernels, GridRowsAreTheCpuValues) {
  using T = TypeParam;
  const auto src = test::grid_source(R"(
[countries]
count = { range = [0, 6] }
datasets = { values = [0, 3, 250] }
share_prob = { linspace = [0, 1, 5] }
[standards]
count = { range = [0, 4] }
difficulty = { values = [0, 0.5, 1, 3] }
[exchange]
activities = { values = [0, 1, 7.5] }
countries_per_activity = { range = [0, 2] }
)");
  const grid_tables<T> tables(test::grid_of(src));
  const auto g = tables.view();
  // The block tables as the device builds them (a thread per table row) are the host's.
  auto t = untabulated(g);
  std::vector<T> values(static_cast<std::size_t>(block_table_size(t)), std::numeric_limits<T>::quiet_NaN());
  simt::launch(2, 64, 0, kd::block_tables_kernel<T>, t, block_table_rows(t), values.data());
  attach_block_tables(t, values.data());
  const grid_block_tables<T> host_tables(g);
  ASSERT_EQ(values.size(), host_tables.values().size());
  ASSERT_EQ(std::memcmp(values.data(), host_tables.values().data(), values.size() * sizeof(T)), 0);
  const index_t first = 17, count = g.num_scenarios - 40;
  auto rows = test::poisoned_rows<T>(static_cast<std::size_t>(count));
  auto direct = test::poisoned_rows<T>(static_cast<std::size_t>(count));
  simt::launch(3, 64, 0, kd::thread_rows_kernel<T, kd::grid_scenarios<T>>, kd::grid_scenarios<T>{t}, first, count,
               rows.data());
  simt::launch(3, 64, 0, kd::thread_rows_kernel<T, kd::grid_direct_scenarios<T>>, kd::grid_direct_scenarios<T>{g},
               first, count, direct.data());
  for (index_t i = 0; i < count; ++i) {
    const auto cpu = evaluate_grid_scenario(g, first + i);
    ASSERT_EQ(std::memcmp(&rows[i], &cpu, sizeof cpu), 0) << "scenario " << first + i;
    ASSERT_EQ(std::memcmp(&direct[i], &cpu, sizeof cpu), 0) << "scenario " << first + i << " (direct)";
  }
}

TEST(EmulatedKernels, RebaseOffsets) {
  std::vector<index_t> off = {40, 41, 41, 45, 52};
  simt::launch(1, 32, 0, kd::rebase_offsets_kernel, off.data(), index_t{4}, index_t{40});
  EXPECT_EQ(off, (std::vector<index_t>{0, 1, 1, 5, 52}));
}

/// Runs the fused kernel over [first, first + count) with `blocks` blocks and
/// folds its outputs as the CUDA backend does.
template <class T, class Eval>
reduce_state fused_reduce(const Eval& ev, index_t first, index_t count, index_t index_offset,
                          const reduce_spec& spec, int blocks) {
  const auto p = device_reduce_params(spec);
  std::vector<kernels::block_result> h_blocks(static_cast<std::size_t>(blocks));
  std::vector<kernels::top_entry_dev> h_top(static_cast<std::size_t>(blocks) * std::max<index_t>(p.top_k, 1));
  std::vector<kernels::unit_sums> h_tiles(static_cast<std::size_t>(kernels::reduce_tiles_in(count)));
  std::vector<kernels::unit_sums> h_units(static_cast<std::size_t>((count + reduce_unit - 1) / reduce_unit));
  std::vector<unsigned long long> h_hist(static_cast<std::size_t>(p.hist_metric >= 0 ? p.hist_bins + 2 : 1), 0);
  // Poison what the kernel must overwrite (empty for 0 scenarios: memset takes no null pointer).
  auto poison = [](auto& v) {
    if (!v.empty()) std::memset(static_cast<void*>(v.data()), 0xab, v.size() * sizeof(v[0]));
  };
  poison(h_blocks);
  poison(h_tiles);
  poison(h_units);
  const kernels::reduce_outputs out{h_blocks.data(), h_top.data(), h_tiles.data(), h_units.data(), h_hist.data()};
  simt::launch(static_cast<unsigned>(blocks), kd::block_threads, kd::layout_for<T>(p).total,
               kd::fused_reduce_kernel<T, Eval>, ev, first, count, index_offset, p, out);
  simt::launch(3, 64, 0, kd::combine_tile_sums_kernel, h_tiles.data(), static_cast<index_t>(h_tiles.size()),
               h_units.data());
  reduce_state total(spec);
  merge_device_launch(spec, h_blocks.data(), blocks, h_top.data(), p.top_k, h_units.data(), count, total);
  if (p.hist_metric >= 0) apply_device_histogram(h_hist, total);
  total.finish(spec);
  return total;
}

void expect_same_summary(const reduce_state& got, const reduce_state& want, index_t index_shift,
                         const std::string& what) {
  EXPECT_EQ(got.scenarios, want.scenarios) << what;
  EXPECT_EQ(got.selected, want.selected) << what;
  for (int m = 0; m < num_metrics; ++m) {
    const auto& g = got.metrics[m];
    const auto& w = want.metrics[m];
    EXPECT_EQ(g.count, w.count) << what << " " << metric_names[m];
    if (w.count == 0) continue;
    EXPECT_EQ(g.min, w.min) << what << " " << metric_names[m];
    EXPECT_EQ(g.max, w.max) << what << " " << metric_names[m];
    EXPECT_EQ(g.argmin, w.argmin + index_shift) << what << " " << metric_names[m];
    EXPECT_EQ(g.argmax, w.argmax + index_shift) << what << " " << metric_names[m];
    const double gm = g.mean(), wm = w.mean();
    // Sums: the same units, a different order inside each (lanes, then a tree).
    EXPECT_TRUE(gm == wm || std::fabs(gm - wm) <= 1e-12 * std::fabs(wm) || (std::isnan(gm) && std::isnan(wm)))
        << what << " " << metric_names[m] << ": " << gm << " vs " << wm;
    const double gs = sd_of(g), ws = sd_of(w);  // its error scales with the mean's (cancellation)
    EXPECT_TRUE(gs == ws || std::fabs(gs - ws) <= 1e-12 * std::max(std::fabs(ws), std::fabs(wm)) ||
                (std::isnan(gs) && std::isnan(ws)))
        << what << " " << metric_names[m] << ": sd " << gs << " vs " << ws;
  }
  ASSERT_EQ(got.top.size(), want.top.size()) << what;
  for (std::size_t i = 0; i < got.top.size(); ++i) {
    EXPECT_EQ(got.top[i].first, want.top[i].first) << what << " top " << i;
    EXPECT_EQ(got.top[i].second, want.top[i].second + index_shift) << what << " top " << i;
  }
  EXPECT_EQ(got.hist.bins, want.hist.bins) << what;
  EXPECT_EQ(got.hist.below, want.hist.below) << what;
  EXPECT_EQ(got.hist.above, want.hist.above) << what;
}

std::vector<std::pair<std::string, reduce_spec>> reduce_specs() {
  std::vector<std::pair<std::string, reduce_spec>> out;
  out.emplace_back("summary", reduce_spec{});
  reduce_spec s;
  s.where.push_back(filter{static_cast<int>(metric::standards_p_any), true, 0.3});
  s.top_k = 7;
  s.top_by = static_cast<int>(metric::shared_expected);
  s.hist_metric = static_cast<int>(metric::shared_variance);
  s.hist_bins = 9;
  s.hist_lo = 0;
  s.hist_hi = 50;
  s.hist_range_given = true;
  out.emplace_back("where + top 7 + histogram", s);
  reduce_spec a;
  a.top_k = 300;  // more than a block's threads: the list and the staging overlap
  a.top_by = static_cast<int>(metric::standards_expected);
  a.top_ascending = true;
  out.emplace_back("top 300 ascending", a);
  reduce_spec o;
  o.top_k = 5;  // odd: the list's last entry pairs with the first cleared one in the sort
  o.top_by = static_cast<int>(metric::datasets_total);
  o.top_ascending = true;  // a cleared entry (0.0) would beat every value
  out.emplace_back("top 5 ascending", o);
  reduce_spec h;
  h.where.push_back(filter{static_cast<int>(metric::shared_expected), false, 400.0});
  h.hist_metric = static_cast<int>(metric::datasets_total);
  h.hist_bins = 3000;  // past max_shared_hist_bins: straight to global atomics
  h.hist_lo = 10;
  h.hist_hi = 5000;
  h.hist_range_given = true;
  out.emplace_back("<= filter + 3000-bin histogram", h);
  return out;
}

// The fused kernel over a grid of 1.3 units: 3 blocks, so block 0 takes unit
// 0, block 1 the partial unit 1, and block 2 nothing.
TYPED_TEST(EmulatedKernels, FusedGridReduceIsTheCpuBackendsReduce) {
  using T = TypeParam;
  const auto src = test::grid_source(R"(
[countries]
count = { range = [1, 9] }
datasets = { logspace = [1, 4, 11] }
share_prob = { linspace = [0, 1, 21] }
[standards]
count = { range = [0, 4] }
difficulty = { linspace = [0, 3, 9] }
)");
  ASSERT_GT(src.num_scenarios(), reduce_unit);
  ASSERT_LT(src.num_scenarios(), 2 * reduce_unit);
  const grid_tables<T> tables(test::grid_of(src));
  const grid_block_tables<T> block_tables(tables.view());
  const kd::grid_eval<T> ev{block_tables.view()};
  const kd::grid_direct_eval<T> direct{tables.view()};
  auto cpu = make_cpu_backend<T>(src, {});
  for (const auto& [name, spec] : reduce_specs()) {
    const auto want = cpu->reduce(spec, 0, src.num_scenarios(), {});
    expect_same_summary(fused_reduce<T>(ev, 0, src.num_scenarios(), 0, spec, 3), want, 0, name + ", 3 blocks");
    expect_same_summary(fused_reduce<T>(direct, 0, src.num_scenarios(), 0, spec, 3), want, 0, name + ", direct");
  }
  // A later launch of a longer reduction starts on a unit boundary.
  const auto specs = reduce_specs();
  const auto& spec = specs[1].second;
  const index_t rest = src.num_scenarios() - reduce_unit;
  expect_same_summary(fused_reduce<T>(ev, reduce_unit, rest, 0, spec, 2), cpu->reduce(spec, reduce_unit, rest, {}), 0,
                      "second launch");
}

// A batch chunk as the streaming pipeline launches it: the chunk's own
// indices from 0, reported shifted by the chunk's first scenario. Against the
// cpu backend's scalar rows, the formula core the kernel runs (vector rows,
// the default, differ in the last bits: README, "Agreement").
TYPED_TEST(EmulatedKernels, FusedBatchReduceShiftsChunkIndices) {
  using T = TypeParam;
  const auto src = test::batch_source(test::random_specs(3000, 11));
  const auto cols = convert_columns<T>(test::batch_of(src).columns);
  const kd::batch_eval<T> ev{cols.view()};
  const test::simd_env scalar("scalar");
  auto cpu = make_cpu_backend<T>(src, {});
  for (const auto& [name, spec] : reduce_specs()) {
    const auto want = cpu->reduce(spec, 0, 3000, {});
    expect_same_summary(fused_reduce<T>(ev, 0, 3000, 0, spec, 2), want, 0, name);
    expect_same_summary(fused_reduce<T>(ev, 0, 3000, 1000000, spec, 1), want, 1000000, name + ", shifted");
  }
}

// Tiles: blocks take reduce_tile scenarios round-robin, and a unit's tile sums
// merge in tile order on the device. Edge sizes around a warp, a block's step,
// a tile and a unit: every grid size gives the same bits (means included) and
// the cpu backend's counts, extrema, lists and bins.
TYPED_TEST(EmulatedKernels, FusedReduceSameBitsForAnyGridSizeAtTileEdges) {
  using T = TypeParam;
  const index_t unit = reduce_unit, tile = kernels::reduce_tile;
  const std::vector<index_t> sizes{0, 1, 31, 32, 33, 255, 256, 257, tile - 1, tile, tile + 1, unit - 1, unit, unit + 1};
  const auto src = test::batch_source(test::random_specs(unit + 1, 17));
  const auto cols = convert_columns<T>(test::batch_of(src).columns);
  const kd::batch_eval<T> ev{cols.view()};
  const test::simd_env scalar("scalar");
  auto cpu = make_cpu_backend<T>(src, {});
  const auto specs = reduce_specs();
  for (const index_t n : sizes) {
    const auto& [name, spec] = specs[n % 2 == 0 ? 0 : 1];  // the plain fold and the filtered one alike
    const std::string what = name + ", " + std::to_string(n) + " scenarios";
    const auto one = fused_reduce<T>(ev, 0, n, 0, spec, 1);
    expect_same_summary(one, cpu->reduce(spec, 0, n, {}), 0, what);
    for (const int blocks : {2, 7}) {
      const auto many = fused_reduce<T>(ev, 0, n, 0, spec, blocks);
      for (int m = 0; m < num_metrics; ++m) {
        EXPECT_TRUE(many.metrics[m].moments == one.metrics[m].moments) << what << ", " << blocks << " blocks, " << metric_names[m];
      }
      expect_same_summary(many, one, 0, what + ", " + std::to_string(blocks) + " blocks");
    }
  }
}

}  // namespace
}  // namespace coopgrid
