#pragma once
/**
 * @file thread_index.cuh
 * @brief 64-bit thread and block indices for the kernels' grid-stride loops:
 *        grids exceed 2^32 scenarios, and blockIdx.x * blockDim.x in 32 bits
 *        wraps long before that.
 */
#include "kernels/config.hpp"

namespace coopgrid::kernels::detail {

/// This thread's index in the whole grid.
__device__ inline index_t global_thread_id() {
  return static_cast<index_t>(blockIdx.x) * static_cast<index_t>(blockDim.x) + static_cast<index_t>(threadIdx.x);
}

/// Threads in the whole grid: the step of a grid-stride loop over threads.
__device__ inline index_t grid_stride() {
  return static_cast<index_t>(gridDim.x) * static_cast<index_t>(blockDim.x);
}

/// This block's index, and the step of a grid-stride loop over blocks.
__device__ inline index_t global_block_id() { return static_cast<index_t>(blockIdx.x); }
__device__ inline index_t grid_block_stride() { return static_cast<index_t>(gridDim.x); }

}  // namespace coopgrid::kernels::detail
