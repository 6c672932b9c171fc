#pragma once
/**
 * @file merge_state.hpp
 * @brief The exact merge state a --reduce report carries (hex floats, exact
 *        sums, the format version and metric count) and the merging of shard
 *        reports into exactly the report of one unsharded run.
 */
#include <string>
#include <vector>

#include "host/reduce/report.hpp"

namespace coopgrid {

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
