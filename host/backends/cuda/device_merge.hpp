#pragma once
/**
 * @file device_merge.hpp
 * @brief Host side of the fused on-device reduction, in plain C++: the
 *        kernel's parameters from a reduce_spec, and the fold of one launch's
 *        outputs into a reduce_state. Shared by the CUDA backend and the CPU
 *        tests that run the kernel body under the SIMT emulator.
 */
#include <vector>

#include "kernels/launch.hpp"
#include "host/reduce/state.hpp"

namespace coopgrid {

/**
 * @brief The fused kernel's parameters for `spec`.
 * @throws usage_error past the kernel's fixed limits (filters, top K).
 */
kernels::reduce_params device_reduce_params(const reduce_spec& spec);

/**
 * @brief Folds one launch over `count` scenarios into `total`: per-block
 *        selected counts, extrema and top lists, then the per-unit Neumaier
 *        sums added exactly in unit order. Call once per launch, in order.
 */
void merge_device_launch(const reduce_spec& spec, const kernels::block_result* blocks, int num_blocks,
                         const kernels::top_entry_dev* top, index_t top_k, const kernels::unit_sums* units,
                         index_t count, reduce_state& total);

/// Moves the kernel's histogram (bins, then below, then above) into `total`.
void apply_device_histogram(const std::vector<unsigned long long>& hist, reduce_state& total);

}  // namespace coopgrid
