#pragma once
/**
 * @file samples_reader.hpp
 * @brief The user's own samples (`run PROBLEM --samples X`, coopgrid.run(problem, samples=X)):
 *        a matrix made elsewhere (SALib's samplers, a user's script), one row per sample and
 *        one column per parameter in the problem's order. Every value is checked against its
 *        parameter's distribution support and its field's domain (MODEL.md section 1).
 */
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "host/source/problem.hpp"

namespace coopgrid {

/// Parameter j's column name: its field's dotted name (SALib text rows and TOML keys alike).
std::string sample_column_name(const problem& prob, int j);

/**
 * @brief Throws input_error "WHERE: column NAME: value V: RULE" unless x is a value parameter j
 *        can take: finite, in its field's domain, and in its distribution's support (a uniform's
 *        [a, b], an integer of an `integers` range, one of a `choice`'s values, > 0 for lognormal).
 */
void check_sample_value(const problem& prob, int j, double x, const std::string& where);

/**
 * @brief Reads and checks X: *.txt is SALib's layout (whitespace- or comma-delimited numbers,
 *        no header, `#` comments), *.npy a 2-D float64 C-order array, *.csv a header of the
 *        problem's parameter names in order (an optional leading `sample` column, as
 *        `coopgrid sample -o X.csv` writes). Rows row-major; errors name the file line (text)
 *        or the 1-based row (.npy), the column and the value.
 * @throws input_error for bad content, an empty matrix or a column count unlike the problem's.
 */
std::vector<double> read_samples_file(const std::filesystem::path& file, const problem& prob);

/// Checks a rows x cols matrix in memory (Python); `what` names it ("samples"), rows 1-based.
void check_samples_matrix(const problem& prob, const std::vector<double>& values, std::int64_t rows,
                          std::int64_t cols, const std::string& what);

}  // namespace coopgrid
