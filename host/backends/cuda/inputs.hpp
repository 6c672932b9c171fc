#pragma once
/**
 * @file inputs.hpp
 * @brief The CUDA backend's input kinds, each with the interface
 *        run_pipeline() expects (host/backends/cuda/pipeline.hpp): a grid
 *        (axis tables on the device, decoded per scenario), a design (its
 *        choice values on the device, samples decoded per index), a resident batch
 *        (uploaded once, evaluated many times) and a streamed batch (each
 *        chunk copied in on its slot's stream, from page-locked host columns
 *        or through pinned staging).
 */
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/backends/cuda/memory.hpp"
#include "host/backends/cuda/pipeline.hpp"
#include "host/source/batch.hpp"
#include "host/source/design.hpp"
#include "host/source/grid.hpp"

namespace coopgrid::cuda_impl {

/// Share of free device memory the pipeline's buffers may take.
inline constexpr double memory_share = 0.4;

/// Chunks of at most `cap` scenarios covering [first, first + count), no item ranges.
std::vector<chunk> cut(index_t first, index_t count, index_t cap);

/// Grid axis tables and per-block metric tables (built by a kernel: the device's own bits) on the device.
template <class T>
class grid_input {
 public:
  /// Uploads the tables of g; returns once they are on the device.
  grid_input(const grid& g, stream_view s);
  std::vector<chunk> plan(index_t first, index_t count, index_t cap) const { return cut(first, count, cap); }
  void reserve(const std::vector<chunk>&) {}
  void stage_async(const chunk&, int, stream_view) {}
  grid_chunk<T> view(const chunk& c, int) const { return {view_, c.first}; }
  int reduce_blocks(const kernels::reduce_params& p, int device) const;

 private:
  std::array<device_buffer<index_t>, num_grid_fields> ints_;
  std::array<device_buffer<T>, num_grid_fields> reals_;
  device_buffer<double> standards_log_q_, ethics_log_q_;
  device_buffer<T> activities_log10_;
  device_buffer<T> block_values_;
  tabulated_grid_view<T> view_;
};

/**
 * @brief A design with every `choice` parameter's values on the device, in
 *        one buffer (concatenated in parameter order); its view's
 *        `params[j].choices` point into that buffer. The rest of the design
 *        is the view itself, passed to the kernels by value.
 */
template <class T>
class design_input {
 public:
  /// Uploads the choice values of d; returns once they are on the device.
  design_input(const design_source& d, stream_view s);
  std::vector<chunk> plan(index_t first, index_t count, index_t cap) const { return cut(first, count, cap); }
  void reserve(const std::vector<chunk>&) {}
  void stage_async(const chunk&, int, stream_view) {}
  design_chunk view(const chunk& c, int) const { return {view_, c.first}; }
  int reduce_blocks(const kernels::reduce_params& p, int device) const;

 private:
  device_buffer<double> choices_;
  device_buffer<double> samples_;  ///< run --samples: the user's matrix (design_view::samples)
  design::design_view view_;
};

/// A batch's columns in precision T on the host: the source's own (double) or a converted copy (float).
template <class T>
class host_batch {
 public:
  /// Keeps a pointer to `c` (double), which must outlive this.
  explicit host_batch(const batch_columns<double>& c);
  const batch_columns<T>& columns() const { return *cols_; }
  const column<index_t>& offsets(int list) const;
  const column<T>& items(int array) const;
  index_t num_scenarios() const { return cols_->num_scenarios(); }
  /// Device memory the whole batch takes.
  std::size_t bytes() const;
  /// The row schedule for the whole batch: chosen once, so chunking never changes the bits.
  kernels::batch_schedule schedule() const;
  /// All of the batch as one chunk.
  chunk whole() const;

 private:
  std::unique_ptr<batch_columns<T>> converted_;
  const batch_columns<T>* cols_;
};

/// Which host columns of a batch are copied to the device directly (page-locked, or resident uploads).
struct host_pins {
  bool activities = false, cpa = false;
  std::array<bool, num_lists> offsets{};
  std::array<bool, num_item_arrays> items{};
  /// Every column direct: resident uploads copy straight from pageable memory.
  static host_pins all();
};

/**
 * @brief The columns of one chunk in `Buffer` memory (device or pinned),
 *        offsets rebased to the chunk. Columns marked in `skip` get no memory
 *        (pinned staging is not needed for page-locked host columns).
 */
template <class T, template <class> class Buffer>
struct batch_arrays {
  Buffer<T> activities;
  Buffer<index_t> cpa;
  std::array<Buffer<index_t>, num_lists> offsets;
  std::array<Buffer<T>, num_item_arrays> items;

  batch_arrays(index_t scenarios, const std::array<index_t, num_lists>& item_caps, const host_pins& skip = {});
  batch_view<T> view(index_t num_scenarios) const;
};

template <class T>
using device_batch = batch_arrays<T, device_buffer>;
template <class T>
using pinned_batch = batch_arrays<T, pinned_buffer>;

/// A whole batch in device memory, uploaded once.
template <class T>
class resident_batch {
 public:
  /// Uploads all of h; returns once it is on the device. @throws cuda_out_of_memory when it does not fit.
  resident_batch(const host_batch<T>& h, stream_view s);
  std::vector<chunk> plan(index_t first, index_t count, index_t cap) const { return cut(first, count, cap); }
  void reserve(const std::vector<chunk>&) {}
  void stage_async(const chunk&, int, stream_view) {}
  batch_chunk<T> view(const chunk& c, int) const { return {device_.view(num_scenarios_), c.first, 0, schedule_}; }
  int reduce_blocks(const kernels::reduce_params& p, int device) const;

 private:
  index_t num_scenarios_;
  kernels::batch_schedule schedule_;
  device_batch<T> device_;
};

/// A batch streamed through the pipeline: each slot holds one chunk's columns on the device.
template <class T>
class streamed_batch {
 public:
  /// `budget`: device bytes the pipeline may take; `pin_host`: page-lock the host columns worth it.
  streamed_batch(host_batch<T> h, std::size_t budget, bool pin_host);
  /// Chunks of at most `cap` scenarios whose item lists also fit the budget (at least one scenario each).
  std::vector<chunk> plan(index_t first, index_t count, index_t cap) const;
  /// Device columns and pinned staging for the largest chunk, in both slots.
  void reserve(const std::vector<chunk>& chunks);
  void stage_async(const chunk& c, int slot, stream_view s);
  batch_chunk<T> view(const chunk& c, int slot) const {
    return {slots_[slot]->device.view(c.count), 0, c.first, schedule_};
  }
  int reduce_blocks(const kernels::reduce_params& p, int device) const;

 private:
  struct slot_buffers {
    device_batch<T> device;
    pinned_batch<T> staging;
  };
  void pin_host_columns();

  host_batch<T> host_;
  std::size_t budget_;
  kernels::batch_schedule schedule_;
  host_pins pins_;
  std::vector<host_registration> registrations_;  ///< after host_: unlocked before its columns are freed
  std::array<std::optional<slot_buffers>, 2> slots_;
};

template <class T>
using cuda_input = std::variant<grid_input<T>, design_input<T>, resident_batch<T>, streamed_batch<T>>;

/**
 * @brief A batch's input kind: resident when it fits comfortably (and
 *        opt.chunk does not ask for streaming), streamed otherwise.
 */
template <class T>
cuda_input<T> make_batch_input(const batch_columns<double>& columns, const backend_options& opt, stream_view s);

}  // namespace coopgrid::cuda_impl
