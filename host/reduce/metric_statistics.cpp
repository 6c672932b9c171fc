#include "host/reduce/metric_statistics.hpp"

#include <fmt/format.h>

#include "host/io/format.hpp"

namespace coopgrid {

double mean_of(const metric_summary& s) { return s.mean(); }

std::string statistics_json(const metric_summary& s) {
  std::string js;
  for (const auto& st : metric_statistics) {
    js += fmt::format("{}\"{}\": {}", js.empty() ? "" : ", ", st.name, s.count > 0 ? json_number(st.of(s)) : "null");
  }
  return js;
}

std::string summary_not_finite_json(const metric_summary& s) {
  if (s.count == 0) return "";
  std::vector<std::pair<const char*, double>> values{{"min", s.min}, {"max", s.max}};
  for (const auto& st : metric_statistics) values.emplace_back(st.name, st.of(s));
  return json_not_finite(values);
}

std::string statistic_names() {
  std::string t;
  for (const auto& st : metric_statistics) t += (t.empty() ? "" : ", ") + std::string(st.name);
  return t;
}

}  // namespace coopgrid
