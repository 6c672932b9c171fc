// host/backends/cuda/inputs.hpp through the backend, on a device (the
// emulated one in CI): the row schedule is the whole batch's, and each input
// kind sizes its reduction for its own kernel. Skipped cleanly without a device.
#include "host/backends/cuda/cuda_backend.hpp"
#include "tests/support/device_skip.hpp"
#include "tests/support/test_util.hpp"

#if defined(COOPGRID_HAVE_CUDA) || defined(COOPGRID_EMULATED_DEVICE)
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "host/backends/cuda/inputs.hpp"
#include "kernels/launch.hpp"

namespace coopgrid {
namespace {

using test::emulated;

#if defined(COOPGRID_EMULATED_DEVICE)

/// The schedules whose batch row kernels run() launches, told apart by the
/// kernel each schedule launches for a one-scenario batch.
template <class T, class Run>
std::set<kernels::batch_schedule> row_kernels_launched(Run run) {
  const batch one = test::make_batch(test::random_specs(1, 1));
  const cuda_impl::host_batch<T> host(one.columns);
  const cuda_impl::resident_batch<T> dev(host, stream_view{});
  const auto view = dev.view(host.whole(), 0).b;
  device_buffer<metric_row<T>> d_row(1);
  std::map<const void*, kernels::batch_schedule> schedule_of;
  const void* last = nullptr;
  coopgrid_emulated::set_launch_observer([&](const void* kernel) { last = kernel; });
  for (auto sched : kernels::all_batch_schedules) {
    kernels::launch_batch_rows_async(view, 0, 1, d_row.data(), sched, stream_view{});
    schedule_of[last] = sched;
  }
  std::set<kernels::batch_schedule> seen;
  coopgrid_emulated::set_launch_observer([&](const void* kernel) {
    if (auto it = schedule_of.find(kernel); it != schedule_of.end()) seen.insert(it->second);
  });
  run();
  coopgrid_emulated::set_launch_observer(nullptr);
  return seen;
}
#endif

/// Items of scenarios [lo, hi) of a batch, all four lists.
index_t items_of(const batch_columns<double>& c, index_t lo, index_t hi) {
  index_t n = 0;
  for (const auto* off : {&c.country_offsets, &c.standard_offsets, &c.resource_offsets, &c.ethics_offsets}) {
    n += (*off)[static_cast<std::size_t>(hi)] - (*off)[static_cast<std::size_t>(lo)];
  }
  return n;
}

template <class T>
class CudaInputs : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CudaInputs, Precisions);

// The row schedule is chosen once per run from the whole batch, not per
// chunk: short lists, then long ones (each half alone would pick another
// schedule than the whole) give the same bits resident, streamed in tiny
// chunks, and evaluated in two calls.
TYPED_TEST(CudaInputs, ScheduleIsChosenOncePerRun) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const std::size_t half = emulated ? 600 : 20000;
  auto specs = test::random_specs(half, 29, 3);
  const auto longer = test::random_specs(half, 31, 40);
  specs.insert(specs.end(), longer.begin(), longer.end());
  const auto src = test::batch_source(specs);
  const auto& cols = test::batch_of(src).columns;
  const auto h = static_cast<index_t>(half), n = 2 * h;
  const auto whole = kernels::choose_schedule(n, items_of(cols, 0, n));
  ASSERT_NE(kernels::choose_schedule(h, items_of(cols, 0, h)), whole);
  ASSERT_NE(kernels::choose_schedule(h, items_of(cols, h, n)), whole);
  backend_options tiny;
  tiny.chunk = 64;
  auto resident = make_cuda_backend<T>(src, {});
  auto streamed = make_cuda_backend<T>(src, tiny);
  std::vector<metric_row<T>> ra(2 * half), rb(2 * half), rc(2 * half);
  resident->evaluate(0, n, ra.data());
#if defined(COOPGRID_EMULATED_DEVICE)
  // The emulator's lane groups give the thread schedule's bits (compensated
  // sums, no FMA contraction), so check the kernels the chunks launch too.
  const auto launched = row_kernels_launched<T>([&] { streamed->evaluate(0, n, rb.data()); });
  EXPECT_EQ(launched, std::set<kernels::batch_schedule>{whole}) << "the chunks chose their own schedules";
#else
  streamed->evaluate(0, n, rb.data());
#endif
  resident->evaluate(0, h, rc.data());
  resident->evaluate(h, h, rc.data() + half);
  EXPECT_EQ(0, std::memcmp(ra.data(), rb.data(), ra.size() * sizeof(metric_row<T>))) << "resident vs streamed";
  EXPECT_EQ(0, std::memcmp(ra.data(), rc.data(), ra.size() * sizeof(metric_row<T>))) << "one call vs two";
  test::expect_rows_match_reference(src, 0, rb.data(), n, "streamed");
}

