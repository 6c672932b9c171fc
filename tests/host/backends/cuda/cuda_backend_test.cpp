// The CUDA backend against the reference (GPU only: skipped cleanly without a
// device). Sizes cover warp, block and chunk boundaries; item lists cover
// empty and very long; grids cross 2^32; tiny chunks must not change results.
#include "host/backends/cpu_backend.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/backends/make_backend.hpp"
#include "host/commands/compare.hpp"
#include "host/commands/run.hpp"
#include "host/io/source_text.hpp"
#include "tests/support/reduce_edges.hpp"
#include "tests/support/device_skip.hpp"
#include "tests/support/test_util.hpp"

#if defined(COOPGRID_HAVE_CUDA) || defined(COOPGRID_EMULATED_DEVICE)
#include <cuda_runtime_api.h>

#include "host/backends/cuda/inputs.hpp"
#include "host/backends/cuda/memory.hpp"
#include "host/source/grid_block_tables.hpp"
#include "kernels/launch.hpp"
#else
// CPU-only builds: the fault tests skip before reaching these.
inline int cudaMemGetInfo(std::size_t*, std::size_t*) { return 1; }
inline int cudaMalloc(void**, std::size_t) { return 1; }
inline int cudaFree(void*) { return 0; }
constexpr int cudaSuccess = 0;
#endif

namespace coopgrid {
namespace {

/// x and y agree to the precision's tolerance, or are both NaN (an empty mean).
bool agrees_or_both_nan(const tolerance& tol, double x, double y) {
  return (std::isnan(x) && std::isnan(y)) || tol.agrees(x, y);
}


using test::emulated;
#if defined(COOPGRID_EMULATED_DEVICE)
using test::emulated_devices;
#endif
// coopgrid_emulated_tests runs this file on an emulated device (a fiber per
// CUDA thread): the largest sizes shrink there.

template <class T>
void expect_matches_reference(const source& src, backend<T>& be, index_t first, index_t count) {
  auto rows = test::poisoned_rows<T>(static_cast<std::size_t>(count));
  be.evaluate(first, count, rows.data());
  test::expect_rows_match_reference(src, first, rows.data(), count, be.name());
}

template <class T>
class CudaBackend : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CudaBackend, Precisions);

TYPED_TEST(CudaBackend, EdgeSizes) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  for (std::size_t n : {0u, 1u, 31u, 32u, 33u, 255u, 256u, 257u, 4097u, 100000u}) {
    if (emulated && n > 4097) continue;
    const auto src = test::batch_source(test::random_specs(n, static_cast<unsigned>(n) + 1));
    auto be = make_cuda_backend<T>(src, {});
    expect_matches_reference(src, *be, 0, static_cast<index_t>(n));
  }
}

TYPED_TEST(CudaBackend, EmptyAndVeryLongItemLists) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  auto specs = test::random_specs(64, 3);
  specs[0] = test::scenario_spec();
  specs[0].id = "empty";
  for (int i = 0; i < 1000000; ++i) specs[1].countries.emplace_back(0.5 + (i % 7), 0.3);
  for (int i = 0; i < 300000; ++i) specs[2].standards.push_back(0.001 * (i % 11));
  for (int i = 0; i < 70000; ++i) specs[3].ethics.push_back(0.5);
  specs[4].countries.assign(400000, {7279160.3, 0.3});  // equal items: one-signed roundings
  specs[4].standards.assign(400000, 7279160.3);
  const auto src = test::batch_source(specs);
  auto be = make_cuda_backend<T>(src, {});
  expect_matches_reference(src, *be, 0, 64);
}

TYPED_TEST(CudaBackend, TinyChunksGiveTheSameResults) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  // 20,000 scenarios: every column is large enough to be page-locked when
  // streamed (emulated: 9,000 short lists, so only some are: mixed chunks).
  const std::size_t n = emulated ? 9000 : 20000;
  const auto src = test::batch_source(test::random_specs(n, 17, emulated ? 3 : 40));
  backend_options tiny;
  tiny.chunk = 97;  // forces many pipeline chunks, none aligned to anything
  backend_options staged = tiny;
  staged.pin_host = false;  // every chunk through pinned staging, not page-locked columns
  auto a = make_cuda_backend<T>(src, {});
  auto b = make_cuda_backend<T>(src, tiny);
#if defined(COOPGRID_EMULATED_DEVICE)
  EXPECT_GT(coopgrid_emulated::registered_bytes(), 0u) << "the streamed backend page-locked nothing";
#endif
  auto c = make_cuda_backend<T>(src, staged);
  std::vector<metric_row<T>> ra(n), rb(n), rc(n);
  a->evaluate(0, static_cast<index_t>(n), ra.data());
  b->evaluate(0, static_cast<index_t>(n), rb.data());
  c->evaluate(0, static_cast<index_t>(n), rc.data());
  // Per-scenario arithmetic does not depend on the chunking: bit-identical.
  EXPECT_EQ(0, std::memcmp(ra.data(), rb.data(), ra.size() * sizeof(metric_row<T>)));
  EXPECT_EQ(0, std::memcmp(ra.data(), rc.data(), ra.size() * sizeof(metric_row<T>)));
  expect_matches_reference(src, *b, 0, static_cast<index_t>(n));
  reduce_spec spec;
  spec.top_k = 5;
  spec.top_by = 1;
  const auto sa = a->reduce(spec, 0, static_cast<index_t>(n), {});
  const auto sb = b->reduce(spec, 0, static_cast<index_t>(n), {});
  const auto sc = c->reduce(spec, 0, static_cast<index_t>(n), {});
  EXPECT_EQ(sa.top, sb.top);
  EXPECT_EQ(sb.top, sc.top);
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_EQ(sa.metrics[m].argmax, sb.metrics[m].argmax);
    EXPECT_EQ(sa.metrics[m].count, sb.metrics[m].count);
    // Same chunks, staged or page-locked: the same sums to the last bit.
    const double mb = sb.metrics[m].mean(), mc = sc.metrics[m].mean();
    EXPECT_TRUE(mb == mc || (std::isnan(mb) && std::isnan(mc))) << metric_names[m] << ": " << mb << " vs " << mc;
  }
}

