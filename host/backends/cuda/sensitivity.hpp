#pragma once
/**
 * @file sensitivity.hpp
 * @brief The CUDA backend's fused Sobol'/Morris pass (kernels/analysis_kernels.cuh):
 *        chunks of whole analysis units, each point's rows and terms computed
 *        on the device, each unit's sums in the host's order and rounding,
 *        copied back and added exactly. Device memory is bounded by the chunk,
 *        never by the number of points.
 */
#include "host/analysis/sensitivity_state.hpp"
#include "host/backends/backend.hpp"
#include "host/backends/cuda/pipeline.hpp"
#include "kernels/analysis/sensitivity.hpp"

namespace coopgrid::cuda_impl {

/**
 * Units per chunk at most (a unit is 4096 points). The sums kernel has
 * 13 x ceil(terms / 256) blocks of 256 threads a unit at R = 100: 26 at 391
 * terms (RESULTS.md's count), so 16 units gave 416 blocks, 3.2 per SM of 132;
 * 64 units give 1,664 (12.6 per SM) and the terms kernel 64 x 4096 x 15 / 256 =
 * 15,360. Device memory: ~31 MB a unit at the timing run (second-order Sobol',
 * 6 groups, f64), ~2 GB a slot at 64 units; sensitivity.cpp, slot_bytes_per_unit.
 */
inline constexpr index_t max_chunk_units = 64;

/**
 * @brief Sums points [first, first + count) of `v` (its design's `choices` in
 *        device memory). `chunk_points` > 0 caps a chunk's points (rounded to
 *        whole units, at least one); 0 sizes chunks from free memory.
 *        `progress` counts rows. Chunks alternate between the two streams of
 *        `ps`: one chunk's sums are added on the host while the next runs.
 */
template <class T>
sensitivity_state device_sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                     index_t chunk_points, const progress_fn& progress, pipeline_streams& ps);

}  // namespace coopgrid::cuda_impl
