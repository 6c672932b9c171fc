// Launchers of the fused Sobol'/Morris pass (kernels/analysis_kernels.cuh).
#include "kernels/analysis_kernels.cuh"
#include "kernels/cuda_check.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/launch.hpp"

namespace coopgrid::kernels {
namespace {

using detail::analysis_threads;
using detail::bootstrap_weights_kernel;
using detail::replicate_tile;
using detail::sensitivity_rows_kernel;
using detail::sensitivity_terms_kernel;
using detail::unit_sums_kernel;

int blocks_for(index_t work_items, int threads) {
  const index_t blocks = (work_items + threads - 1) / threads;
  return static_cast<int>(blocks < 65536 ? (blocks > 0 ? blocks : 1) : 65536);
}

}  // namespace

index_t analysis_units_in(index_t first, index_t count) {
  if (count <= 0) return 0;
  return (first + count - 1) / analysis::analysis_unit - first / analysis::analysis_unit + 1;
}

template <class T>
void launch_sensitivity_rows_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                                   metric_row<T>* d_rows, stream_view stream) {
  if (count <= 0) return;
  const index_t rows = count * v.design.rows_per_point;
  COOPGRID_LAUNCH(blocks_for(rows, analysis_threads), analysis_threads, 0, stream.value(),
                  sensitivity_rows_kernel<T>)(v.design, first, count, d_rows);
  COOPGRID_CHECK_LAUNCH();
}

template <class T>
void launch_sensitivity_terms_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                                    const metric_row<T>* d_rows, double* d_terms, stream_view stream) {
  if (count <= 0) return;
  const index_t threads = count * (v.num_metrics > 0 ? v.num_metrics : 1);  // a thread per (point, metric)
  COOPGRID_LAUNCH(blocks_for(threads, analysis_threads), analysis_threads, 0, stream.value(),
                  sensitivity_terms_kernel<T>)(v, analysis::layout_of(v), first, count, d_rows, d_terms);
  COOPGRID_CHECK_LAUNCH();
}

void launch_bootstrap_weights_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                                    unsigned char* d_weights, stream_view stream) {
  if (count <= 0 || v.replicates <= 0) return;
  COOPGRID_LAUNCH(blocks_for(count * v.replicates, analysis_threads), analysis_threads, 0, stream.value(),
                  bootstrap_weights_kernel)(v.boot_seed, v.replicates, first, count, d_weights);
  COOPGRID_CHECK_LAUNCH();
}

void launch_unit_sums_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                            const double* d_terms, const unsigned char* d_weights, double* d_sums,
                            stream_view stream) {
  if (count <= 0) return;
  const auto t = analysis::layout_of(v);
  const int tiles_r = (v.replicates + 1 + replicate_tile - 1) / replicate_tile;
  const int tiles_q = (t.total + analysis_threads - 1) / analysis_threads;
  const index_t blocks = analysis_units_in(first, count) * tiles_r * tiles_q;
  COOPGRID_LAUNCH(static_cast<int>(blocks < 65536 ? blocks : 65536), analysis_threads, 0, stream.value(),
                  unit_sums_kernel)(t, v.replicates, first, count, tiles_r, tiles_q, d_terms, d_weights, d_sums);
  COOPGRID_CHECK_LAUNCH();
}

template void launch_sensitivity_rows_async<float>(const analysis::sensitivity_view&, index_t, index_t,
                                                   metric_row<float>*, stream_view);
template void launch_sensitivity_rows_async<double>(const analysis::sensitivity_view&, index_t, index_t,
                                                    metric_row<double>*, stream_view);
template void launch_sensitivity_terms_async<float>(const analysis::sensitivity_view&, index_t, index_t,
                                                    const metric_row<float>*, double*, stream_view);
template void launch_sensitivity_terms_async<double>(const analysis::sensitivity_view&, index_t, index_t,
                                                     const metric_row<double>*, double*, stream_view);

}  // namespace coopgrid::kernels
