#pragma once
/**
 * @file jobs.hpp
 * @brief What run_pipeline() computes per chunk (host/backends/cuda/pipeline.hpp):
 *        rows copied back into the caller's array, or the fused reduction
 *        folded into a reduce_state. Each launches for a grid, a design or a
 *        batch chunk.
 */
#include <array>
#include <optional>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/backends/cuda/memory.hpp"
#include "host/backends/cuda/pipeline.hpp"
#include "host/reduce/state.hpp"

namespace coopgrid::cuda_impl {

/// Rows of scenarios [first, first + n) into rows[0, n), chunk by chunk.
template <class T>
class rows_job {
 public:
  static constexpr const char* finish_range = "download";
  rows_job(metric_row<T>* rows, index_t first) : rows_(rows), first_(first) {}
  /// Device rows and their pinned copy for the largest chunk, in both slots.
  void reserve(const std::vector<chunk>& chunks);
  void launch_async(const grid_chunk<T>& v, const chunk& c, int slot, stream_view s);
  void launch_async(const batch_chunk<T>& v, const chunk& c, int slot, stream_view s);
  void launch_async(const design_chunk& v, const chunk& c, int slot, stream_view s);
  /// Copies the slot's rows (complete: its event was waited for) into place.
  void finish(const chunk& c, int slot);

 private:
  struct slot_buffers {
    device_buffer<metric_row<T>> d_rows;
    pinned_buffer<metric_row<T>> h_rows;
  };
  void download_async(const chunk& c, int slot, stream_view s);

  metric_row<T>* rows_;
  index_t first_;
  std::array<std::optional<slot_buffers>, 2> slots_;
};

/// The fused evaluate-and-reduce of every chunk, merged on the host in chunk order.
template <class T>
class reduce_job {
 public:
  static constexpr const char* finish_range = "merge";
  /**
   * @brief `blocks`: the persistent grid of the input's reduce kernel. Clears
   *        the device histogram on s and waits for it.
   */
  reduce_job(const reduce_spec& spec, const kernels::reduce_params& p, int blocks, const progress_fn& progress,
             stream_view s);
  /// Device outputs and their pinned copies for the largest chunk, in both slots.
  void reserve(const std::vector<chunk>& chunks);
  void launch_async(const grid_chunk<T>& v, const chunk& c, int slot, stream_view s);
  void launch_async(const batch_chunk<T>& v, const chunk& c, int slot, stream_view s);
  void launch_async(const design_chunk& v, const chunk& c, int slot, stream_view s);
  /// Folds the slot's launch into the total; reports progress.
  void finish(const chunk& c, int slot);
  /// The total with the histogram, once every chunk is finished.
  reduce_state result();

 private:
  struct slot_buffers {
    device_buffer<kernels::block_result> d_blocks;
    device_buffer<kernels::top_entry_dev> d_top;
    device_buffer<kernels::unit_sums> d_tiles;  ///< per tile: 0.25 B a scenario (32 MB at 2^27)
    device_buffer<kernels::unit_sums> d_units;
    pinned_buffer<kernels::block_result> h_blocks;
    pinned_buffer<kernels::top_entry_dev> h_top;
    pinned_buffer<kernels::unit_sums> h_units;
  };
  kernels::reduce_outputs outputs(int slot) const;
  void download_async(const chunk& c, int slot, stream_view s);

  const reduce_spec& spec_;
  kernels::reduce_params p_;
  int blocks_;
  const progress_fn& progress_;
  device_buffer<unsigned long long> d_hist_;
  reduce_state total_;
  std::array<std::optional<slot_buffers>, 2> slots_;
};

}  // namespace coopgrid::cuda_impl
