#pragma once
/**
 * @file pipeline.hpp
 * @brief The CUDA backend's double-buffered two-stream loop, shared by rows
 *        (evaluate) and the fused reduction, over any of the input
 *        kinds (host/backends/cuda/inputs.hpp).
 *
 * An Input has:
 *   std::vector<chunk> plan(first, count, cap) const  cuts the range into chunks
 *   void reserve(const std::vector<chunk>&)            per-slot memory for them
 *   void stage_async(const chunk&, int slot, stream_view)  the chunk's inputs on the device
 *   View view(const chunk&, int slot) const             what the kernels read (grid_chunk, batch_chunk,
 *                                                       design_chunk)
 * A Job has:
 *   static const char* const finish_range               the NVTX range of waiting for and taking a slot's results
 *   void reserve(const std::vector<chunk>&)            per-slot outputs
 *   void launch_async(const View&, const chunk&, int slot, stream_view)  kernels and copies back
 *   void finish(const chunk&, int slot)                the slot's results, once its work is done
 */
#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "host/backends/cuda/memory.hpp"
#include "host/util/nvtx.hpp"
#include "kernels/launch.hpp"

namespace coopgrid::cuda_impl {

inline constexpr int num_lists = 4;        ///< item lists: countries, standards, resources, ethics
inline constexpr int num_item_arrays = 5;  ///< datasets, country share_prob, standards, resources, ethics
inline constexpr int item_list[num_item_arrays] = {0, 0, 1, 2, 3};

/// A contiguous range of scenarios, with its item range in each list (streamed batches only).
struct chunk {
  index_t first = 0, count = 0;
  std::array<index_t, num_lists> item_lo{}, item_hi{};
};

/// A grid chunk as the kernels read it: scenarios [first, first + count) of g (with its block tables).
template <class T>
struct grid_chunk {
  tabulated_grid_view<T> g;
  index_t first;
};

/// A design chunk as the kernels read it: samples [first, first + count) of d
/// (its `choices` in device memory).
struct design_chunk {
  design::design_view d;
  index_t first;
};

/// A batch chunk as the kernels read it: scenarios [first, first + count) of b,
/// reported as index_offset + index in b, with the batch's row schedule.
template <class T>
struct batch_chunk {
  batch_view<T> b;
  index_t first;
  index_t index_offset;
  kernels::batch_schedule schedule;
};

/// The pipeline's two streams and the events that mark each slot's work.
struct pipeline_streams {
  std::array<cuda_stream, 2> streams;
  std::array<cuda_event, 2> events;
};

/// Scenarios [first, first + count) in chunks of at most `cap`, rounded down
/// to a multiple of `align` (at least one `align`).
struct pipeline_range {
  index_t first = 0, count = 0, cap = 1, align = 1;
};

/**
 * @brief Empties both slots, then fills each with make(); if that throws (out
 *        of memory), leaves both empty, so a retry has all the memory back.
 */
template <class Buffers, class Make>
void refill_slots(std::array<std::optional<Buffers>, 2>& slots, Make&& make) {
  for (auto& s : slots) s.reset();
  try {
    for (auto& s : slots) s.emplace(make());
  } catch (...) {
    for (auto& s : slots) s.reset();
    throw;
  }
}

/**
 * @brief Runs allocate(cap), halving cap after each out-of-memory failure:
 *        a pipeline that does not fit shrinks its chunks instead of failing.
 */
template <class Allocate>
void with_backoff(index_t cap, Allocate&& allocate) {
  for (;;) {
    try {
      allocate(cap);
      return;
    } catch (const cuda_out_of_memory&) {
      if (cap <= 1024) throw;
      cap /= 2;  // COOPGRID_CUDA_TRY has cleared the allocation error
    }
  }
}

/**
 * @brief Chunk j is staged, computed and copied back on stream j % 2 while
 *        chunk j - 1 runs on the other; a slot is finished (its event waited
 *        for, its results taken) just before chunk j + 2 reuses it, so chunks
 *        finish in order. Memory is reserved once for the largest chunk.
 */
template <class Input, class Job>
void run_pipeline(Input& in, Job& job, const pipeline_range& r, pipeline_streams& ps) {
  std::vector<chunk> chunks;
  with_backoff(r.cap, [&](index_t cap) {
    if (r.align > 1) cap = std::max(r.align, cap / r.align * r.align);
    chunks = in.plan(r.first, r.count, cap);
    job.reserve(chunks);
    in.reserve(chunks);
  });
  std::array<std::optional<chunk>, 2> pending;
  auto finish = [&](int slot) {
    if (!pending[slot]) return;
    const nvtx_range range(Job::finish_range);
    ps.events[slot].synchronize();
    job.finish(*pending[slot], slot);
    pending[slot].reset();
  };
  for (std::size_t j = 0; j < chunks.size(); ++j) {
    const int slot = static_cast<int>(j % 2);
    finish(slot);  // the chunk that used this slot two steps ago
    const chunk& c = chunks[j];
    const stream_view s = ps.streams[slot].view();
    in.stage_async(c, slot, s);
    job.launch_async(in.view(c, slot), c, slot, s);
    ps.events[slot].record(s);
    pending[slot] = c;
  }
  finish(static_cast<int>(chunks.size() % 2));
  finish(static_cast<int>((chunks.size() + 1) % 2));
}

}  // namespace coopgrid::cuda_impl
