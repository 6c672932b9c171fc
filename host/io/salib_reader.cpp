// SALib's text problem format (`name lower upper [group] [dist]`), read as SALib reads it.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "host/io/problem_parameter.hpp"
#include "host/io/problem_reader.hpp"
#include "host/util/errors.hpp"
#include "host/util/text.hpp"

namespace coopgrid {
namespace {
using namespace problem_io;
using design::distribution_kind;

/**
 * SALib's text format, as SALib reads it (SALib/SALib, src/SALib/util/util_funcs.py
 * read_param_file and src/SALib/util/__init__.py _nonuniform_scale_samples, main at
 * 1c375488e1c8, June 2026). read_param_file gives every line two bounds, b1 (column 2)
 * and b2 (column 3); the dist then reads them as:
 *   unif       uniform on [b1, b2], b1 < b2                  -> uniform [b1, b2]
 *   logunif    scipy loguniform(a = b1, b = b2), 0 < b1 < b2 -> loguniform [b1, b2]
 *   triang     the two-value form: start 0, end b1, peak at the fraction b2 of the width
 *              (scipy triang(c = b2, loc = 0, scale = b1)), b1 > 0, 0 <= b2 < 1
 *                                                            -> triangular [0, b2 b1, b1]
 *   norm       mean b1, standard deviation b2 > 0            -> normal [b1, b2]
 *   lognorm    exp of normal(b1, b2): ln-space mean and sd   -> lognormal [b1, b2]
 *   truncnorm  needs bounds[i][2] and [3] (mean, sd) beside the bounds b1, b2, which
 *              a two-bound line cannot hold: SALib fails with an IndexError -> an error here
 *   weibull    (shape, scale): not among DESIGNS.md's distributions   -> an error here
 * Group "NA" (or none) means the parameter is its own group; `#` lines are comments;
 * the delimiter is sniffed (csv.Sniffer): commas if the file has any, else spaces/tabs.
 */
dist_in salib_dist(const std::string& dist, double b1, double b2, const std::string& where) {
  dist_in d;
  auto need = [&](bool ok, const char* what) {
    if (!ok) throw input_error(fmt::format("{}: {} {} {}: SALib needs {}", where, dist, b1, b2, what));
  };
  if (dist == "unif") {
    need(b1 < b2, "lower < upper");
    d.kind = distribution_kind::uniform, d.x = {b1, b2};
  } else if (dist == "logunif") {
    need(b1 > 0 && b1 < b2, "0 < lower < upper");
    d.kind = distribution_kind::loguniform, d.x = {b1, b2};
  } else if (dist == "triang") {
    need(b1 > 0, "the end (the first column; the start is 0) > 0");
    need(b2 >= 0 && b2 < 1, "the peak (the second column, a fraction of the width) in [0, 1)");
    d.kind = distribution_kind::triangular, d.x = {0.0, b2 * b1, b1};
  } else if (dist == "norm") {
    need(b2 > 0, "the standard deviation (the second column) > 0");
    d.kind = distribution_kind::normal, d.x = {b1, b2};
  } else if (dist == "lognorm") {
    need(b2 > 0, "the ln-space standard deviation (the second column) > 0");
    d.kind = distribution_kind::lognormal, d.x = {b1, b2};
  } else if (dist == "truncnorm") {
    throw input_error(fmt::format("{}: truncnorm needs four values (lower, upper, mean, sd) and a SALib text line "
                                  "holds two bounds (SALib itself fails on it); write a TOML problem with "
                                  "truncnormal = [mu, sigma, lo, hi]",
                                  where));
  } else if (dist == "weibull") {
    throw input_error(fmt::format("{}: dist 'weibull' is not among coopgrid's distributions (DESIGNS.md section 1)",
                                  where));
  } else {
    throw input_error(fmt::format("{}: unknown dist '{}' (expected unif, triang, norm, truncnorm, lognorm, logunif)",
                                  where, dist));
  }
  return d;
}

double salib_number(const std::string& s, const std::string& where, const char* what) {
  if (s.empty()) throw input_error(fmt::format("{}: empty {}", where, what));
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {
    throw input_error(fmt::format("{}: {} '{}' is not a number", where, what, s));
  }
  if (!std::isfinite(x)) {
    throw input_error(fmt::format("{}: {} '{}' is not finite (NaN and infinity are invalid)", where, what, s));
  }
  return x;
}

std::string allowed_names() {
  std::string s;
  for (int f = 0; f < num_grid_fields; ++f) s += (f ? ", " : "") + std::string(grid_field_names[f]);
  return s;
}

/// A non-comment line of the file, trimmed.
struct salib_line {
  std::size_t line;
  std::string text;
};

/// The file's non-blank, non-comment lines; `commas`: whether any has a comma (csv.Sniffer's choice).
std::vector<salib_line> salib_lines(std::string_view text, const std::string& name, bool& commas) {
  std::vector<salib_line> rows;
  commas = false;
  std::size_t line = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    const std::string t(trim(l));
    if (t.empty() || t[0] == '#') continue;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7F) {
        throw input_error(fmt::format("{}:{}: byte 0x{:02X} (a SALib problem file holds ASCII names, numbers and "
                                      "group names)",
                                      name, line, c));
      }
    }
    commas = commas || t.find(',') != std::string::npos;
    rows.push_back({line, t});
  }
  return rows;
}

