#pragma once
/**
 * @file config.hpp
 * @brief Portability macros shared by the formula core, the CPU backend and the CUDA kernels.
 */
#include <cstdint>

#ifdef __CUDACC__
#define COOPGRID_HOST_DEVICE __host__ __device__
#else
#define COOPGRID_HOST_DEVICE
#endif

namespace coopgrid {
/// Scenario and item indices are 64-bit everywhere: grids exceed 2^32 scenarios.
using index_t = std::int64_t;
}  // namespace coopgrid
