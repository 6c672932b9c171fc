#pragma once
/**
 * @file report.hpp
 * @brief The --reduce JSON report, the exact merge state it carries, shards
 *        (contiguous slices of the input) and the merging of shard reports
 *        into exactly the report of one unsharded run.
 */
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/reduce/state.hpp"
#include "host/source/source.hpp"

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

/// Everything a --reduce report holds; the merge state serialises all of it.
struct reduce_report {
  std::string input;
  std::string kind;  ///< "grid" or "batch"
  std::string backend;
  precision prec = precision::f64;
  reduce_spec spec;
  std::vector<int> metrics;  ///< selected metrics, in output order
  std::uint64_t fingerprint = 0;        ///< run_fingerprint: input, backend, precision, reduction
  std::uint64_t input_fingerprint = 0;  ///< the input alone (merge checks --input against it)
  shard_spec shard;
  index_t range_lo = 0, range_hi = 0;
  reduce_state state;
  std::map<index_t, std::array<double, num_metrics>> rows;  ///< all metrics of the top entries
};

/// The JSON report (its last member, merge_state, is what `coopgrid merge` reads).
std::string reduce_json(const source& src, const reduce_report& r);

/// The exact, canonical text of a report's state (inside the JSON as merge_state).
std::string merge_state_text(const reduce_report& r);
/// Parses merge_state_text(); throws input_error naming `what` when damaged.
reduce_report parse_merge_state(const std::string& text, const std::string& what);
/// The merge_state string of a JSON report; throws input_error when absent.
std::string extract_merge_state(const std::string& json, const std::string& what);

/**
 * @brief Merges shard reports into the report of the unsharded run.
 * @throws usage_error unless they share input, backend, precision and
 *         reduction and their shards tile the input exactly once.
 */
reduce_report merge_reports(const std::vector<reduce_report>& parts, const std::vector<std::string>& names);

}  // namespace coopgrid