TYPED_TEST(CudaBackend, GridAcross32BitIndices) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  auto src = test::grid_source(R"(
[countries]
count = { range = [0, 99] }
datasets = { logspace = [0, 6, 1000] }
share_prob = { linspace = [0, 1, 1001] }
[standards]
count = { range = [0, 99] }
difficulty = { linspace = [0, 3, 97] }
)");
  ASSERT_GT(src.num_scenarios(), index_t{1} << 32);
  auto be = make_cuda_backend<T>(src, {});
  for (index_t first : {index_t{0}, (index_t{1} << 32) - 100, src.num_scenarios() - 333}) {
    expect_matches_reference(src, *be, first, 333);
  }
}

TYPED_TEST(CudaBackend, ReduceMatchesTheCpuBackend) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  // 20.2M scenarios (emulated: 1/60 of them, still 5 reduction units).
  auto src = test::grid_source(std::string(emulated ? "[countries]\ncount = { range = [1, 2] }\n"
                                                      "datasets = { logspace = [2, 6, 4] }\n"
                                                      "share_prob = { linspace = [0, 1, 21] }\n"
                                                    : "[countries]\ncount = { range = [1, 100] }\n"
                                                      "datasets = { logspace = [2, 6, 10] }\n"
                                                      "share_prob = { linspace = [0, 1, 101] }\n") +
                               R"(
[standards]
count = { range = [1, 50] }
difficulty = { linspace = [0, 5, 20] }
[exchange]
activities = { values = [0, 10] }
countries_per_activity = 5
)");
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.5")};
  spec.top_k = 100;
  spec.top_by = static_cast<int>(metric::shared_expected);
  // Bins of 0.1 centred on 0, 0.1, ..., 1: exact values (0, 1, 0.5) stay clear of every edge.
  spec.hist_metric = static_cast<int>(metric::standards_p_all);
  spec.hist_bins = 11;
  spec.hist_lo = -0.05;
  spec.hist_hi = 1.05;
  spec.hist_range_given = true;
  // The full-size grid is clear of edges too (checked once: a second CPU pass
  // over 20.2M scenarios would double this test's time on a GPU machine).
  if (emulated) test::expect_clear_of_edges<T>(src, spec);
  const index_t n = src.num_scenarios();
  auto gpu = make_cuda_backend<T>(src, {});
  auto cpu = make_cpu_backend<T>(src, {});
  const auto g = gpu->reduce(spec, 0, n, {});
  const auto c = cpu->reduce(spec, 0, n, {});
  EXPECT_EQ(g.scenarios, n);
  EXPECT_EQ(g.selected, c.selected);
  const auto tol = tolerance_for(test::precision_of<T>());
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_EQ(g.metrics[m].count, c.metrics[m].count);
    EXPECT_TRUE(tol.agrees(g.metrics[m].min, c.metrics[m].min)) << metric_names[m];
    EXPECT_TRUE(tol.agrees(g.metrics[m].max, c.metrics[m].max)) << metric_names[m];
    EXPECT_TRUE(tol.agrees(g.metrics[m].mean(), c.metrics[m].mean())) << metric_names[m];
    EXPECT_TRUE(agrees_or_both_nan(tol, sd_of(g.metrics[m]), sd_of(c.metrics[m]))) << metric_names[m];
  }
  ASSERT_EQ(g.top.size(), c.top.size());
  for (std::size_t i = 0; i < g.top.size(); ++i) {
    EXPECT_TRUE(tol.agrees(g.top[i].first, c.top[i].first)) << i;
  }
  index_t gh = 0, ch = 0;
  for (auto x : g.hist.bins) gh += x;
  for (auto x : c.hist.bins) ch += x;
  EXPECT_EQ(gh, ch);
}

TEST(CudaDevices, InfoListsEveryDevice) {
  SKIP_WITHOUT_DEVICE();
  const auto devices = cuda_devices();
  ASSERT_EQ(static_cast<int>(devices.size()), cuda_device_count());
  EXPECT_GT(devices[0].multiprocessors, 0);
  EXPECT_GT(devices[0].total_memory, 0u);
#if defined(COOPGRID_HAVE_CUDA) || defined(COOPGRID_EMULATED_DEVICE)
  // What `coopgrid info` prints: the attribute the registrations follow.
  for (const auto& d : devices) EXPECT_EQ(d.host_register_read_only, host_register_read_only_supported(d.ordinal));
#endif
}

// --devices: each device takes a unit-aligned slice on its own host thread;
// rows and reductions must equal one device's to the last bit. Needs two
// GPUs; the emulated build always has two.
TEST(CudaDevices, SeveralDevicesGiveOneDevicesResults) {
#if defined(COOPGRID_EMULATED_DEVICE)
  const emulated_devices two_devices("2");
#endif
  if (cuda_device_count() < 2) GTEST_SKIP() << "fewer than two CUDA devices";
  auto grid = test::grid_source(R"(
[countries]
count = { range = [1, 3] }
datasets = { logspace = [0, 5, 9] }
share_prob = { linspace = [0, 1, 41] }
[standards]
count = { range = [0, 30] }
difficulty = { linspace = [0, 4, 21] }
)");
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.4")};
  spec.top_k = 20;
  spec.top_by = static_cast<int>(metric::shared_variance);
  backend_options two;
  two.devices = {0, 1};
  // --brute-force: the devices reduce the grid (it is otherwise factorized on the host).
  backend_options one_bf, two_bf = two;
  one_bf.brute_force = two_bf.brute_force = true;
  auto one_gpu = make_backend<double>(backend_kind::cuda, grid, one_bf);
  auto two_gpus = make_backend<double>(backend_kind::cuda, grid, two_bf);
  const auto a = one_gpu->reduce(spec, 0, grid.num_scenarios(), {});
  const auto b = two_gpus->reduce(spec, 0, grid.num_scenarios(), {});
  EXPECT_EQ(a.selected, b.selected);
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_TRUE(a.metrics[m].moments == b.metrics[m].moments) << metric_names[m];
    EXPECT_EQ(a.metrics[m].argmax, b.metrics[m].argmax) << metric_names[m];
  }
  EXPECT_EQ(a.top, b.top);
  const auto batch = test::batch_source(test::random_specs(3000, 5));
  auto one_b = make_backend<float>(backend_kind::cuda, batch, {});
  auto two_b = make_backend<float>(backend_kind::cuda, batch, two);
  std::vector<metric_row<float>> ra(3000), rb(3000);
  one_b->evaluate(0, 3000, ra.data());
  two_b->evaluate(0, 3000, rb.data());
  EXPECT_EQ(0, std::memcmp(ra.data(), rb.data(), ra.size() * sizeof(ra[0])));
  // Streamed on both devices, f64: the two backends page-lock the same source
  // columns (registrations are shared and counted), and unlock them at the end.
  {
    backend_options streamed = two;
    streamed.chunk = 500;
    auto two_s = make_backend<double>(backend_kind::cuda, batch, streamed);
    auto one_s = make_backend<double>(backend_kind::cuda, batch, {});
    std::vector<metric_row<double>> rs(3000), r1(3000);
    two_s->evaluate(0, 3000, rs.data());
    one_s->evaluate(0, 3000, r1.data());
    EXPECT_EQ(0, std::memcmp(rs.data(), r1.data(), rs.size() * sizeof(rs[0])));
#if defined(COOPGRID_EMULATED_DEVICE)
    EXPECT_GT(coopgrid_emulated::registered_bytes(), 0u);
#endif
  }
