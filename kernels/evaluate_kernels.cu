// Per-scenario row kernels: explicit batches (a thread or a warp per
// scenario) and grids (a thread per scenario, decoded from its index).
#include "batch_view.hpp"
#include "cuda_check.hpp"
#include "grid_view.hpp"
#include "launch.hpp"
#include "warp_merge.cuh"

namespace coopgrid::kernels {
namespace {

constexpr int rows_threads = 256;

int grid_size_for(index_t work_items, int threads) {
  // Enough blocks to fill any current GPU several times; the loops are grid-stride.
  const index_t blocks = (work_items + threads - 1) / threads;
  return static_cast<int>(blocks < 65536 ? (blocks > 0 ? blocks : 1) : 65536);
}

template <class T>
__global__ void batch_rows_thread_kernel(batch_view<T> b, index_t first, index_t count,
                                         metric_row<T>* __restrict__ d_rows) {
  const index_t stride = static_cast<index_t>(gridDim.x) * blockDim.x;
  for (index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    d_rows[i] = evaluate_scenario(b, first + i);
  }
}

template <class T>
__global__ void batch_rows_warp_kernel(batch_view<T> b, index_t first, index_t count,
                                       metric_row<T>* __restrict__ d_rows) {
  const int lane = threadIdx.x & 31;
  const index_t warps = static_cast<index_t>(gridDim.x) * (blockDim.x / 32);
  for (index_t w = (static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32; w < count;
       w += warps) {
    const index_t s = first + w;
    const auto sb = standards_base_of(b, s);
    const auto eb = ethics_base_of(b, s);
    scenario_acc<T> acc;
    // Lanes read consecutive items: coalesced loads for long lists.
    accumulate_items(b, s, sb, eb, static_cast<index_t>(lane), index_t{32}, acc);
    detail::warp_merge_to_lane0(acc);
    metric_row<T> row;
    if (lane == 0) row = finish_scenario(acc, sb, eb, b.activities[s], b.countries_per_activity[s]);
    // Lane m takes metric m: one coalesced store of the whole row.
    T mine = T(0);
#pragma unroll
    for (int m = 0; m < num_metrics; ++m) {
      const T v = __shfl_sync(detail::full_mask, row.v[m], 0);
      if (lane == m) mine = v;
    }
    if (lane < num_metrics) d_rows[w].v[lane] = mine;
  }
}

template <class T>
__global__ void grid_rows_kernel(grid_view<T> g, index_t first, index_t count,
                                 metric_row<T>* __restrict__ d_rows) {
  const index_t stride = static_cast<index_t>(gridDim.x) * blockDim.x;
  for (index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    d_rows[i] = evaluate_grid_scenario(g, first + i);
  }
}

}  // namespace

batch_schedule choose_schedule(index_t num_scenarios, index_t num_items) {
  if (num_scenarios <= 0) return batch_schedule::thread_per_scenario;
  const double mean = static_cast<double>(num_items) / static_cast<double>(num_scenarios);
  return mean >= warp_schedule_threshold ? batch_schedule::warp_per_scenario
                                         : batch_schedule::thread_per_scenario;
}

template <class T>
void launch_batch_rows_async(const batch_view<T>& b, index_t first, index_t count,
                             metric_row<T>* d_rows, batch_schedule schedule, stream_t stream) {
  if (count <= 0) return;
  if (schedule == batch_schedule::warp_per_scenario) {
    batch_rows_warp_kernel<T><<<grid_size_for(count * 32, rows_threads), rows_threads, 0, stream>>>(
        b, first, count, d_rows);
  } else {
    batch_rows_thread_kernel<T><<<grid_size_for(count, rows_threads), rows_threads, 0, stream>>>(
        b, first, count, d_rows);
  }
  COOPGRID_CHECK_LAUNCH();
}

template <class T>
void launch_grid_rows_async(const grid_view<T>& g, index_t first, index_t count,
                            metric_row<T>* d_rows, stream_t stream) {
  if (count <= 0) return;
  grid_rows_kernel<T><<<grid_size_for(count, rows_threads), rows_threads, 0, stream>>>(g, first, count,
                                                                                      d_rows);
  COOPGRID_CHECK_LAUNCH();
}

template void launch_batch_rows_async<float>(const batch_view<float>&, index_t, index_t,
                                             metric_row<float>*, batch_schedule, stream_t);
template void launch_batch_rows_async<double>(const batch_view<double>&, index_t, index_t,
                                              metric_row<double>*, batch_schedule, stream_t);
template void launch_grid_rows_async<float>(const grid_view<float>&, index_t, index_t,
                                            metric_row<float>*, stream_t);
template void launch_grid_rows_async<double>(const grid_view<double>&, index_t, index_t,
                                             metric_row<double>*, stream_t);

}  // namespace coopgrid::kernels
