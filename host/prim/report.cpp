#include "host/prim/report.hpp"

#include <fmt/format.h>

#include "host/io/format.hpp"
#include "host/util/text.hpp"

namespace coopgrid::prim {
namespace {

std::string json_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_string(v[i]);
  return out + "]";
}

std::string json_numbers(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_number(v[i]);
  return out + "]";
}

// The box's restricted inputs: limits and quasi-p-values (EMA's inspect table).
std::string json_box(const box_entry& e, const report_context& c, const box_limits& init) {
  std::string out = "{";
  bool first = true;
  for (std::size_t j = 0; j < c.inputs.size(); ++j) {
    if (e.limits.lower[j] == init.lower[j] && e.limits.upper[j] == init.upper[j]) continue;
    out += fmt::format("{}\n      {}: {{\"lower\": {}, \"upper\": {}, \"qp_lower\": {}, \"qp_upper\": {}}}",
                       first ? "" : ",", json_string(c.inputs[j]), json_number(e.limits.lower[j]),
                       json_number(e.limits.upper[j]), json_number(e.quasi_p[j][0]), json_number(e.quasi_p[j][1]));
    first = false;
  }
  return out + (first ? "}" : "\n    }");
}

}  // namespace

std::string json_report(const prim_result& r, const report_context& c) {
  std::string out = fmt::format(
      "{{\n  \"analysis\": \"prim\",\n  \"input\": {},\n  \"kind\": {},\n  \"method\": {},\n  \"backend\": {},\n"
      "  \"precision\": {},\n  \"where\": {},\n  \"inputs\": {},\n  \"peel_alpha\": {},\n  \"paste_alpha\": {},\n"
      "  \"mass_min\": {},\n  \"threshold\": {},\n  \"scenarios\": {},\n  \"cases\": {},\n  \"seconds\": {},\n"
      "  \"initial\": {{\"lower\": {}, \"upper\": {}}},\n  \"peel_steps\": {},\n  \"threshold_met\": {},\n",
      json_string(c.input), json_string(c.kind), json_string(c.method), json_string(c.backend),
      json_string(c.precision), json_list(c.where), json_list(c.inputs), json_number(c.options.peel_alpha),
      json_number(c.options.paste_alpha), json_number(c.options.mass_min), json_number(c.options.threshold),
      r.total_rows, r.total_cases, json_number(c.seconds), json_numbers(r.initial.lower),
      json_numbers(r.initial.upper), r.peel_steps, r.threshold_met ? "true" : "false");
  if (c.method == "streamed")
    out += fmt::format("  \"passes\": {},\n  \"bins\": {},\n  \"bins_kept\": {},\n", c.passes, c.bins,
                       c.cached ? "true" : "false");
  out += "  \"trajectory\": [";
  for (std::size_t i = 0; i < r.trajectory.size(); ++i) {
    const box_entry& e = r.trajectory[i];
    out += fmt::format("{}\n    {{\"step\": {}, \"coverage\": {}, \"density\": {}, \"mass\": {}, \"n\": {}, \"k\": {}, "
                       "\"res_dim\": {}, \"lower\": {}, \"upper\": {}, \"box\": {}}}",
                       i ? "," : "", i, json_number(e.coverage), json_number(e.density), json_number(e.mass), e.rows,
                       e.cases, e.restricted, json_numbers(e.limits.lower), json_numbers(e.limits.upper),
                       json_box(e, c, r.initial));
  }
  return out + "\n  ]\n}\n";
}

std::string table_report(const prim_result& r, const report_context& c, std::size_t width) {
  std::string where;
  for (const auto& w : c.where) where += (where.empty() ? "" : " and ") + w;
  std::string out = fmt::format("prim of {}: {} scenarios, {} of interest\n", c.input, grouped(r.total_rows),
                                grouped(r.total_cases));
  out += fmt::format("  where {}\n", where);
  const std::string how = c.method == "grid"       ? "grid counted block by block"
                          : c.method == "streamed" ? fmt::format("rows streamed, {} passes, {} bins{}", c.passes,
                                                                 c.bins, c.cached ? " kept" : "")
                                                   : "rows in memory";
  out += fmt::format("  {} ({} {}) in {:.2f} s\n", how, c.backend, c.precision, c.seconds);
  out += fmt::format("  peel alpha {}, paste alpha {}, mass min {}, threshold {}\n", c.options.peel_alpha,
                     c.options.paste_alpha, c.options.mass_min, c.options.threshold);
  const std::size_t steps = r.trajectory.size() - 1;
  const auto peeled = static_cast<std::size_t>(r.peel_steps);
  out += "\ntrajectory: " +
         (steps == 0        ? std::string("the initial box only (no peel improves it)")
          : peeled == steps ? fmt::format("steps 1-{} peel", steps)
                            : fmt::format("steps 1-{} peel, {}-{} paste", peeled, peeled + 1, steps)) +
         "\n";
  out += fmt::format("{:>5}  {:>9}  {:>9}  {:>9}  {:>10}\n", "step", "coverage", "density", "mass", "restricted");
  for (std::size_t i = 0; i < r.trajectory.size(); ++i) {
    const box_entry& e = r.trajectory[i];
    out += fmt::format("{:>5}  {:>9.6f}  {:>9.6f}  {:>9.6f}  {:>10}\n", i, e.coverage, e.density, e.mass,
                       e.restricted);
  }
  const box_entry& last = r.trajectory.back();
  out += fmt::format("\nbox (step {}): coverage {:.4f}, density {:.4f}, mass {:.4f}; {}\n", steps,
                     last.coverage, last.density, last.mass,
                     r.threshold_met ? fmt::format("meets threshold {}", c.options.threshold)
                                     : fmt::format("BELOW threshold {}", c.options.threshold));
  std::size_t name_width = 5;
  for (const auto& n : c.inputs) name_width = std::max(name_width, n.size());
  name_width = std::min(name_width, width > 50 ? width - 50 : std::size_t{10});
  out += fmt::format("{:<{}}  {:>11}  {:>11}  {:>9}  {:>9}\n", "input", name_width, "lower", "upper", "qp_lower",
                     "qp_upper");
  auto qp = [](double v) { return v < 0 ? std::string("-") : fmt::format("{:.2e}", v); };
  for (std::size_t j = 0; j < c.inputs.size(); ++j) {
    if (last.limits.lower[j] == r.initial.lower[j] && last.limits.upper[j] == r.initial.upper[j]) continue;
    std::string name = c.inputs[j].size() > name_width ? c.inputs[j].substr(0, name_width - 1) + "~" : c.inputs[j];
    out += fmt::format("{:<{}}  {:>11.6g}  {:>11.6g}  {:>9}  {:>9}\n", name, name_width, last.limits.lower[j],
                       last.limits.upper[j], qp(last.quasi_p[j][0]), qp(last.quasi_p[j][1]));
  }
  return out;
}

}  // namespace coopgrid::prim
