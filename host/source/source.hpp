#pragma once
/**
 * @file source.hpp
 * @brief What a run reads: one scenario source, a variant over the kinds of
 *        input (an explicit batch, a parameter grid; designs join here). Code
 *        that depends on the kind visits the variant; the functions below
 *        are the few places that do, so the rest of host/ never asks.
 */
#include <filesystem>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "host/source/batch.hpp"
#include "host/source/grid.hpp"
#include "host/util/overloaded.hpp"

namespace coopgrid {

enum class precision { f64, f32 };

/// "f64" or "f32".
inline const char* precision_name(precision p) { return p == precision::f32 ? "f32" : "f64"; }

struct source {
  std::string path;
  std::variant<batch, grid> input;

  source() = default;
  source(std::string p, batch b) : path(std::move(p)), input(std::move(b)) {}
  source(std::string p, grid g) : path(std::move(p)), input(std::move(g)) {}

  /// Calls fn with the batch or the grid: every kind must be handled.
  template <class... Fn>
  decltype(auto) visit(Fn&&... fn) const {
    return std::visit(overloaded{std::forward<Fn>(fn)...}, input);
  }

  index_t num_scenarios() const;
  /// "batch" or "grid" (reports, merge states).
  const char* kind() const;
};

/**
 * @brief Loads INPUT: a directory is a batch, a *.toml file is a grid.
 * @throws input_error for anything else, or for bad content.
 */
source load_source(const std::filesystem::path& input);

/**
 * @brief Throws input_error naming the scenario (or grid key) and value when
 *        an input value is finite in double but overflows float: an f32 run
 *        would otherwise compute with an infinite input.
 */
void check_float_range(const source& src);

// ---- How a scenario of the source is named in outputs ----

/// The input columns of a CSV row after `scenario` (grid axes by dotted name; none for batches).
std::vector<std::string> input_column_names(const source& src);
/// Scenario k's leading CSV fields: the id (quoted when needed), or the index and its axis values.
void append_scenario_fields(fmt::memory_buffer& out, const source& src, index_t k);
/// Scenario k as JSON members: "index" and the "scenario" id or the "axes" values.
std::string scenario_json_members(const source& src, index_t k);
/// A short label: the batch id, or "#k" for a grid point.
std::string scenario_label(const source& src, index_t k);

/// The human-readable summary printed by `coopgrid validate`.
std::string describe_source(const source& src);

}  // namespace coopgrid
