#include "host/reduce/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "host/reduce/merge_state.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "host/util/errors.hpp"
#include "host/io/format.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {

std::string reduce_json(const source& src, const reduce_report& r) {
  const auto& st = r.state;
  const auto& spec = r.spec;
  std::string js = "{\n";
  js += fmt::format("  \"input\": {},\n  \"kind\": \"{}\",\n  \"backend\": \"{}\",\n  \"precision\": \"{}\",\n",
                    json_string(r.input), r.kind, r.backend, precision_name(r.prec));
  if (r.shard.n > 1) {
    js += fmt::format("  \"shard\": \"{}/{}\",\n  \"range\": [{}, {}],\n", r.shard.k, r.shard.n, r.range_lo,
                      r.range_hi);
  }
  std::string where;
  for (const auto& f : spec.where) where += (where.empty() ? "" : ", ") + json_string(f.text());
  js += fmt::format("  \"where\": [{}],\n  \"scenarios\": {},\n  \"selected\": {},\n  \"metrics\": {{\n", where,
                    st.scenarios, st.selected);
  for (std::size_t j = 0; j < r.metrics.size(); ++j) {
    const auto& s = st.metrics[r.metrics[j]];
    const bool any = s.count > 0;
    js += fmt::format(
        "    {}: {{\"count\": {}, \"min\": {}, \"argmin\": {{{}}}, \"max\": {}, \"argmax\": {{{}}}, "
        "{}{}}}{}\n",
        json_string(metric_names[r.metrics[j]]), s.count, any ? json_number(s.min) : "null",
        scenario_json_members(src, s.argmin), any ? json_number(s.max) : "null", scenario_json_members(src, s.argmax),
        statistics_json(s), summary_not_finite_json(s), j + 1 < r.metrics.size() ? "," : "");
  }
  js += "  }";
  if (spec.top_k > 0) {
    js += fmt::format(",\n  \"top\": {{\"by\": {}, \"order\": \"{}\", \"k\": {}, \"rows\": [\n",
                      json_string(metric_names[spec.top_by]), spec.top_ascending ? "ascending" : "descending",
                      spec.top_k);
    for (std::size_t i = 0; i < st.top.size(); ++i) {
      const auto [value, k] = st.top[i];
      const auto& row = r.rows.at(k);
      std::string vals;
      std::vector<std::pair<const char*, double>> values{{"value", value}};
      for (int m : r.metrics) {
        vals += fmt::format("{}{}: {}", vals.empty() ? "" : ", ", json_string(metric_names[m]), json_number(row[m]));
        values.emplace_back(metric_names[m], row[m]);
      }
      js += fmt::format("    {{{}, \"value\": {}, \"metrics\": {{{}}}{}}}{}\n", scenario_json_members(src, k),
                        json_number(value), vals, json_not_finite(values), i + 1 < st.top.size() ? "," : "");
    }
    js += "  ]}";
  }
  if (spec.hist_metric >= 0) {
    std::string counts;
    for (auto c : st.hist.bins) counts += fmt::format("{}{}", counts.empty() ? "" : ", ", c);
    js += fmt::format(
        ",\n  \"histogram\": {{\"metric\": {}, \"bins\": {}, \"lo\": {}, \"hi\": {}, \"counts\": [{}], "
        "\"below\": {}, \"above\": {}}}",
        json_string(metric_names[spec.hist_metric]), spec.hist_bins, json_number(spec.hist_lo),
        json_number(spec.hist_hi), counts, st.hist.below, st.hist.above);
  }
  if (!r.marginals.empty()) js += ",\n  \"marginals\": " + marginals_json(r.marginals);
  js += fmt::format(",\n  \"merge_state\": {}\n}}\n", json_string(merge_state_text(r)));
  return js;
}

}  // namespace coopgrid
