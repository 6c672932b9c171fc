#pragma once
/**
 * @file shard.hpp
 * @brief --shard K/N: contiguous slices of the input made of whole reduction
 *        units, so shard reductions merge to exactly the unsharded bits.
 */
#include <utility>

#include "kernels/config.hpp"

namespace coopgrid {

/// --shard K/N: the K-th (0-based) of N contiguous slices.
struct shard_spec {
  index_t k = 0, n = 1;
};

/**
 * @brief Scenarios [lo, hi) of shard s: whole reduction units, so shard
 *        reductions merge to exactly the unsharded bits. A function of the
 *        input's size alone; with fewer units than shards some are empty.
 */
std::pair<index_t, index_t> shard_range(index_t num_scenarios, const shard_spec& s);
/// The same in whole units of `unit` (analyses: design points in units of analysis_unit).
std::pair<index_t, index_t> shard_range(index_t num_scenarios, const shard_spec& s, index_t unit);

}  // namespace coopgrid