#if defined(COOPGRID_EMULATED_DEVICE)
  EXPECT_EQ(coopgrid_emulated::registered_bytes(), 0u) << "page-locked memory left behind";
#endif
}

TEST(CudaDevices, NoDeviceIsARuntimeError) {
#if defined(COOPGRID_EMULATED_DEVICE)
  const emulated_devices none("0");  // a machine without a GPU
#endif
  if (cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  const auto src = test::batch_source(test::random_specs(3, 1));
  EXPECT_THROW(make_cuda_backend<double>(src, {}), std::runtime_error);
}

}  // namespace
}  // namespace coopgrid

namespace coopgrid {
namespace {

#if defined(COOPGRID_HAVE_CUDA) || defined(COOPGRID_EMULATED_DEVICE)
/// The batch's columns in device memory, viewed by the kernels directly.
template <class T>
struct device_columns {
  std::vector<device_buffer<T>> reals;
  std::vector<device_buffer<index_t>> ints;
  batch_view<T> view;

  explicit device_columns(const batch_columns<T>& c) {
    auto up = [](auto& list, const auto& v) {
      using V = typename std::decay_t<decltype(v)>::value_type;
      list.emplace_back(v.size());
      if (!v.empty()) {
        EXPECT_EQ(cudaMemcpy(list.back().data(), v.data(), v.size() * sizeof(V), cudaMemcpyHostToDevice),
                  cudaSuccess);
      }
      return list.back().data();
    };
    reals.reserve(6);
    ints.reserve(5);
    view = batch_view<T>{c.num_scenarios(),           up(reals, c.activities),
                         up(ints, c.countries_per_activity), up(ints, c.country_offsets),
                         up(reals, c.datasets),          up(reals, c.country_share_prob),
                         up(ints, c.standard_offsets),   up(reals, c.standard_difficulty),
                         up(ints, c.resource_offsets),   up(reals, c.resource_share_prob),
                         up(ints, c.ethics_offsets),     up(reals, c.ethics_difficulty)};
  }
};

template <class T>
class CudaKernels : public ::testing::Test {};
TYPED_TEST_SUITE(CudaKernels, Precisions);

/// Every row schedule on scenarios [first, n) of src (a batch) against the
/// reference; one spare row past the end must stay poisoned.
template <class T>
void expect_every_schedule_matches(const source& src, index_t first, const std::string& what) {
  const auto cols = convert_columns<T>(test::batch_of(src).columns);
  const device_columns<T> dev(cols);
  const index_t count = src.num_scenarios() - first;
  device_buffer<metric_row<T>> d_rows(static_cast<std::size_t>(count) + 1);
  for (auto sched : kernels::all_batch_schedules) {
    ASSERT_EQ(cudaMemset(d_rows.data(), 0xff, (static_cast<std::size_t>(count) + 1) * sizeof(metric_row<T>)),
              cudaSuccess);
    kernels::launch_batch_rows_async(dev.view, first, count, d_rows.data(), sched, stream_view{});
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(count) + 1);
    ASSERT_EQ(cudaMemcpy(rows.data(), d_rows.data(), rows.size() * sizeof(metric_row<T>), cudaMemcpyDeviceToHost),
              cudaSuccess);
    test::expect_rows_match_reference(src, first, rows.data(), count,
                                      std::string(kernels::schedule_name(sched)) + " " + what);
    EXPECT_TRUE(std::isnan(static_cast<double>(rows[count].v[0]))) << kernels::schedule_name(sched);
  }
}

// Every schedule (1, 4, 8, 32 lanes per scenario, balanced), whatever
// choose_schedule would pick, on short and long lists, at warp and block
// edges, from an offset start (groups straddling the end must not write).
TYPED_TEST(CudaKernels, EveryScheduleMatchesTheReference) {
  SKIP_WITHOUT_DEVICE();
  for (std::size_t max_items : {std::size_t{3}, std::size_t{200}}) {
    for (std::size_t n : {0u, 1u, 7u, 31u, 32u, 33u, 257u, 4097u}) {
      if (emulated && max_items > 3 && n > 257) continue;  // up to 258 shuffles per scenario
      const auto src = test::batch_source(test::random_specs(n, static_cast<unsigned>(n * 7 + max_items), max_items));
      expect_every_schedule_matches<TypeParam>(src, n > 5 ? 5 : 0,
                                               "n=" + std::to_string(n) + " max_items=" + std::to_string(max_items));
    }
  }
}

// Lists of up to 20000 near-certain items: the split exponent and log1p(-e)
// of the formula core, and the per-scenario invariants (double) that the
// balanced schedule keeps in shared memory.
TYPED_TEST(CudaKernels, EveryScheduleOnNearCertainLists) {
  SKIP_WITHOUT_DEVICE();
  expect_every_schedule_matches<TypeParam>(test::batch_source(test::near_certain_specs(24, 11)), 1, "near-certain");
}

// The grid kernels read per-block tables that a kernel builds on the device:
// their rows are the bits of the per-scenario evaluation from the fields (the
// direct kernel) on this device, for tabulated blocks, a block past
// block_table_max_points (evaluated directly), 1-point axes and indices past
// 2^32. On the emulated device both are also the CPU's bits.
TYPED_TEST(CudaKernels, GridBlockTablesGiveTheDirectRowsBits) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const std::string edges32 = R"(
[countries]
count = { range = [1, 64] }
datasets = { logspace = [0, 6, 64] }
share_prob = { linspace = [0, 1, 64] }
[standards]
count = { range = [1, 256] }
difficulty = { linspace = [0, 5, 256] }
)";
  const std::string past_limit = R"(
