#include "host/reduce/metric_statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/io/format.hpp"

namespace coopgrid {

double mean_of(const metric_summary& s) { return s.mean(); }

double sd_of(const metric_summary& s) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (s.count == 0 || s.has_pos_inf || s.has_neg_inf) return nan;
  if (s.min == s.max) return 0;  // one value throughout: exactly 0, whatever the sums' last bits
  // Past this a unit's sum of squares overflows, and exact_sum drops it.
  const double bound = std::sqrt(std::numeric_limits<double>::max() / static_cast<double>(s.count));
  if (!(std::max(std::fabs(s.min), std::fabs(s.max)) < bound)) return nan;
  // n var = S2 - S1^2 / n in binary128 (113 bits) from the sums as double-doubles (106 bits).
  // Cancellation costs log2((mean / sd)^2) bits: with the units' Neumaier rounding (~2^-90 of
  // S2) that leaves the variance exact to a double while |mean| / sd < ~10^4, 2^-38 at 6.7e7.
  const auto wide = [](const exact_sum& e) {
    const double hi = e.value();
    exact_sum rest = e;
    rest.add(-hi);
    return static_cast<__float128>(hi) + static_cast<__float128>(rest.value());
  };
  const auto n = static_cast<__float128>(s.count);
  const __float128 s1 = wide(s.moments[0]), s2 = wide(s.moments[1]);
  const __float128 var = (s2 - s1 * s1 / n) / n;
  if (!(var > 0)) return 0;
  // The double root, then one Newton step in binary128: the wide variance's root, rounded once.
  const auto root = static_cast<__float128>(std::sqrt(static_cast<double>(var)));
  return static_cast<double>(root + (var - root * root) / (2 * root));
}

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