#if defined(COOPGRID_EMULATED_DEVICE)
// Each fused reduction sizes its persistent grid from its own kernel's
// occupancy: the batch instantiation uses more registers than the grid one
// (sm_90, f64: 158 against 128, so one block per SM against two), so a batch
// run, resident or streamed, asks about the batch kernel only.
TYPED_TEST(CudaInputs, ReduceGridIsSizedForItsOwnKernel) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const std::string type = std::is_same_v<T, float> ? "<float>" : "<double>";
  const std::string batch_kernel = "batch_eval" + type, grid_kernel = "grid_eval" + type;
  auto queries = [&] {
    return std::pair{coopgrid_emulated::occupancy_queries(batch_kernel.c_str()),
                     coopgrid_emulated::occupancy_queries(grid_kernel.c_str())};
  };
  reduce_spec spec;
  spec.top_k = 3;
  const auto b = test::batch_source(test::random_specs(500, 3));
  backend_options streamed;
  streamed.chunk = 100;
  for (const auto& opt : {backend_options{}, streamed}) {
    const auto before = queries();
    make_cuda_backend<T>(b, opt)->reduce(spec, 0, 500, {});
    const auto after = queries();
    EXPECT_GT(after.first, before.first) << "the batch reduction did not ask about its own kernel";
    EXPECT_EQ(after.second, before.second) << "the batch reduction asked about the grid kernel";
  }
  const auto g = test::grid_source("[countries]\ncount = { range = [0, 30] }\ndatasets = 2\nshare_prob = 0.5\n");
  const auto before = queries();
  make_cuda_backend<T>(g, {})->reduce(spec, 0, g.num_scenarios(), {});
  const auto after = queries();
  EXPECT_GT(after.second, before.second) << "the grid reduction did not ask about its own kernel";
  EXPECT_EQ(after.first, before.first) << "the grid reduction asked about the batch kernel";
}
#endif

#if defined(COOPGRID_EMULATED_DEVICE)
// A design's reduction sizes its persistent grid from the design kernel's occupancy alone.
TYPED_TEST(CudaInputs, DesignReduceGridIsSizedForItsOwnKernel) {
  SKIP_WITHOUT_DEVICE();
  using T = TypeParam;
  const std::string type = std::is_same_v<T, float> ? "<float>" : "<double>";
  const std::string names[] = {"design_eval" + type, "grid_eval" + type, "batch_eval" + type};
  auto queries = [&] {
    std::array<std::size_t, 3> q{};
    for (int i = 0; i < 3; ++i) q[i] = coopgrid_emulated::occupancy_queries(names[i].c_str());
    return q;
  };
  problem p;
  problem_parameter q;
  q.field = countries_count;
  q.dist = design::make_integers(0, 30);
  p.parameters.push_back(q);
  p.reals[countries_datasets] = 2;
  p.reals[countries_share_prob] = 0.5;
  design_options o;
  o.n = 100;
  const source src("problem.toml", design_source(p, o));
  reduce_spec spec;
  spec.top_k = 3;
  const auto before = queries();
  make_cuda_backend<T>(src, {})->reduce(spec, 0, src.num_scenarios(), {});
  const auto after = queries();
  EXPECT_GT(after[0], before[0]) << "the design reduction did not ask about its own kernel";
  EXPECT_EQ(after[1], before[1]) << "the design reduction asked about the grid kernel";
  EXPECT_EQ(after[2], before[2]) << "the design reduction asked about the batch kernel";
}
#endif

