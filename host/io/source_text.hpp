#pragma once
/**
 * @file source_text.hpp
 * @brief How a source and its scenarios are written in outputs: CSV fields and
 *        columns, JSON members, labels, and `validate`'s summary.
 */
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "host/source/source.hpp"

namespace coopgrid {

/// Scenario k's inputs that outputs name: a grid's axes or a design's parameters (dotted
/// field name, value), in field order; none for a batch, whose id names the scenario.
std::vector<std::pair<const char*, double>> scenario_inputs(const source& src, index_t k);

/// The input columns of a CSV row after `scenario` (grid axes or design parameters by dotted name).
std::vector<std::string> input_column_names(const source& src);
/// Scenario k's leading CSV fields: the id (quoted when needed), or the index and its axis values.
void append_scenario_fields(fmt::memory_buffer& out, const source& src, index_t k);
/// Scenario k as JSON members: "index" and the "scenario" id, the "axes" or the "parameters".
std::string scenario_json_members(const source& src, index_t k);
/// A short label: the batch id, or "#k" for a grid point or design sample.
std::string scenario_label(const source& src, index_t k);

/// The human-readable summary printed by `coopgrid validate`.
std::string describe_source(const source& src);

}  // namespace coopgrid
