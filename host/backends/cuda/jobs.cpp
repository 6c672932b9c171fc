// The pipeline's jobs (jobs.hpp): row downloads and the fused reduction's merges.
#include "host/backends/cuda/jobs.hpp"

#include <algorithm>

#include "host/backends/cuda/device_merge.hpp"
#include "kernels/launch.hpp"

namespace coopgrid::cuda_impl {
namespace {

/// Scenarios in the largest chunk.
index_t largest(const std::vector<chunk>& chunks) {
  index_t most = 0;
  for (const auto& c : chunks) most = std::max(most, c.count);
  return most;
}

index_t units_in(index_t scenarios) { return (scenarios + kernels::reduce_unit - 1) / kernels::reduce_unit; }

template <class V>
void download_array_async(V* h, const V* d, std::size_t n, stream_view s) {
  if (n > 0) COOPGRID_CUDA_TRY(cudaMemcpyAsync(h, d, n * sizeof(V), cudaMemcpyDeviceToHost, s));
}

}  // namespace

// ---- rows_job ----

template <class T>
void rows_job<T>::reserve(const std::vector<chunk>& chunks) {
  const auto n = static_cast<std::size_t>(largest(chunks));
  refill_slots(slots_, [&] { return slot_buffers{device_buffer<metric_row<T>>(n), pinned_buffer<metric_row<T>>(n)}; });
}

template <class T>
void rows_job<T>::launch_async(const grid_chunk<T>& v, const chunk& c, int slot, stream_view s) {
  kernels::launch_grid_rows_async(v.g, v.first, c.count, slots_[slot]->d_rows.data(), s);
  download_async(c, slot, s);
}

template <class T>
void rows_job<T>::launch_async(const batch_chunk<T>& v, const chunk& c, int slot, stream_view s) {
  kernels::launch_batch_rows_async(v.b, v.first, c.count, slots_[slot]->d_rows.data(), v.schedule, s);
  download_async(c, slot, s);
}

template <class T>
void rows_job<T>::launch_async(const design_chunk& v, const chunk& c, int slot, stream_view s) {
  kernels::launch_design_rows_async(v.d, v.first, c.count, slots_[slot]->d_rows.data(), s);
  download_async(c, slot, s);
}

template <class T>
void rows_job<T>::download_async(const chunk& c, int slot, stream_view s) {
  download_array_async(slots_[slot]->h_rows.data(), slots_[slot]->d_rows.data(), static_cast<std::size_t>(c.count), s);
}

template <class T>
void rows_job<T>::finish(const chunk& c, int slot) {
  parallel_memcpy(rows_ + (c.first - first_), slots_[slot]->h_rows.data(),
                  static_cast<std::size_t>(c.count) * sizeof(metric_row<T>));
}

// ---- reduce_job ----

template <class T>
reduce_job<T>::reduce_job(const reduce_spec& spec, const kernels::reduce_params& p, int blocks,
                          const progress_fn& progress, stream_view s)
    : spec_(spec),
      p_(p),
      blocks_(blocks),
      progress_(progress),
      d_hist_(static_cast<std::size_t>(p.hist_metric >= 0 ? p.hist_bins + 2 : 1)),
      total_(spec) {
  COOPGRID_CUDA_TRY(cudaMemsetAsync(d_hist_.data(), 0, d_hist_.size() * sizeof(unsigned long long), s));
  synchronize(s);
}

template <class T>
void reduce_job<T>::reserve(const std::vector<chunk>& chunks) {
  const auto blocks = static_cast<std::size_t>(blocks_);
  const auto top = blocks * static_cast<std::size_t>(std::max<index_t>(p_.top_k, 1));
  const auto units = static_cast<std::size_t>(units_in(largest(chunks)));
  const auto tiles = static_cast<std::size_t>(kernels::reduce_tiles_in(largest(chunks)));
  refill_slots(slots_, [&] {
    return slot_buffers{device_buffer<kernels::block_result>(blocks), device_buffer<kernels::top_entry_dev>(top),
                        device_buffer<kernels::unit_sums>(tiles),     device_buffer<kernels::unit_sums>(units),
                        pinned_buffer<kernels::block_result>(blocks), pinned_buffer<kernels::top_entry_dev>(top),
                        pinned_buffer<kernels::unit_sums>(units)};
  });
}

template <class T>
kernels::reduce_outputs reduce_job<T>::outputs(int slot) const {
  const auto& b = *slots_[slot];
  return kernels::reduce_outputs{b.d_blocks.data(), b.d_top.data(), b.d_tiles.data(), b.d_units.data(), d_hist_.data()};
}

template <class T>
void reduce_job<T>::launch_async(const grid_chunk<T>& v, const chunk& c, int slot, stream_view s) {
  kernels::launch_grid_reduce_async(v.g, v.first, c.count, p_, outputs(slot), blocks_, s);
  download_async(c, slot, s);
}

template <class T>
void reduce_job<T>::launch_async(const batch_chunk<T>& v, const chunk& c, int slot, stream_view s) {
  kernels::launch_batch_reduce_async(v.b, v.first, c.count, v.index_offset, p_, outputs(slot), blocks_, s);
  download_async(c, slot, s);
}

template <class T>
void reduce_job<T>::launch_async(const design_chunk& v, const chunk& c, int slot, stream_view s) {
  kernels::launch_design_reduce_async<T>(v.d, v.first, c.count, p_, outputs(slot), blocks_, s);
  download_async(c, slot, s);
}

template <class T>
void reduce_job<T>::download_async(const chunk& c, int slot, stream_view s) {
  auto& b = *slots_[slot];
  const auto blocks = static_cast<std::size_t>(blocks_);
  download_array_async(b.h_blocks.data(), b.d_blocks.data(), blocks, s);
  if (p_.top_k > 0) {
    download_array_async(b.h_top.data(), b.d_top.data(), blocks * static_cast<std::size_t>(p_.top_k), s);
  }
  download_array_async(b.h_units.data(), b.d_units.data(), static_cast<std::size_t>(units_in(c.count)), s);
}

template <class T>
void reduce_job<T>::finish(const chunk& c, int slot) {
  const auto& b = *slots_[slot];
  merge_device_launch(spec_, b.h_blocks.data(), blocks_, b.h_top.data(), p_.top_k, b.h_units.data(), c.count, total_);
  if (progress_) progress_(c.count);
}

template <class T>
reduce_state reduce_job<T>::result() {
  if (p_.hist_metric >= 0) {
    std::vector<unsigned long long> h(d_hist_.size());
    COOPGRID_CUDA_TRY(cudaMemcpy(h.data(), d_hist_.data(), h.size() * sizeof(h[0]), cudaMemcpyDeviceToHost));
    apply_device_histogram(h, total_);
  }
  total_.finish(spec_);
  return total_;
}

template class rows_job<float>;
template class rows_job<double>;
template class reduce_job<float>;
template class reduce_job<double>;

}  // namespace coopgrid::cuda_impl
