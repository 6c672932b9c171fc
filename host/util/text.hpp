#pragma once
/**
 * @file text.hpp
 * @brief What the terminal shows: counts grouped by thousands (one form in
 *        tables, summaries and progress) and the terminal's width; the one
 *        trim of the readers' fields; and the one way a message lists choices.
 */
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/config.hpp"

namespace coopgrid {

/// s without leading and trailing blanks (spaces and tabs).
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "a, b, c or d" of {a, b, c, d} (`last` between the last two, `sep` between the others): the choices a
/// message lists, from the table that defines them.
inline std::string choice_list(const std::vector<std::string>& names, const char* last = " or ",
                               const char* sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last : sep;
    out += names[i];
  }
  return out;
}

/// 86400000 as 86,400,000.
inline std::string grouped(index_t n) {
  const std::string d = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return out;
}

/// The width of the terminal on `fd`: COLUMNS when set, else the tty's, else 80.
inline std::size_t terminal_width(int fd) {
  if (const char* c = std::getenv("COLUMNS")) {
    const long v = std::strtol(c, nullptr, 10);
    if (v >= 20 && v <= 1000) return static_cast<std::size_t>(v);
  }
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

}  // namespace coopgrid