[countries]
count = { range = [0, 99] }
datasets = { logspace = [0, 6, 1000] }
share_prob = { linspace = [0, 1, 1001] }
[standards]
count = { range = [0, 99] }
difficulty = { linspace = [0, 3, 97] }
)";
  const index_t n = emulated ? 700 : 20000;
  for (const std::string& toml : {std::string(test::random_grid_toml), edges32, past_limit,
                                  std::string("[ethics]\ncount = 3\ndifficulty = 0.2\n")}) {
    const auto src = test::grid_source(toml);
    const cuda_impl::grid_input<T> in(test::grid_of(src), stream_view{});
    const index_t total = src.num_scenarios();
    const index_t edge = total > (index_t{1} << 32) ? index_t{1} << 32 : total / 2;
    const index_t first = std::max<index_t>(0, edge - n / 2), count = std::min(n, total - first);
    const auto v = in.view(cuda_impl::chunk{first, count, {}, {}}, 0);
    const grid_tables<T> axes(test::grid_of(src));
    const grid_block_tables<T> host(axes.view());
    for (int b = 0; b < num_grid_blocks; ++b) {
      EXPECT_EQ(v.g.values[b] == nullptr, host.view().values[b] == nullptr) << toml << " block " << b;
    }
    device_buffer<metric_row<T>> d_tab(static_cast<std::size_t>(count)), d_direct(static_cast<std::size_t>(count));
    ASSERT_EQ(cudaMemset(d_tab.data(), 0xff, static_cast<std::size_t>(count) * sizeof(metric_row<T>)), cudaSuccess);
    kernels::launch_grid_rows_async(v.g, first, count, d_tab.data(), stream_view{});
    kernels::launch_grid_direct_rows_async(v.g.g, first, count, d_direct.data(), stream_view{});
    std::vector<metric_row<T>> tab(static_cast<std::size_t>(count)), direct(static_cast<std::size_t>(count));
    ASSERT_EQ(cudaMemcpy(tab.data(), d_tab.data(), tab.size() * sizeof(metric_row<T>), cudaMemcpyDeviceToHost),
              cudaSuccess);
    ASSERT_EQ(cudaMemcpy(direct.data(), d_direct.data(), direct.size() * sizeof(metric_row<T>), cudaMemcpyDeviceToHost),
              cudaSuccess);
    for (index_t i = 0; i < count; ++i) {
      ASSERT_EQ(std::memcmp(&tab[i], &direct[i], sizeof(metric_row<T>)), 0) << toml << " scenario " << first + i;
      if (emulated) {
        const auto cpu = evaluate_tabulated_scenario(host.view(), first + i);
        ASSERT_EQ(std::memcmp(&tab[i], &cpu, sizeof cpu), 0) << toml << " scenario " << first + i << " (cpu)";
      }
    }
    test::expect_rows_match_reference(src, first, tab.data(), count, "tabulated grid rows");
  }
}

// Out of memory keeps its type through the backend's stage messages: the
// callers that can do with less (the pipeline's back-off) catch that type.
TEST(CudaFaults, OutOfMemoryKeepsItsTypeThroughTheBackend) {
  SKIP_WITHOUT_DEVICE();
  std::size_t free_bytes = 0, total_bytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_bytes, &total_bytes), cudaSuccess);
  // Leave a few MiB (more where the device will not give all but those).
  void* hog = nullptr;
  std::size_t keep = std::size_t{4} << 20;
  while (cudaMalloc(&hog, free_bytes - keep) != cudaSuccess) {
    (void)cudaGetLastError();
    keep *= 2;
    ASSERT_LT(keep, free_bytes / 2) << "cannot fill the device";
  }
  // One axis of twice that many bytes in f64 points: the tables cannot fit.
  const auto src = test::grid_source("[countries]\ncount = 1\ndatasets = { linspace = [0, 1, " +
                                     std::to_string(keep / 4) + "] }\nshare_prob = 0.5\n");
  try {
    make_cuda_backend<double>(src, {});
    ADD_FAILURE() << "the upload fit";
  } catch (const cuda_out_of_memory& e) {
    EXPECT_NE(std::string(e.what()).find("upload stage"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  cudaFree(hog);
}
#endif

TEST(CudaFaults, OversizedChunksShrinkInsteadOfFailing) {
  SKIP_WITHOUT_DEVICE();
  // Leave ~1 GiB free, then ask for 2^25-row chunks (2 slots x 1.9 GB): the
  // pipeline must halve its chunks until they fit, and still be right.
  std::size_t free_bytes = 0, total_bytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_bytes, &total_bytes), cudaSuccess);
  void* hog = nullptr;
  // Emulated: 64 MiB left and 2^21 rows, the same halving at a sixteenth of the size.
  const std::size_t keep = emulated ? std::size_t{64} << 20 : std::size_t{1} << 30;
  ASSERT_EQ(cudaMalloc(&hog, free_bytes > 2 * keep ? free_bytes - keep : 0), cudaSuccess);
  auto src = test::grid_source(emulated ? "[countries]\ncount = { range = [0, 31] }\n"
                                          "datasets = { logspace = [0, 6, 256] }\n"
                                          "share_prob = { linspace = [0, 1, 256] }\n"
                                        : "[countries]\ncount = { range = [0, 31] }\n"
                                          "datasets = { logspace = [0, 6, 1024] }\n"
                                          "share_prob = { linspace = [0, 1, 1024] }\n");
  const index_t n = src.num_scenarios();  // 2^25 (emulated: 2^21)
  backend_options opt;
  opt.chunk = n;
  auto be = make_cuda_backend<float>(src, opt);
  std::vector<metric_row<float>> rows(static_cast<std::size_t>(n));
  be->evaluate(0, n, rows.data());
  cudaFree(hog);
  const auto tol = tolerance_for(precision::f32);
  for (index_t k : {index_t{0}, n / 3, n - 1}) {
    const auto ref = reference::evaluate(reference::grid_scenario(test::grid_of(src), k, true));
    for (int m = 0; m < num_metrics; ++m) EXPECT_TRUE(tol.agrees(rows[k].v[m], ref[m])) << k << " " << m;
  }
}

