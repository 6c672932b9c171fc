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

#include <optional>
#include <utility>
#include <vector>

#include "host/source/batch.hpp"
#include "host/source/design.hpp"
#include "host/source/grid.hpp"
#include "host/util/name_table.hpp"
#include "host/util/overloaded.hpp"

namespace coopgrid {

enum class precision { f64, f32 };

/// A precision's name: --precision's values, Python's precision=, reports and states.
struct precision_entry {
  precision kind;
  const char* name;
};
/// Every precision, once: the one home of their names (f64 is the default).
inline constexpr precision_entry precisions[] = {{precision::f64, "f64"}, {precision::f32, "f32"}};

inline const char* precision_name(precision p) { return name_in(precisions, p); }
/// The precision named `name`, or none.
inline std::optional<precision> precision_of(const std::string& name) { return kind_in(precisions, name); }

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

/**
 * @brief Throws input_error naming the scenario (or grid key) and value when
 *        an input value is finite in double but overflows float: an f32 run
 *        would otherwise compute with an infinite input.
 */
void check_float_range(const source& src);

}  // namespace coopgrid
