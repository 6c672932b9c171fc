#pragma once
/**
 * @file fingerprint.hpp
 * @brief What ties a checkpoint, a shard's state or a report to its run: hashes
 *        of the input and of everything a result depends on.
 */
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/reduce/marginal.hpp"
#include "host/reduce/spec.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// A hash of the input alone (its values, ids and size).
std::uint64_t input_fingerprint(const source& src);

/// A hash of everything the result depends on.
std::uint64_t run_fingerprint(const source& src, const std::string& backend, precision prec,
                              const reduce_spec& spec, const std::vector<marginal>& marginals = {});

/// run_fingerprint and input_fingerprint, the input read once for both.
std::pair<std::uint64_t, std::uint64_t> run_and_input_fingerprints(const source& src, const std::string& backend,
                                                                   precision prec, const reduce_spec& spec,
                                                                   const std::vector<marginal>& marginals = {});

}  // namespace coopgrid