TEST(CudaFaults, ReduceIsBitIdenticalForAnyLaunchSize) {
  SKIP_WITHOUT_DEVICE();
  // 2^24 scenarios (emulated: 2^18, still 4 units for the launch sizes to split).
  auto src = test::grid_source(std::string(emulated ? "[countries]\ncount = { range = [1, 1] }\n"
                                                      "datasets = { logspace = [0, 6, 16] }\n"
                                                    : "[countries]\ncount = { range = [1, 64] }\n"
                                                      "datasets = { logspace = [0, 6, 64] }\n") +
                               R"(
share_prob = { linspace = [0, 1, 64] }
[standards]
count = { range = [1, 16] }
difficulty = { linspace = [0, 2, 16] }
)");
  reduce_spec spec;
  spec.top_k = 10;
  spec.top_by = 0;
  std::vector<reduce_state> states;
  for (index_t chunk : {index_t{0}, index_t{1} << 16, index_t{3} << 16}) {
    backend_options opt;
    opt.chunk = chunk;
    auto be = make_cuda_backend<double>(src, opt);
    states.push_back(be->reduce(spec, 0, src.num_scenarios(), {}));
  }
  for (std::size_t i = 1; i < states.size(); ++i) {
    for (int m = 0; m < num_metrics; ++m) {
      EXPECT_TRUE(states[0].metrics[m].moments == states[i].metrics[m].moments) << m;
      EXPECT_EQ(states[0].metrics[m].argmin, states[i].metrics[m].argmin) << m;
    }
    EXPECT_EQ(states[0].top, states[i].top);
  }
}

}  // namespace
}  // namespace coopgrid

namespace coopgrid {
namespace {

/// Small enough for compute-sanitizer (racecheck runs ~100x slower): the fused
/// reduction with filters, top-K merges and a shared-memory histogram, on a grid
/// and on a batch, against the CPU backend.
TYPED_TEST(CudaBackend, SmallReduceForSanitizers) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  auto g = test::grid_source(R"(
[countries]
count = { range = [0, 20] }
datasets = { logspace = [0, 4, 16] }
share_prob = { linspace = [0, 1, 17] }
[standards]
count = { range = [0, 9] }
difficulty = { values = [0, 0.5, 3] }
)");
  const auto b = test::batch_source(test::random_specs(70000, 23, 6));
  reduce_spec spec;
  // Threshold and bin edges clear of the exact values (0, 1, 0.5, 0.75, a
  // dataset count times k/16) that the grid and the batch produce.
  spec.where = {parse_filter("shared_expected>=0.55")};
  spec.top_k = 300;  // several bitonic merges per block
  spec.top_by = static_cast<int>(metric::shared_variance);
  spec.hist_metric = static_cast<int>(metric::standards_p_any);
  spec.hist_bins = 11;
  spec.hist_lo = -0.03;
  spec.hist_hi = 1.04;
  spec.hist_range_given = true;
  const source* sources[] = {&g, &b};
  for (const source* src : sources) {
    test::expect_clear_of_edges<T>(*src, spec);
    const index_t n = src->num_scenarios();
    const auto gpu = make_cuda_backend<T>(*src, {})->reduce(spec, 0, n, {});
    const auto cpu = make_cpu_backend<T>(*src, {})->reduce(spec, 0, n, {});
    EXPECT_EQ(gpu.selected, cpu.selected);
    EXPECT_EQ(gpu.hist.bins, cpu.hist.bins);
    ASSERT_EQ(gpu.top.size(), cpu.top.size());
    const auto tol = tolerance_for(test::precision_of<T>());
    for (std::size_t i = 0; i < gpu.top.size(); ++i) EXPECT_TRUE(tol.agrees(gpu.top[i].first, cpu.top[i].first)) << i;
    for (int m = 0; m < num_metrics; ++m) {
      EXPECT_TRUE(tol.agrees(gpu.metrics[m].mean(), cpu.metrics[m].mean())) << metric_names[m];
      EXPECT_TRUE(agrees_or_both_nan(tol, sd_of(gpu.metrics[m]), sd_of(cpu.metrics[m]))) << metric_names[m];
      EXPECT_TRUE(tol.agrees(gpu.metrics[m].max, cpu.metrics[m].max)) << metric_names[m];
    }
  }
}

}  // namespace
}  // namespace coopgrid

