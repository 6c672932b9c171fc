#pragma once
/**
 * @file checkpoint.hpp
 * @brief Checkpoints of a long --reduce run: the reduction state after a
 *        whole number of segments, exact to the bit (hex floats), tied to the
 *        input, backend, precision and reduction by a fingerprint.
 */
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "host/reduce/marginal.hpp"
#include "host/reduce/state.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// Scenarios per reduction segment: runs always reduce segment by segment, so a
/// resumed run merges exactly as an uninterrupted one (a multiple of every
/// backend's chunk).
inline constexpr index_t reduce_segment = index_t{1} << 24;

/// The checkpoint format's name and version (its first line; 3: the metric count after it, 4: the
/// marginals after the state); the run fingerprint starts with it (fingerprint.cpp).
inline constexpr const char* checkpoint_magic = "coopgrid-checkpoint 5";

/// The reduction state as exact text (hex floats, exact sums): checkpoints and merge_state.
std::string state_text(const reduce_state& state);
/// Parses state_text() output; throws input_error naming `what` when damaged.
void parse_state_text(std::istream& in, const reduce_spec& spec, reduce_state& state, const std::string& what);

/// Writes the state reached after scenario `next` - 1, atomically (temporary name, then rename).
void write_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t next,
                      const reduce_state& state, const std::vector<marginal>& marginals = {});

/**
 * @brief Reads a checkpoint into `state` (and its marginals into `marginals`
 *        when given) and returns the next scenario index.
 * @throws usage_error when the file is missing or was written for another
 *         input, backend, precision or reduction; input_error when damaged.
 */
index_t read_checkpoint(const std::string& path, std::uint64_t fingerprint, const reduce_spec& spec,
                        reduce_state& state, std::vector<marginal>* marginals = nullptr);

}  // namespace coopgrid
