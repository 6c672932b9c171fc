#pragma once
/**
 * @file problem.hpp
 * @brief Problems (DESIGNS.md section 1): which fields vary, by which
 *        distribution, and the fixed values of the rest. host/io/problem_reader.hpp
 *        reads them (TOML, or SALib's text format with --fixed); a design
 *        (host/source/design.hpp) samples them.
 */
#include <array>
#include <string>
#include <vector>

#include "kernels/design/inverse_cdf.hpp"
#include "kernels/grid_view.hpp"

namespace coopgrid {

/// One varied field: its distribution, as read and as sampled.
struct problem_parameter {
  int field = 0;                   ///< grid_field: the dotted name is grid_field_names[field]
  design::distribution dist;       ///< ready to sample (make_* of inverse_cdf.hpp)
  std::vector<double> choices;     ///< the values of a `choice` (dist.i0 of them), else empty
  std::string group;               ///< the group's name; the field's dotted name when none is given
  std::string text;                ///< as written, for `validate`: "uniform [0.2, 0.9]"
  std::string distribution;        ///< its name as written: "uniform"
  std::vector<double> args;        ///< its parameters as written: [0.2, 0.9] (integers: a, b; choice: the values)
};

struct problem {
  std::string source;  ///< the file (messages, reports)
  /// Every field's fixed value (a scalar in the file, --fixed, or MODEL.md's empty block: 0);
  /// integer fields in ints, real fields in reals. A varied field's entry is unused.
  std::array<index_t, num_grid_fields> ints{};
  std::array<double, num_grid_fields> reals{};
  /// The fields the file (or --fixed) gives, fixed or varied; the rest are MODEL.md's empty block.
  std::array<bool, num_grid_fields> given{};
  /// The varied fields in the problem's order (the file's, as written): the unit point's coordinates.
  std::vector<problem_parameter> parameters;
  /// True when some parameter named a group (sensitivity indices are then per group).
  bool has_groups = false;

  int num_parameters() const { return static_cast<int>(parameters.size()); }
  /// Field f's parameter, or null where f is fixed.
  const problem_parameter* varied(int f) const {
    for (const auto& q : parameters) {
      if (q.field == f) return &q;
    }
    return nullptr;
  }
  /// Parameter j's group: its `group`, or its field's dotted name when that is empty.
  std::string group_name(int j) const {
    const auto& p = parameters[static_cast<std::size_t>(j)];
    return p.group.empty() ? std::string(grid_field_names[p.field]) : p.group;
  }
  /// The groups' names in order of first appearance (a parameter without a group is its own).
  std::vector<std::string> group_names() const {
    std::vector<std::string> names;
    for (int j = 0; j < num_parameters(); ++j) {
      const auto g = group_name(j);
      bool seen = false;
      for (const auto& n : names) seen = seen || n == g;
      if (!seen) names.push_back(g);
    }
    return names;
  }
  /// The index in group_names() of parameter j's group.
  int group_of(int j) const {
    const auto names = group_names();
    const auto g = group_name(j);
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (names[k] == g) return static_cast<int>(k);
    }
    return -1;
  }
};

}  // namespace coopgrid
