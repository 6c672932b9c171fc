#pragma once
/**
 * @file grid.hpp
 * @brief Parameter grids: the host model (every field's points) and the
 *        per-precision axis tables that back a grid_view. host/io/grid_reader.hpp reads them.
 */
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/grid_view.hpp"

namespace coopgrid {

/// The field whose dotted name (grid_field_names) is `name`, or -1.
inline int grid_field_by_name(std::string_view name) {
  for (int f = 0; f < num_grid_fields; ++f) {
    if (name == grid_field_names[f]) return f;
  }
  return -1;
}

/// A grid as read: every field's points (one point for a scalar) in double, counts as integers.
struct grid {
  std::string source;
  std::array<std::vector<index_t>, num_grid_fields> ints;  ///< integer fields' points
  std::array<std::vector<double>, num_grid_fields> reals;  ///< real fields' points
  std::array<bool, num_grid_fields> is_axis{};            ///< declared as an axis (an output column)
  index_t num_scenarios = 1;

  index_t size(int f) const {
    return static_cast<index_t>(grid_field_is_integer(f) ? ints[f].size() : reals[f].size());
  }
  /// Point p of field f as a double (for output columns).
  double value(int f, index_t p) const {
    return grid_field_is_integer(f) ? static_cast<double>(ints[f][p]) : reals[f][p];
  }
  /// The fields declared as axes, in axis order.
  std::vector<int> axes() const;
  /// Point indices of scenario k (plain host decoding, last field fastest).
  std::array<index_t, num_grid_fields> decode(index_t k) const;
};

/// Axis tables in precision T, with the per-point invariants; view() lends them to the core.
template <class T>
struct grid_tables {
  std::array<std::vector<index_t>, num_grid_fields> ints;
  std::array<std::vector<T>, num_grid_fields> reals;
  std::vector<double> standards_log_q, ethics_log_q;
  std::vector<T> activities_log10;
  index_t num_scenarios = 0;

  explicit grid_tables(const grid& g);
  grid_view<T> view() const;
};

extern template struct grid_tables<float>;
extern template struct grid_tables<double>;

}  // namespace coopgrid