// A design's choice values are on the device, concatenated in parameter
// order; the view points each choice parameter at its own values and the
// others at nothing.
TYPED_TEST(CudaInputs, DesignChoicesAreOnTheDevice) {
  SKIP_WITHOUT_DEVICE();
  problem p;
  auto add = [&](int field, design::distribution dist, std::vector<double> choices) {
    problem_parameter q;
    q.field = field;
    q.dist = dist;
    q.choices = std::move(choices);
    p.parameters.push_back(q);
  };
  add(countries_count, design::make_choice(3), {1, 5, 9});
  add(countries_share_prob, design::make_uniform(0, 1), {});
  add(standards_difficulty, design::make_choice(2), {0.25, 2.5});
  p.reals[countries_datasets] = 10;
  design_options o;
  o.n = 8;
  const design_source d(p, o);
  const cuda_impl::design_input<TypeParam> in(d, stream_view{});
  cuda_impl::chunk c;
  c.first = 3;
  c.count = 5;
  const cuda_impl::design_chunk v = in.view(c, 1);
  EXPECT_EQ(v.first, 3);
  EXPECT_EQ(v.d.num_samples, 8);
  EXPECT_EQ(v.d.params[1].choices, nullptr);
  ASSERT_NE(v.d.params[0].choices, nullptr);
  ASSERT_NE(v.d.params[2].choices, nullptr);
  EXPECT_NE(v.d.params[0].choices, d.prob.parameters[0].choices.data()) << "host memory";
  EXPECT_EQ(v.d.params[2].choices, v.d.params[0].choices + 3) << "one buffer, in parameter order";
  std::vector<double> got(5);
  ASSERT_EQ(cudaMemcpy(got.data(), v.d.params[0].choices, 5 * sizeof(double), cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(got, (std::vector<double>{1, 5, 9, 0.25, 2.5}));
}

// A streamed batch's chunks keep every list's items within the staging
// budget (a scenario alone may exceed it), cover the range exactly, and
// carry their item ranges. Plans only: no device needed.
TEST(CudaStreamedBatch, ChunksFitTheBudget) {
  auto specs = test::random_specs(300, 41, 30);
  specs[77].standards.assign(5000, 0.5);  // one scenario past the budget by itself
  const batch b = test::make_batch(specs);
  const std::size_t budget = 4 * (2 * sizeof(double) + 1) * 1000;  // 1000 items per list per chunk
  const cuda_impl::streamed_batch<double> in(cuda_impl::host_batch<double>(b.columns), budget, false);
  const auto chunks = in.plan(10, 280, 64);
  index_t next = 10;
  for (const auto& c : chunks) {
    EXPECT_EQ(c.first, next);
    EXPECT_GE(c.count, 1);
    EXPECT_LE(c.count, 64);
    const column<index_t>* offsets[] = {&b.columns.country_offsets, &b.columns.standard_offsets,
                                        &b.columns.resource_offsets, &b.columns.ethics_offsets};
    for (int list = 0; list < cuda_impl::num_lists; ++list) {
      const auto& off = *offsets[list];
      EXPECT_EQ(c.item_lo[list], off[static_cast<std::size_t>(c.first)]);
      EXPECT_EQ(c.item_hi[list], off[static_cast<std::size_t>(c.first + c.count)]);
      if (c.count > 1) {
        EXPECT_LE(c.item_hi[list] - c.item_lo[list], 1000) << "chunk at " << c.first;
      }
    }
    next += c.count;
  }
  EXPECT_EQ(next, 290);
  const bool alone =
      std::any_of(chunks.begin(), chunks.end(), [](const auto& c) { return c.first == 77 && c.count == 1; });
  EXPECT_TRUE(alone) << "the oversized scenario shares a chunk";
}

}  // namespace
}  // namespace coopgrid
#endif