namespace coopgrid {
namespace {

// ---- Designs (DESIGNS.md section 2): the device decodes each sample from its
// index as the CPU backend does, so only the device's math may differ. ----

/// A problem over every kind of parameter the device decodes: integers and a
/// choice on count fields, a choice on a real field (two choice tables: the
/// device buffer is cut at the right offsets), continuous distributions, and
/// fixed values for the rest.
problem design_test_problem() {
  problem p;
  p.source = "design_test.toml";
  auto add = [&](int field, design::distribution dist, std::vector<double> choices = {}) {
    problem_parameter q;
    q.field = field;
    q.dist = dist;
    q.choices = std::move(choices);
    q.group = grid_field_names[field];
    p.parameters.push_back(std::move(q));
  };
  add(countries_count, design::make_integers(1, 40));
  add(countries_datasets, design::make_loguniform(1, 1e6));
  add(countries_share_prob, design::make_uniform(0, 1));
  add(standards_count, design::make_choice(4), {0, 3, 10, 40});
  add(standards_difficulty, design::make_triangular(0, 0.5, 3));
  add(resources_share_prob, design::make_choice(3), {0.1, 0.5, 0.9});
  add(ethics_difficulty, design::make_truncnormal(0.5, 0.3, 0, 2));
  p.reals[exchange_activities] = 10;
  p.ints[exchange_countries_per_activity] = 5;
  p.ints[resources_count] = 4;
  p.ints[ethics_count] = 2;
  return p;
}

struct design_case {
  std::string name;
  design_options opt;
};

/// Every design kind and variant, each with at least 34 samples (the sizes
/// below); `scale` multiplies n.
std::vector<design_case> design_cases(index_t scale) {
  auto make = [](design::design_kind kind, index_t n) {
    design_options o;
    o.kind = kind;
    o.n = n;
    o.seed = 20261201;
    return o;
  };
  using design::design_kind;
  std::vector<design_case> out;
  out.push_back({"mc", make(design_kind::mc, 70 * scale)});
  out.push_back({"lhs", make(design_kind::lhs, 70 * scale)});
  out.push_back({"sobol", make(design_kind::sobol, 70 * scale)});
  out.push_back({"sobol scrambled", make(design_kind::sobol, 70 * scale)});
  out.back().opt.scramble = true;
  out.push_back({"saltelli", make(design_kind::saltelli, 4 * scale)});  // 9 rows per point
  out.push_back({"saltelli second order scrambled", make(design_kind::saltelli, 4 * scale)});
  out.back().opt.second_order = true;
  out.back().opt.scramble = true;
  out.push_back({"saltelli --base mc, second order", make(design_kind::saltelli, 4 * scale)});
  out.back().opt.second_order = true;
  out.back().opt.mc_base = true;
  out.push_back({"morris", make(design_kind::morris, 6 * scale)});  // 8 rows per trajectory
  out.push_back({"morris 6 levels", make(design_kind::morris, 6 * scale)});
  out.back().opt.levels = 6;
  return out;
}

source design_test_source(const design_options& o) {
  return source("design_test.toml", design_source(design_test_problem(), o));
}

/// Changes every host choice value of a design in place: a device view still
/// reading the host's tables would give other rows.
void scribble_choices(source& s) {
  for (auto& p : std::get<design_source>(s.input).prob.parameters) {
    for (double& c : p.choices) c = grid_field_is_integer(p.field) ? 7 : 0.77;
  }
}

/// Design rows: ranges of 0, 1, 31, 32 and 33 samples at both ends of every
/// design and the whole of it, in one chunk and in chunks of 7, equal the CPU
/// backend's rows to the precision's tolerance (and the reference's); no row
/// past the range is written. The backend is made from a source whose host
/// choice tables are then scribbled over: the device has its own copy.
TYPED_TEST(CudaBackend, DesignRowsMatchTheCpuBackend) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const auto tol = tolerance_for(test::precision_of<T>());
  for (const auto& dc : design_cases(emulated ? 4 : 40)) {
    const source src = design_test_source(dc.opt);
    const index_t n = src.num_scenarios();
    ASSERT_GE(n, 34) << dc.name;
    std::vector<metric_row<T>> want(static_cast<std::size_t>(n));
    make_cpu_backend<T>(src, {})->evaluate(0, n, want.data());
    test::expect_rows_match_reference(src, 0, want.data(), n, "cpu " + dc.name);
    backend_options tiny;
    tiny.chunk = 7;  // many pipeline chunks, none aligned to anything
    for (const backend_options& opt : {backend_options{}, tiny}) {
      source scratch = src;
      auto gpu = make_cuda_backend<T>(scratch, opt);
      scribble_choices(scratch);
      for (index_t count : {index_t{0}, index_t{1}, index_t{31}, index_t{32}, index_t{33}, n}) {
        for (index_t first : {index_t{0}, n - count}) {
          const std::string what = dc.name + " chunk " + std::to_string(opt.chunk) + " [" + std::to_string(first) +
                                   ", +" + std::to_string(count) + ")";
          auto rows = test::poisoned_rows<T>(static_cast<std::size_t>(count) + 1);
          gpu->evaluate(first, count, rows.data());
          for (index_t i = 0; i < count; ++i) {
            for (int m = 0; m < num_metrics; ++m) {
              const double x = rows[static_cast<std::size_t>(i)].v[m];
              const double y = want[static_cast<std::size_t>(first + i)].v[m];
              ASSERT_TRUE(tol.agrees(x, y)) << what << " sample " << first + i << " " << metric_names[m] << ": "
                                            << x << " vs cpu " << y;
            }
          }
          EXPECT_TRUE(std::isnan(static_cast<double>(rows[static_cast<std::size_t>(count)].v[0]))) << what;
        }
      }
    }
  }
}

/// The user's own rows (run --samples): an mc design's values as a matrix give the CPU backend's
/// rows on the device, which reads its own copy (the host matrix is scribbled over after).
TYPED_TEST(CudaBackend, SampleMatrixRowsMatchTheCpuBackend) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const auto tol = tolerance_for(test::precision_of<T>());
  const source mc = design_test_source(design_cases(1).front().opt);
  const auto& d = std::get<design_source>(mc.input);
  std::vector<double> x;
  for (index_t i = 0; i < d.num_samples; ++i) {
    const auto v = d.parameter_values(i);
    x.insert(x.end(), v.begin(), v.end());
  }
  source src("design_test.toml", design_source(design_test_problem(), x, "X.npy"));
  const index_t n = src.num_scenarios();
  ASSERT_EQ(n, d.num_samples);
  std::vector<metric_row<T>> want(static_cast<std::size_t>(n));
  make_cpu_backend<T>(src, {})->evaluate(0, n, want.data());
  test::expect_rows_match_reference(src, 0, want.data(), n, "cpu samples");
  auto gpu = make_cuda_backend<T>(src, {});
  for (double& v : std::get<design_source>(src.input).samples) v = 0.5;
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
  gpu->evaluate(0, n, rows.data());
  for (index_t i = 0; i < n; ++i) {
    for (int m = 0; m < num_metrics; ++m) {
      const double a = rows[static_cast<std::size_t>(i)].v[m], b = want[static_cast<std::size_t>(i)].v[m];
      ASSERT_TRUE(tol.agrees(a, b)) << "sample " << i << " " << metric_names[m] << ": " << a << " vs cpu " << b;
    }
  }
}

/**
 * @brief g (the CUDA backend's reduction of [first, first + count)) against
 *        c (the CPU backend's): counts and histograms exactly, values to the
 *        tolerance. An argmin, argmax or top-K index may differ only where
 *        the device's sample ties the CPU's winner within the tolerance
 *        (`rows`: the CPU's rows of the whole design).
 */
