#include "host/reduce/spec.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "host/util/errors.hpp"

namespace coopgrid {

std::string filter::text() const {
  return fmt::format("{}{}{}", metric_names[metric], at_least ? ">=" : "<=", threshold);
}

int metric_by_name(const std::string& name) {
  for (int m = 0; m < num_metrics; ++m) {
    if (name == metric_names[m]) return m;
  }
  throw usage_error(fmt::format("unknown metric '{}' (metrics: {})", name,
                                fmt::join(std::begin(metric_names), std::end(metric_names), ", ")));
}

std::string metric_help() {
  std::string t;
  for (int m = 0; m < num_metrics; ++m) t += fmt::format("\n  {:<22} {}", metric_names[m], metric_descriptions[m]);
  return t;
}

filter parse_filter(const std::string& text) {
  const auto ge = text.find(">=");
  const auto le = text.find("<=");
  if ((ge == std::string::npos) == (le == std::string::npos)) {
    throw usage_error(fmt::format("--where '{}': expected METRIC>=X or METRIC<=X", text));
  }
  const auto at = ge != std::string::npos ? ge : le;
  filter f;
  f.metric = metric_by_name(text.substr(0, at));
  f.at_least = ge != std::string::npos;
  const std::string num = text.substr(at + 2);
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), f.threshold);
  if (num.empty() || ec != std::errc() || end != num.data() + num.size() || std::isnan(f.threshold)) {
    throw usage_error(fmt::format("--where '{}': threshold '{}' is not a number", text, num));
  }
  return f;
}

}  // namespace coopgrid
