#pragma once
/**
 * @file problem_reader.hpp
 * @brief Problem files (DESIGNS.md section 1): TOML with distribution tables, and
 *        SALib's text format (`name lower upper [group] [dist]`) with --fixed values.
 */
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "host/source/grid.hpp"
#include "host/source/problem.hpp"

namespace coopgrid {

/**
 * @brief Parses a TOML problem: every field a scalar (fixed) or a distribution table.
 * @throws input_error naming file, line:column, key, value and the rule broken; also
 *         when the file holds no distribution (it is a grid) or mixes in a grid axis.
 */
problem parse_problem(std::string_view text, const std::string& name);

/**
 * @brief One TOML parse decides: any distribution table makes a problem (a grid axis
 *        beside it is an error), otherwise the grid exactly as parse_grid gives it.
 */
std::variant<grid, problem> parse_toml_source(std::string_view text, const std::string& name);
std::variant<grid, problem> read_toml_source(const std::filesystem::path& file);

/**
 * @brief The fixed values of a --fixed TOML file: scalars only (an axis or a
 *        distribution is an error naming its key); a problem with zero parameters.
 */
problem parse_fixed_values(std::string_view text, const std::string& name);

/**
 * @brief Parses SALib's problem text file. Fields it does not list take `fixed`'s values
 *        (parse_fixed_values), or 0 without one. Parameters are put in field order.
 * @throws input_error naming file, line, field, value and the rule broken.
 */
problem parse_salib_problem(std::string_view text, const std::string& name, const problem* fixed);

/// `.toml`: a TOML problem (fixed_toml must be null); anything else: SALib text with fixed_toml's values.
problem read_problem_file(const std::filesystem::path& file, const std::filesystem::path* fixed_toml);

/// What `coopgrid validate` prints: the parameters, their groups, the fixed fields.
std::string describe_problem(const problem& p);

}  // namespace coopgrid
