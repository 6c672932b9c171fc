#pragma once
/**
 * @file format.hpp
 * @brief How numbers and strings are written: shortest round-trip numbers
 *        (CSV), JSON numbers and strings as Python's json module reads them,
 *        CSV fields quoted when needed.
 */
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coopgrid {

/// Shortest round-trip form; inf and -inf spelled so (CSV).
template <class T>
inline void format_number(fmt::memory_buffer& out, T v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

/// A number as strict JSON: NaN, inf and -inf as null (README.md, "Reports").
std::string json_number(double v);
/// `, "not_finite": {"min": "-inf", ...}` naming the values json_number wrote as null; "" when all are finite.
std::string json_not_finite(const std::vector<std::pair<const char*, double>>& values);
/// A JSON string literal with escapes.
std::string json_string(std::string_view s);
/// A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

}  // namespace coopgrid