template <class T>
void expect_same_reduction(const reduce_state& g, const reduce_state& c, const std::vector<metric_row<T>>& rows,
                           const reduce_spec& spec, const std::string& what) {
  const auto tol = tolerance_for(test::precision_of<T>());
  auto value = [&](index_t k, int m) { return static_cast<double>(rows[static_cast<std::size_t>(k)].v[m]); };
  EXPECT_EQ(g.scenarios, c.scenarios) << what;
  EXPECT_EQ(g.selected, c.selected) << what;
  EXPECT_EQ(g.hist.bins, c.hist.bins) << what;
  EXPECT_EQ(g.hist.below, c.hist.below) << what;
  EXPECT_EQ(g.hist.above, c.hist.above) << what;
  for (int m = 0; m < num_metrics; ++m) {
    const auto& gm = g.metrics[m];
    const auto& cm = c.metrics[m];
    const std::string at = what + " " + metric_names[m];
    EXPECT_EQ(gm.count, cm.count) << at;
    EXPECT_TRUE(tol.agrees(gm.min, cm.min)) << at << ": min " << gm.min << " vs " << cm.min;
    EXPECT_TRUE(tol.agrees(gm.max, cm.max)) << at << ": max " << gm.max << " vs " << cm.max;
    EXPECT_TRUE(agrees_or_both_nan(tol, gm.mean(), cm.mean())) << at << ": mean " << gm.mean() << " vs " << cm.mean();
    EXPECT_TRUE(agrees_or_both_nan(tol, sd_of(gm), sd_of(cm))) << at << ": sd " << sd_of(gm) << " vs " << sd_of(cm);
    EXPECT_EQ(gm.argmin < 0, cm.argmin < 0) << at;
    if (gm.argmin >= 0 && cm.argmin >= 0 && gm.argmin != cm.argmin) {
      EXPECT_TRUE(tol.agrees(value(gm.argmin, m), cm.min)) << at << ": argmin " << gm.argmin << " vs " << cm.argmin;
    }
    EXPECT_EQ(gm.argmax < 0, cm.argmax < 0) << at;
    if (gm.argmax >= 0 && cm.argmax >= 0 && gm.argmax != cm.argmax) {
      EXPECT_TRUE(tol.agrees(value(gm.argmax, m), cm.max)) << at << ": argmax " << gm.argmax << " vs " << cm.argmax;
    }
  }
  ASSERT_EQ(g.top.size(), c.top.size()) << what;
  for (std::size_t i = 0; i < g.top.size(); ++i) {
    EXPECT_TRUE(tol.agrees(g.top[i].first, c.top[i].first)) << what << " top " << i;
    if (g.top[i].second != c.top[i].second) {
      EXPECT_TRUE(tol.agrees(value(g.top[i].second, spec.top_by), c.top[i].first))
          << what << " top " << i << ": sample " << g.top[i].second << " vs " << c.top[i].second;
    }
  }
}

/// A reduction with a filter, top-K and a histogram whose threshold and bin
/// edges (bins of 0.1 centred on 0, 0.1, ..., 1) stay clear of the exact values.
reduce_spec design_reduce_spec() {
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.3")};
  spec.top_k = 10;
  spec.top_by = static_cast<int>(metric::shared_expected);
  spec.hist_metric = static_cast<int>(metric::standards_p_all);
  spec.hist_bins = 11;
  spec.hist_lo = -0.05;
  spec.hist_hi = 1.05;
  spec.hist_range_given = true;
  return spec;
}

/// Design reductions of 0, 1, 31, 32 and 33 samples at both ends of every
/// design, and of all of it, equal the CPU backend's (the host's choice
/// tables scribbled over once the backend is made, as for rows).
TYPED_TEST(CudaBackend, DesignReduceMatchesTheCpuBackend) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const reduce_spec spec = design_reduce_spec();
  for (const auto& dc : design_cases(emulated ? 4 : 40)) {
    const source src = design_test_source(dc.opt);
    test::expect_clear_of_edges<T>(src, spec);
    const index_t n = src.num_scenarios();
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
    auto cpu = make_cpu_backend<T>(src, {});
    cpu->evaluate(0, n, rows.data());
    source scratch = src;
    auto gpu = make_cuda_backend<T>(scratch, {});
    scribble_choices(scratch);
    for (index_t count : {index_t{0}, index_t{1}, index_t{31}, index_t{32}, index_t{33}, n}) {
      for (index_t first : {index_t{0}, n - count}) {
        const auto g = gpu->reduce(spec, first, count, {});
        const auto c = cpu->reduce(spec, first, count, {});
        EXPECT_EQ(g.scenarios, count);
        expect_same_reduction<T>(g, c, rows, spec,
                                 dc.name + " [" + std::to_string(first) + ", +" + std::to_string(count) + ")");
      }
    }
  }
}

/// Designs of a reduction unit and 33 samples, reduced in launches of one
/// unit (a launch boundary inside the range), equal the CPU backend's; with
/// the default launch size too, to the last bit of the sums.
TYPED_TEST(CudaBackend, DesignReduceAcrossLaunchesMatchesTheCpuBackend) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const reduce_spec spec = design_reduce_spec();
  design_options mc;
  mc.kind = design::design_kind::mc;
  mc.n = reduce_unit + 33;
  mc.seed = 7;
  design_options saltelli;
  saltelli.kind = design::design_kind::saltelli;
  saltelli.n = reduce_unit / 9 + 5;  // 9 rows per point: just past one unit
  saltelli.scramble = true;
  saltelli.seed = 11;
  for (const auto& o : {mc, saltelli}) {
    const source src = design_test_source(o);
    const index_t n = src.num_scenarios();
    ASSERT_GT(n, reduce_unit);
    test::expect_clear_of_edges<T>(src, spec);
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
    auto cpu = make_cpu_backend<T>(src, {});
    cpu->evaluate(0, n, rows.data());
    const auto c = cpu->reduce(spec, 0, n, {});
    backend_options one_unit;
    one_unit.chunk = reduce_unit;
    const auto g = make_cuda_backend<T>(src, one_unit)->reduce(spec, 0, n, {});
    const auto whole = make_cuda_backend<T>(src, {})->reduce(spec, 0, n, {});
    const std::string what = describe_source(src);
    expect_same_reduction<T>(g, c, rows, spec, what + ", launches of one unit");
    for (int m = 0; m < num_metrics; ++m) {
      EXPECT_TRUE(g.metrics[m].moments == whole.metrics[m].moments) << what << " " << metric_names[m];
      EXPECT_EQ(g.metrics[m].argmin, whole.metrics[m].argmin) << what << " " << metric_names[m];
    }
    EXPECT_EQ(g.top, whole.top) << what;
    EXPECT_EQ(g.hist.bins, whole.hist.bins) << what;
  }
}