/// A line's columns: comma-separated (each trimmed), or separated by runs of spaces and tabs.
std::vector<std::string> salib_columns(const std::string& text, bool commas) {
  std::vector<std::string> cols;
  if (commas) {
    for (std::size_t b = 0;;) {
      const std::size_t e = std::min(text.find(',', b), text.size());
      cols.emplace_back(trim(std::string_view(text).substr(b, e - b)));
      if (e == text.size()) break;
      b = e + 1;
    }
  } else {
    for (std::size_t b = text.find_first_not_of(" \t"); b != std::string::npos; b = text.find_first_not_of(" \t", b)) {
      const std::size_t e = std::min(text.find_first_of(" \t", b), text.size());
      cols.push_back(text.substr(b, e - b));
      b = e;
    }
  }
  return cols;
}

/// Field f's parameter from a line's columns (name lower upper [group] [dist]); `where` is "FILE:LINE: KEY".
problem_parameter salib_parameter(int f, const std::vector<std::string>& cols, const std::string& where,
                                  bool& grouped) {
  if (cols.size() < 3) {
    throw input_error(fmt::format("{}: missing the {} bound (a line is name lower upper [group] [dist])", where,
                                  cols.size() < 2 ? "lower" : "upper"));
  }
  if (cols.size() > 5) {
    throw input_error(
        fmt::format("{}: {} fields, expected at most 5 (name lower upper [group] [dist])", where, cols.size()));
  }
  const double b1 = salib_number(cols[1], where, "lower bound");
  const double b2 = salib_number(cols[2], where, "upper bound");
  const std::string group = cols.size() > 3 && cols[3] != "NA" ? cols[3] : "";
  const std::string dist = cols.size() > 4 ? cols[4] : "unif";
  if (grid_field_is_integer(f)) {
    throw input_error(fmt::format("{}: a count takes only integers or choice, which SALib's text format cannot "
                                  "express (vary it in a TOML problem with integers = [a, b])",
                                  where));
  }
  problem_parameter q = make_parameter(f, salib_dist(dist, b1, b2, where), where);
  if (!group.empty()) {
    q.group = group;
    q.text += " group " + group;
    grouped = true;
  }
  return q;
}

}  // namespace

problem parse_salib_problem(std::string_view text, const std::string& name, const problem* fixed) {
  problem p;
  if (fixed) {
    COOPGRID_EXPECTS(fixed->parameters.empty(), "--fixed holds fixed values only (parse_fixed_values)");
    p.ints = fixed->ints;
    p.reals = fixed->reals;
    p.given = fixed->given;
  }
  p.source = name;
  bool commas = false;
  std::array<std::size_t, num_grid_fields> line_of{};
  for (const auto& r : salib_lines(text, name, commas)) {
    const std::vector<std::string> cols = salib_columns(r.text, commas);
    const std::string& key = cols[0];
    const int f = grid_field_by_name(key);
    if (f < 0) {
      throw input_error(fmt::format("{}:{}: unknown parameter name '{}' (names are coopgrid's dotted fields: {})",
                                    name, r.line, key, allowed_names()));
    }
    const std::string where = fmt::format("{}:{}: {}", name, r.line, key);
    if (line_of[f]) {
      throw input_error(fmt::format("{}: listed twice (lines {} and {})", where, line_of[f], r.line));
    }
    line_of[f] = r.line;
    p.parameters.push_back(salib_parameter(f, cols, where, p.has_groups));
    p.given[f] = true;
  }
  if (p.parameters.empty()) {
    throw input_error(fmt::format("{}: no parameters (every line is blank or a # comment)", name));
  }
  // The file's row order is the problem's order (DESIGNS.md section 1), as SALib's read_param_file keeps it.
  check_problem_items(p, name, fixed ? " in the SALib file or the --fixed file" : " with --fixed FILE.toml");
  return p;
}

}  // namespace coopgrid
