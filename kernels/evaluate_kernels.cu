// Launchers of the per-scenario row kernels (kernels/rows_kernels.cuh).
#include "kernels/cuda_check.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/launch.hpp"
#include "kernels/rows_kernels.cuh"

namespace coopgrid::kernels {
namespace {

using detail::batch_rows_balanced_kernel;
using detail::batch_rows_group_kernel;
using detail::batch_scenarios;
using detail::block_tables_kernel;
using detail::design_samples;
using detail::grid_direct_scenarios;
using detail::grid_scenarios;
using detail::rebase_offsets_kernel;
using detail::thread_rows_kernel;

using detail::rows_threads;  // rows_kernels.cuh

int grid_size_for(index_t work_items, int threads) {
  // Enough blocks to fill any current GPU several times; the loops are grid-stride.
  const index_t blocks = (work_items + threads - 1) / threads;
  return static_cast<int>(blocks < 65536 ? (blocks > 0 ? blocks : 1) : 65536);
}

template <class T, int G>
void launch_group(const batch_view<T>& b, index_t first, index_t count, metric_row<T>* d_rows,
                  stream_view stream) {
  const index_t lanes = (count + (32 / G) - 1) / (32 / G) * 32;
  COOPGRID_LAUNCH(grid_size_for(lanes, rows_threads), rows_threads, 0, stream.value(),
                  batch_rows_group_kernel<T, G>)(b, first, count, d_rows);
}

}  // namespace

void launch_rebase_offsets_async(index_t* d_offsets, index_t n, index_t base, stream_view stream) {
  if (n <= 0 || base == 0) return;
  COOPGRID_LAUNCH(grid_size_for(n, rows_threads), rows_threads, 0, stream.value(), rebase_offsets_kernel)(
      d_offsets, n, base);
  COOPGRID_CHECK_LAUNCH();
}

const char* schedule_name(batch_schedule s) {
  switch (s) {
    case batch_schedule::thread_per_scenario: return "thread";
    case batch_schedule::lanes4_per_scenario: return "lanes4";
    case batch_schedule::lanes8_per_scenario: return "lanes8";
    case batch_schedule::warp_per_scenario: return "warp";
    case batch_schedule::balanced: return "balanced";
  }
  return "?";
}

batch_schedule choose_schedule(index_t num_scenarios, index_t num_items) {
  if (num_scenarios <= 0) return batch_schedule::thread_per_scenario;
  const double mean = static_cast<double>(num_items) / static_cast<double>(num_scenarios);
  if (mean < lanes4_schedule_threshold) return batch_schedule::thread_per_scenario;
  if (mean < lanes8_schedule_threshold) return batch_schedule::lanes4_per_scenario;
  if (mean < warp_schedule_threshold) return batch_schedule::lanes8_per_scenario;
  return batch_schedule::warp_per_scenario;
}

template <class T>
void launch_batch_rows_async(const batch_view<T>& b, index_t first, index_t count,
                             metric_row<T>* d_rows, batch_schedule schedule, stream_view stream) {
  if (count <= 0) return;
  switch (schedule) {
    case batch_schedule::thread_per_scenario:
      COOPGRID_LAUNCH(grid_size_for(count, rows_threads), rows_threads, 0, stream.value(),
                      thread_rows_kernel<T, batch_scenarios<T>>)(batch_scenarios<T>{b}, first, count, d_rows);
      break;
    case batch_schedule::lanes4_per_scenario: launch_group<T, 4>(b, first, count, d_rows, stream); break;
    case batch_schedule::lanes8_per_scenario: launch_group<T, 8>(b, first, count, d_rows, stream); break;
    case batch_schedule::warp_per_scenario: launch_group<T, 32>(b, first, count, d_rows, stream); break;
    case batch_schedule::balanced:
      COOPGRID_LAUNCH(grid_size_for(count, rows_threads), rows_threads,
                      rows_threads / 32 * sizeof(detail::segment_scratch<T>), stream.value(),
                      batch_rows_balanced_kernel<T>)(b, first, count, d_rows);
      break;
  }
  COOPGRID_CHECK_LAUNCH();
}

template <class T>
void launch_block_tables_async(const tabulated_grid_view<T>& t, T* d_values, stream_view stream) {
  const index_t rows = block_table_rows(t);
  if (rows <= 0) return;
  COOPGRID_LAUNCH(grid_size_for(rows, rows_threads), rows_threads, 0, stream.value(),
                  block_tables_kernel<T>)(t, rows, d_values);
  COOPGRID_CHECK_LAUNCH();
}

template <class T>
void launch_grid_rows_async(const tabulated_grid_view<T>& t, index_t first, index_t count,
                            metric_row<T>* d_rows, stream_view stream) {
  if (count <= 0) return;
  COOPGRID_LAUNCH(grid_size_for(count, rows_threads), rows_threads, 0, stream.value(),
                  thread_rows_kernel<T, grid_scenarios<T>>)(grid_scenarios<T>{t}, first, count, d_rows);
  COOPGRID_CHECK_LAUNCH();
}

template <class T>
void launch_grid_direct_rows_async(const grid_view<T>& g, index_t first, index_t count,
                                   metric_row<T>* d_rows, stream_view stream) {
  if (count <= 0) return;
  COOPGRID_LAUNCH(grid_size_for(count, rows_threads), rows_threads, 0, stream.value(),
                  thread_rows_kernel<T, grid_direct_scenarios<T>>)(grid_direct_scenarios<T>{g}, first, count, d_rows);
  COOPGRID_CHECK_LAUNCH();
}

template <class T>
void launch_design_rows_async(const design::design_view& d, index_t first, index_t count,
                              metric_row<T>* d_rows, stream_view stream) {
  if (count <= 0) return;
  COOPGRID_LAUNCH(grid_size_for(count, rows_threads), rows_threads, 0, stream.value(),
                  thread_rows_kernel<T, design_samples<T>>)(design_samples<T>{d}, first, count, d_rows);
  COOPGRID_CHECK_LAUNCH();
}

template void launch_batch_rows_async<float>(const batch_view<float>&, index_t, index_t,
                                             metric_row<float>*, batch_schedule, stream_view);
template void launch_batch_rows_async<double>(const batch_view<double>&, index_t, index_t,
                                              metric_row<double>*, batch_schedule, stream_view);
template void launch_block_tables_async<float>(const tabulated_grid_view<float>&, float*, stream_view);
template void launch_block_tables_async<double>(const tabulated_grid_view<double>&, double*, stream_view);
template void launch_grid_rows_async<float>(const tabulated_grid_view<float>&, index_t, index_t,
                                            metric_row<float>*, stream_view);
template void launch_grid_rows_async<double>(const tabulated_grid_view<double>&, index_t, index_t,
                                             metric_row<double>*, stream_view);
template void launch_grid_direct_rows_async<float>(const grid_view<float>&, index_t, index_t,
                                                   metric_row<float>*, stream_view);
template void launch_grid_direct_rows_async<double>(const grid_view<double>&, index_t, index_t,
                                                    metric_row<double>*, stream_view);
template void launch_design_rows_async<float>(const design::design_view&, index_t, index_t,
                                              metric_row<float>*, stream_view);
template void launch_design_rows_async<double>(const design::design_view&, index_t, index_t,
                                               metric_row<double>*, stream_view);

}  // namespace coopgrid::kernels