// A design on two devices (unit-aligned slices, each device with its own
// choice tables) gives one device's rows and reduction to the last bit. Needs
// two GPUs; the emulated build always has two.
TEST(CudaDevices, SeveralDevicesGiveOneDevicesDesignResults) {
#if defined(COOPGRID_EMULATED_DEVICE)
  const emulated_devices two_devices("2");
#endif
  if (cuda_device_count() < 2) GTEST_SKIP() << "fewer than two CUDA devices";
  design_options o;
  o.kind = design::design_kind::sobol;
  o.scramble = true;
  o.n = reduce_unit + 500;  // two reduction units: a slice per device
  o.seed = 3;
  const source src = design_test_source(o);
  const index_t n = src.num_scenarios();
  const reduce_spec spec = design_reduce_spec();
  backend_options two;
  two.devices = {0, 1};
  auto one_gpu = make_backend<double>(backend_kind::cuda, src, {});
  auto two_gpus = make_backend<double>(backend_kind::cuda, src, two);
  const auto a = one_gpu->reduce(spec, 0, n, {});
  const auto b = two_gpus->reduce(spec, 0, n, {});
  EXPECT_EQ(a.selected, b.selected);
  EXPECT_EQ(a.hist.bins, b.hist.bins);
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_TRUE(a.metrics[m].moments == b.metrics[m].moments) << metric_names[m];
    EXPECT_EQ(a.metrics[m].argmax, b.metrics[m].argmax) << metric_names[m];
  }
  EXPECT_EQ(a.top, b.top);
  std::vector<metric_row<double>> ra(static_cast<std::size_t>(n)), rb(static_cast<std::size_t>(n));
  one_gpu->evaluate(0, n, ra.data());
  two_gpus->evaluate(0, n, rb.data());
  EXPECT_EQ(0, std::memcmp(ra.data(), rb.data(), ra.size() * sizeof(ra[0])));
}

/// Every field of two reductions, to the bit (exact sums compared as sums).
void expect_same_device_state(const reduce_state& a, const reduce_state& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.scenarios, b.scenarios);
  EXPECT_EQ(a.selected, b.selected);
  for (int m = 0; m < num_metrics; ++m) {
    const auto &x = a.metrics[m], &y = b.metrics[m];
    EXPECT_EQ(x.count, y.count) << metric_names[m];
    EXPECT_EQ(x.argmin, y.argmin) << metric_names[m];
    EXPECT_EQ(x.argmax, y.argmax) << metric_names[m];
    EXPECT_EQ(0, std::memcmp(&x.min, &y.min, sizeof(double))) << metric_names[m];
    EXPECT_EQ(0, std::memcmp(&x.max, &y.max, sizeof(double))) << metric_names[m];
    EXPECT_TRUE(x.moments == y.moments) << metric_names[m];
    EXPECT_EQ(x.has_pos_inf, y.has_pos_inf) << metric_names[m];
    EXPECT_EQ(x.has_neg_inf, y.has_neg_inf) << metric_names[m];
  }
  EXPECT_EQ(a.top, b.top);
  EXPECT_EQ(a.hist.bins, b.hist.bins);
  EXPECT_EQ(a.hist.below, b.hist.below);
  EXPECT_EQ(a.hist.above, b.hist.above);
}

// Grid reductions on the cuda backend (one device or several) are factorized on
// the host, as the cpu's are: the same state to the bit, and no kernel runs for
// them; --brute-force keeps the device's own reduction.
TYPED_TEST(CudaBackend, GridReductionsFactorizedUnlessBruteForce) {
#if defined(COOPGRID_EMULATED_DEVICE)
  const emulated_devices two_devices("2");
#endif
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const auto g = test::grid_source(R"(
[countries]
count = { range = [0, 6] }
datasets = { logspace = [0, 4, 5] }
share_prob = { linspace = [0, 1, 9] }
[standards]
count = { range = [0, 7] }
difficulty = { values = [0, 0.5, 3] }
[exchange]
activities = { range = [0, 3] }
)");
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.3")};
  spec.top_k = 25;
  spec.top_by = static_cast<int>(metric::shared_variance);
  spec.hist_metric = static_cast<int>(metric::shared_expected);
  spec.hist_bins = 7;
  spec.hist_lo = -1;
  spec.hist_hi = 3000;
  spec.hist_range_given = true;
  const index_t n = g.num_scenarios();
  const index_t first = 37, count = n - 100;  // a range cut inside the blocks, as shards and segments are
  const auto cpu = make_backend<T>(backend_kind::cpu, g, {})->reduce(spec, first, count, {});
  auto gpu = make_backend<T>(backend_kind::cuda, g, {});  // may launch the block tables' kernel
  ASSERT_NE(gpu->factorized(), nullptr);
  std::size_t launches = 0;
#if defined(COOPGRID_EMULATED_DEVICE)
  coopgrid_emulated::set_launch_observer([&](const void*) { ++launches; });
#endif
  const auto fact = gpu->reduce(spec, first, count, {});
  EXPECT_EQ(launches, 0u);
  expect_same_device_state(fact, cpu, "cuda factorized");
  if (cuda_device_count() >= 2) {
    backend_options two;
    two.devices = {0, 1};
    auto multi = make_backend<T>(backend_kind::cuda, g, two);
    ASSERT_NE(multi->factorized(), nullptr);
    expect_same_device_state(multi->reduce(spec, first, count, {}), cpu, "two devices factorized");
  }
  backend_options bf;
  bf.brute_force = true;
  auto brute = make_backend<T>(backend_kind::cuda, g, bf);
  EXPECT_EQ(brute->factorized(), nullptr);
  launches = 0;
  const auto device = brute->reduce(spec, first, count, {});
#if defined(COOPGRID_EMULATED_DEVICE)
  EXPECT_GT(launches, 0u);  // the device folded the scenarios
  coopgrid_emulated::set_launch_observer(nullptr);
#endif
  // The device's own reduction, as make_cuda_backend gives it.
  expect_same_device_state(device, make_cuda_backend<T>(g, {})->reduce(spec, first, count, {}), "brute force");
  EXPECT_EQ(device.selected, cpu.selected);
  EXPECT_EQ(device.hist.bins, cpu.hist.bins);
  // The reference backend stays brute force.
  if constexpr (std::is_same_v<T, double>) {
    EXPECT_EQ(make_backend<double>(backend_kind::reference, g, {})->factorized(), nullptr);
  }
}

}  // namespace
}  // namespace coopgrid
