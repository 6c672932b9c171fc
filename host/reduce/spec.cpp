#include "host/reduce/spec.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "host/util/errors.hpp"
#include "host/util/suggest.hpp"
#include "host/util/text.hpp"

namespace coopgrid {

std::string filter::text() const {
  return fmt::format("{}{}{}", metric_names[metric], at_least ? ">=" : "<=", threshold);
}

int metric_by_name(const std::string& name) {
  for (int m = 0; m < num_metrics; ++m) {
    if (name == metric_names[m]) return m;
  }
  throw usage_error(fmt::format("unknown metric '{}'{} (metrics: {})", name,
                                did_you_mean(name, metric_names),
                                fmt::join(std::begin(metric_names), std::end(metric_names), ", ")));
}

std::string metric_help() {
  std::string t;
  for (int m = 0; m < num_metrics; ++m) t += fmt::format("\n  {:<22} {}", metric_names[m], metric_descriptions[m]);
  return t;
}

namespace {

/// The comparison of a --where text: its operator's position and spelling, or npos.
std::pair<std::size_t, std::string_view> find_operator(const std::string& text) {
  for (std::string_view op : {">=", "<=", "==", ">", "<"}) {
    const auto at = text.find(op);
    if (at != std::string::npos) return {at, op};
  }
  return {std::string::npos, {}};
}

}  // namespace

filter parse_filter(const std::string& text) {
  const auto f = parse_filters(text);
  if (f.size() != 1) throw usage_error(fmt::format("--where '{}': expected METRIC>=X or METRIC<=X", text));
  return f.front();
}

std::vector<filter> parse_filters(const std::string& text) {
  const auto [at, op] = find_operator(text);
  if (at == std::string::npos) {
    throw usage_error(fmt::format("--where '{}': expected METRIC OP X with OP one of >=, >, <=, <, ==", text));
  }
  const int metric = metric_by_name(std::string(trim(std::string_view(text).substr(0, at))));
  const std::string num(trim(std::string_view(text).substr(at + op.size())));
  double x = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), x);
  if (num.empty() || ec != std::errc() || end != num.data() + num.size() || std::isnan(x)) {
    throw usage_error(fmt::format("--where '{}': threshold '{}' is not a number", text, num));
  }
  // Every comparison is made in double (f32 metrics widened exactly), so a strict one is the
  // inclusive one at the next double: x > X  <=>  x >= nextafter(X, +inf). The stored form (reports,
  // merge states) is always >= or <=.
  const double up = std::nextafter(x, HUGE_VAL), down = std::nextafter(x, -HUGE_VAL);
  if ((op == ">" && std::isinf(x) && x > 0) || (op == "<" && std::isinf(x) && x < 0)) {
    throw usage_error(fmt::format("--where '{}': selects nothing (no value is {} {})", text, op, num));
  }
  if (op == ">=") return {filter{metric, true, x}};
  if (op == "<=") return {filter{metric, false, x}};
  if (op == ">") return {filter{metric, true, up}};
  if (op == "<") return {filter{metric, false, down}};
  return {filter{metric, true, x}, filter{metric, false, x}};  // ==: both bounds at X
}

}  // namespace coopgrid
