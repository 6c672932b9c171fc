#pragma once
/**
 * @file source.hpp
 * @brief What a run reads: one scenario source, a variant over the kinds of
 *        input (an explicit batch, a parameter grid, a design over a problem). Code
 *        that depends on the kind visits the variant; the functions below
 *        are the few places that do, so the rest of host/ never asks.
 */
#include <filesystem>
#include <string>
#include <variant>

#include <fmt/format.h>

#include <optional>
#include <utility>
#include <vector>

#include "host/source/batch.hpp"
#include "host/source/design.hpp"
#include "host/source/grid.hpp"
#include "host/util/overloaded.hpp"

namespace coopgrid {

enum class precision { f64, f32 };

/// "f64" or "f32".
inline const char* precision_name(precision p) { return p == precision::f32 ? "f32" : "f64"; }

struct source {
  std::string path;
  std::variant<batch, grid, design_source> input;

  source() = default;
  source(std::string p, batch b) : path(std::move(p)), input(std::move(b)) {}
  source(std::string p, grid g) : path(std::move(p)), input(std::move(g)) {}
  source(std::string p, design_source d) : path(std::move(p)), input(std::move(d)) {}

  /// Calls fn with the batch, the grid or the design: every kind must be handled.
  template <class... Fn>
  decltype(auto) visit(Fn&&... fn) const {
    return std::visit(overloaded{std::forward<Fn>(fn)...}, input);
  }

  index_t num_scenarios() const;
  /// "batch", "grid" or "design" (reports, merge states).
  const char* kind() const;
};

/// How a problem file becomes a source: the design asked for, and SALib text's --fixed TOML.
struct source_options {
  std::optional<design_options> design;
  std::string fixed;  ///< --fixed FILE.toml (SALib text problems only); empty: none
  std::string samples;  ///< --samples X.txt|X.npy|X.csv: the user's own rows over the problem; empty: none
  int threads = 0;    ///< threads a CSV batch parses on: backend_options::threads (--threads); 0: all
  bool progress = false;  ///< a batch's reading and checks shown as a "loading" pass (stderr, a terminal)
  /// A binary batch's values checked in the evaluation pass, not on loading (batch::checked):
  /// for callers whose every consumer of the batch goes through make_backend.
  bool checks_in_pass = false;
};

/// What a path holds before a design is applied.
using loaded_input = std::variant<batch, grid, problem>;

/**
 * @brief Reads INPUT: a directory or a .npy batch is a batch; a *.toml file is a
 *        grid, or a problem when its fields hold distributions; a *.txt file is
 *        a SALib problem text file. A CSV batch parses on `threads` threads
 *        (source_options::threads).
 * @throws input_error for anything else, or for bad content.
 */
loaded_input load_input(const std::filesystem::path& input, const source_options& opt = {});

/**
 * @brief load_input, with a problem turned into a design by `opt.design`.
 * @throws usage_error for a problem without --design, or --design without a problem.
 */
source load_source(const std::filesystem::path& input, const source_options& opt = {});
/// The source of an input already read (load_source's second half).
source make_source(const std::string& path, loaded_input in, const source_options& opt);

/**
 * @brief Throws input_error naming the scenario (or grid key) and value when
 *        an input value is finite in double but overflows float: an f32 run
 *        would otherwise compute with an infinite input.
 */
void check_float_range(const source& src);

// ---- How a scenario of the source is named in outputs ----

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
