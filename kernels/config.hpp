#pragma once
/**
 * @file config.hpp
 * @brief Portability macros shared by the formula core, the CPU backend and the CUDA kernels.
 */
#include <cstdint>

#ifdef __CUDACC__
#define COOPGRID_HOST_DEVICE __host__ __device__
#define COOPGRID_UNROLL _Pragma("unroll")
#else
#define COOPGRID_HOST_DEVICE
/// Host compilers (the CPU backend, the kernel emulator in tests/) ignore it silently.
#define COOPGRID_UNROLL
#endif

namespace coopgrid {
/// Scenario and item indices are 64-bit everywhere: grids exceed 2^32 scenarios.
using index_t = std::int64_t;

/**
 * Scenarios per reduction unit, for every backend: the values of one unit are
 * summed in a fixed order (Neumaier), and unit sums are added exactly
 * (host/exact_sum.hpp). Ranges that start on unit boundaries therefore reduce
 * to the same bits however they are split across threads, launches,
 * checkpoints, shards or ranks.
 */
inline constexpr index_t reduce_unit = index_t{1} << 16;
}  // namespace coopgrid
