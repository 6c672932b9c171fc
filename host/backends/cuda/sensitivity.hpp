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

/// Units per chunk at most: enough to fill the device many times over (a unit is 4096 points).
inline constexpr index_t max_chunk_units = 16;

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
