#pragma once
/**
 * @file state_format.hpp
 * @brief The text of exact state files (checkpoints, merge states, analysis
 *        states): doubles as hex floats, and the versioned first lines.
 */
#include <istream>
#include <string>

namespace coopgrid {

/// A double as exact hex-float text ("%a"), and back (throws input_error naming `what`).
std::string hexf(double v);
double parse_hexf(const std::string& text, const std::string& what);

/**
 * @brief The first two lines of a checkpoint or merge state: `magic` (its
 *        format and version, "NAME VERSION") and "metrics N". Metric ids in
 *        the file are column indices, so a file is read only by a build with
 *        the same format version and metric count.
 */
std::string format_header(const char* magic);
/**
 * @brief Reads format_header(magic) from `in`. False when the first line is
 *        not of this format at all (the caller names what it expected).
 * @throws usage_error "written by another version of coopgrid" for another
 *         version of the format or another metric count; input_error when
 *         the metrics line is damaged.
 */
bool read_format_header(std::istream& in, const char* magic, const std::string& what);

}  // namespace coopgrid
