#pragma once
/**
 * @file toml_fields.hpp
 * @brief Internal to host/io/grid_reader.cpp and host/io/problem_reader.cpp, the only
 *        translation units that include toml++ (header-only mode: binaries carry no
 *        libtomlplusplus.so, and the heavy template stays in two TUs). Grids and problems
 *        share the text check, the field lookup, the number readers and the domain rules;
 *        the definitions are in grid_reader.cpp.
 */
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>
//
#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

#include "host/io/field_domain.hpp"
#include "host/io/problem_parameter.hpp"
#include "host/source/grid.hpp"

namespace coopgrid::toml_io {

/// Points per axis (and values per choice) are materialised: they are small; the grid never is.
inline constexpr index_t max_axis_points = 100'000'000;

/// A field being read: messages name file, line, column and the dotted key.
struct field_ctx {
  std::string file;
  std::string key;  // dotted field name
  int field;
  /// Points this field may still have: max_axis_points, or less in a grid whose other axes used some.
  index_t max_points = max_axis_points;
  std::string at(const toml::node& n) const {
    const auto& src = n.source();
    return fmt::format("{}:{}:{}: {}", file, src.begin.line, src.begin.column, key);
  }
};

std::string node_text(const toml::node& n);
/// A finite number (integer or float); `what` names it in messages.
double number(const toml::node& n, const field_ctx& c, std::string_view what);
/// An integral number (a TOML integer keeps its exact value).
index_t integer(const toml::node& n, const field_ctx& c, std::string_view what);
/// An array of min_len..max_len elements.
const toml::array& array_of(const toml::node& n, const field_ctx& c, std::string_view what, std::size_t min_len,
                            std::size_t max_len);

/// "count" of "countries.count".
std::string dotted_key_tail(int f);

/// The text that toml++ may see. Grid files hold ASCII keys and numbers only; with
/// `strings`, plain one-line strings of [A-Za-z0-9_.-] too (problem files' group names).
/// Non-ASCII bytes in comments are blanked (lines and columns stay where they were).
struct checked_text {
  std::string text;
  std::size_t quote_line = 0, quote_col = 0;  ///< the first quote (0: none)
};
checked_text check_toml_text(std::string_view text, const std::string& name, bool strings);
/// The grid files' message for a quote at line:col.
std::string grid_quote_message(const std::string& name, std::size_t line, std::size_t col);
/// toml::parse, its syntax errors as input_error.
toml::table parse_toml_table(const std::string& text, const std::string& name);

using field_nodes = std::array<const toml::node*, num_grid_fields>;
/// Each field's node (or null), by dotted name; unknown tables and keys are errors.
field_nodes collect_fields(const toml::table& root, const std::string& name);

/// The grid of a parsed grid file (parse_grid after the text check and the parse).
grid grid_from_fields(const field_nodes& nodes, const std::string& name);

}  // namespace coopgrid::toml_io
