// Launchers of the fused evaluate-and-reduce kernel (kernels/reduce_kernel.cuh).
#include "kernels/cuda_check.hpp"
#include "kernels/device_launch.cuh"
#include "kernels/launch.hpp"
#include "kernels/reduce_kernel.cuh"

namespace coopgrid::kernels {
namespace {

using detail::batch_eval;
using detail::design_eval;
using detail::fused_reduce_kernel;
using detail::grid_eval;
using detail::layout_for;
using detail::block_threads;
using detail::combine_tile_sums_kernel;

template <class T, class Eval>
void launch_fused(const Eval& ev, index_t first, index_t count, index_t index_offset,
                  const reduce_params& p, const reduce_outputs& out, int num_blocks, stream_view stream) {
  const auto bytes = layout_for<T>(p).total;
  auto kernel = fused_reduce_kernel<T, Eval>;
  COOPGRID_CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(bytes)));
  COOPGRID_LAUNCH(num_blocks, block_threads, bytes, stream.value(), kernel)(ev, first, count, index_offset, p, out);
  COOPGRID_CHECK_LAUNCH();
  const index_t tiles = reduce_tiles_in(count);
  const index_t threads = (tiles + detail::tiles_per_unit - 1) / detail::tiles_per_unit * num_metrics * num_moments;
  if (threads == 0) return;
  COOPGRID_LAUNCH(static_cast<int>((threads + block_threads - 1) / block_threads), block_threads, 0, stream.value(),
                  combine_tile_sums_kernel)(out.d_tiles, tiles, out.d_units);
  COOPGRID_CHECK_LAUNCH();
}

/// Resident blocks of fused_reduce_kernel<T, Eval> on the whole device, from that kernel's own occupancy.
template <class T, class Eval>
int blocks_per_device(const reduce_params& p, int device) {
  int sms = 0, per_sm = 0;
  COOPGRID_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const auto bytes = layout_for<T>(p).total;
  auto kernel = fused_reduce_kernel<T, Eval>;
  COOPGRID_CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(bytes)));
  COOPGRID_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, block_threads, bytes));
  return sms * (per_sm > 0 ? per_sm : 1);
}

}  // namespace

template <class T>
std::size_t reduce_shared_bytes(const reduce_params& p) {
  return layout_for<T>(p).total;
}

template <class T>
void launch_grid_reduce_async(const tabulated_grid_view<T>& t, index_t first, index_t count,
                              const reduce_params& p, const reduce_outputs& out, int num_blocks,
                              stream_view stream) {
  launch_fused<T>(grid_eval<T>{t}, first, count, 0, p, out, num_blocks, stream);
}

template <class T>
void launch_batch_reduce_async(const batch_view<T>& b, index_t first, index_t count,
                               index_t index_offset, const reduce_params& p,
                               const reduce_outputs& out, int num_blocks, stream_view stream) {
  launch_fused<T>(batch_eval<T>{b}, first, count, index_offset, p, out, num_blocks, stream);
}

template <class T>
void launch_design_reduce_async(const design::design_view& d, index_t first, index_t count,
                                const reduce_params& p, const reduce_outputs& out, int num_blocks,
                                stream_view stream) {
  launch_fused<T>(design_eval<T>{d}, first, count, 0, p, out, num_blocks, stream);
}

template <class T>
int grid_reduce_blocks_per_device(const reduce_params& p, int device) {
  return blocks_per_device<T, grid_eval<T>>(p, device);
}

template <class T>
int batch_reduce_blocks_per_device(const reduce_params& p, int device) {
  return blocks_per_device<T, batch_eval<T>>(p, device);
}

template <class T>
int design_reduce_blocks_per_device(const reduce_params& p, int device) {
  return blocks_per_device<T, design_eval<T>>(p, device);
}

#define COOPGRID_INSTANTIATE(T)                                                                  \
  template std::size_t reduce_shared_bytes<T>(const reduce_params&);                             \
  template void launch_grid_reduce_async<T>(const tabulated_grid_view<T>&, index_t, index_t,     \
                                            const reduce_params&, const reduce_outputs&, int,    \
                                            stream_view);                                           \
  template void launch_batch_reduce_async<T>(const batch_view<T>&, index_t, index_t, index_t,    \
                                             const reduce_params&, const reduce_outputs&, int,   \
                                             stream_view);                                          \
  template void launch_design_reduce_async<T>(const design::design_view&, index_t, index_t,      \
                                              const reduce_params&, const reduce_outputs&, int,  \
                                              stream_view);                                         \
  template int grid_reduce_blocks_per_device<T>(const reduce_params&, int);                      \
  template int batch_reduce_blocks_per_device<T>(const reduce_params&, int);                     \
  template int design_reduce_blocks_per_device<T>(const reduce_params&, int);
COOPGRID_INSTANTIATE(float)
COOPGRID_INSTANTIATE(double)
#undef COOPGRID_INSTANTIATE

}  // namespace coopgrid::kernels
