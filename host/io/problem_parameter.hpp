#pragma once
/**
 * @file problem_parameter.hpp
 * @brief A problem's parameter from a distribution as read (a TOML table or a
 *        SALib text line): DESIGNS.md section 1's rules and the field's domain.
 *        Shared by host/io/problem_reader.cpp and host/io/salib_reader.cpp; no toml++.
 */
#include <string>
#include <vector>

#include "host/source/problem.hpp"

namespace coopgrid {

/// A problem file's distribution keys, in design::distribution_kind's order; a grid's message
/// for an unknown table key names them too (a misspelt distribution makes the file read as a grid).
inline constexpr const char* dist_keys[] = {"uniform",   "loguniform", "normal",   "truncnormal",
                                            "lognormal", "triangular", "integers", "choice"};
inline constexpr const char* known_dist_names =
    "uniform, loguniform, normal, truncnormal, lognormal, triangular, integers, choice";

namespace problem_io {

/// A distribution as read, before the rules: its parameters (choice: its values).
struct dist_in {
  design::distribution_kind kind = design::distribution_kind::uniform;
  std::vector<double> x;
  index_t ia = 0, ib = 0;  ///< integers' a and b, exact
};

/**
 * @brief DESIGNS.md section 1's parameter rules, then the field's domain (MODEL.md section 1):
 *        the distribution's support must lie in it, so that no sample is ever out of domain.
 *        `where` is "FILE:LINE[:COL]: KEY".
 */
problem_parameter make_parameter(int f, const dist_in& d, const std::string& where);

/// A per-item field is required wherever its block can hold items (a varied count: its largest
/// value > 0); `hint` ends the message.
void check_problem_items(const problem& p, const std::string& name, const char* hint);

}  // namespace problem_io
}  // namespace coopgrid
