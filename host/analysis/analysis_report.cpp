#include "host/analysis/analysis_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "host/analysis/method.hpp"
#include "host/io/format.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/util/errors.hpp"
#include "host/util/text.hpp"
#include "host/io/state_format.hpp"
#include "host/reduce/fingerprint.hpp"

namespace coopgrid {
namespace {

constexpr const char* state_magic = "coopgrid-analysis-state 1";

/// FNV-1a over the fields the fingerprint covers.
struct fnv {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void str(const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
  }
};

std::string metric_list(const std::vector<int>& ids) {
  std::string s;
  for (int id : ids) s += (s.empty() ? "" : ",") + std::string(metric_names[id]);
  return s;
}

/// The module of r's method.
const analysis_method& method_of_report(const analysis_report& r) { return method_of(r.analysis.kind); }

}  // namespace

analysis::sensitivity_view analysis_report::view(const design_source& d) const {
  auto v = make_sensitivity_view(d, analysis);
  for (std::size_t q = 0; q < shift.size() && q < std::size(v.shift); ++q) v.shift[q] = shift[q];
  return v;
}

void analysis_report::finish(const design_source& d) { indices = compute_indices(view(d), state, analysis.conf); }

std::uint64_t analysis_fingerprint(const design_source& d, const analysis_options& a, const std::string& backend,
                                   precision prec) {
  design_options o = d.options;
  o.n = 0;  // growth keeps the fingerprint
  design_source same_size = d;
  same_size.options = o;
  same_size.num_samples = 0;
  fnv f;
  f.str(state_magic);
  f.str(fmt::format("{:016x}", [&] {
    source s;
    s.input = same_size;
    return input_fingerprint(s);
  }()));
  f.str(design_options_text(o));
  f.str(fmt::format("{} {} {} {}", analysis_name(a.kind), a.replicates, hexf(a.conf), metric_list(a.metrics)));
  f.str(backend);
  f.str(precision_name(prec));
  return f.h;
}

std::string analysis_table(const design_source& d, const analysis_report& r) {
  const auto& method = method_of_report(r);
  const auto names = method.labels(d);
  const int rpp = d.view().rows_per_point;
  // Two short lines (what was analysed; how), so that the header fits an 80-column terminal.
  std::string out = fmt::format("{} of {}: {}\n  n = {}, {} evaluations, bootstrap {} (conf {}), {} {} in {:.2f} s\n",
                                analysis_name(r.analysis.kind), r.input, r.design.describe(), grouped(r.design.n),
                                grouped(r.state.points * rpp), r.analysis.replicates, r.analysis.conf, r.backend,
                                precision_name(r.prec), r.seconds);
  if (r.shard.n > 1) out += fmt::format("shard {}/{}: design points [{}, {})\n", r.shard.k, r.shard.n, r.range_lo, r.range_hi);
  for (const auto& mi : r.indices) {
    out += fmt::format("\n{}\n", metric_names[mi.metric]);
    if (!mi.reason.empty()) out += fmt::format("  indices are NaN: {}\n", mi.reason);
    out += method.tables(names, mi, r.design.second_order);
  }
  return out;
}

std::string analysis_json(const design_source& d, const analysis_report& r) {
  const auto& method = method_of_report(r);
  const auto names = method.labels(d);
  const int rpp = d.view().rows_per_point;
  std::string s = "{\n";
  s += fmt::format("  \"analysis\": {},\n", json_string(analysis_name(r.analysis.kind)));
  s += fmt::format("  \"problem\": {},\n", json_string(r.input));
  s += "  \"parameters\": [";
  for (std::size_t j = 0; j < names.size(); ++j) s += (j ? ", " : "") + json_string(names[j]);
  s += "],\n";
  s += fmt::format("  \"design\": {},\n", json_string(r.design.describe()));
  s += fmt::format("  \"n\": {},\n  \"seed\": {},\n", r.design.n, r.design.seed);
  s += fmt::format("  \"evaluations\": {},\n", r.state.points * rpp);
  s += fmt::format("  \"bootstrap\": {},\n  \"conf\": {},\n", r.analysis.replicates, json_number(r.analysis.conf));
  s += fmt::format("  \"backend\": {},\n  \"precision\": {},\n", json_string(r.backend),
                   json_string(precision_name(r.prec)));
  if (r.shard.n > 1) {
    s += fmt::format("  \"shard\": {},\n  \"points\": [{}, {}],\n", json_string(fmt::format("{}/{}", r.shard.k, r.shard.n)),
                     r.range_lo, r.range_hi);
  }
  s += fmt::format("  \"seconds\": {},\n", json_number(r.seconds));
  s += "  \"metrics\": {";
  for (std::size_t m = 0; m < r.indices.size(); ++m) {
    const auto& mi = r.indices[m];
    s += fmt::format("{}\n    {}: {{", m ? "," : "", json_string(metric_names[mi.metric]));
    auto fields = method.json(names, mi, r.design.second_order);
    if (!mi.reason.empty()) {
      fields.emplace_back("reason", json_string(mi.reason));
      fields.emplace_back("nonfinite_rows", std::to_string(mi.bad_rows));
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      s += fmt::format("{}\n      {}: {}", i ? "," : "", json_string(fields[i].first), fields[i].second);
    }
    s += "\n    }";
  }
  s += "\n  },\n";
  s += fmt::format("  \"merge_state\": {}\n}}\n", json_string(analysis_state_text(r)));
  return s;
}

std::string analysis_state_text(const analysis_report& r) {
  std::string t = format_header(state_magic);
  t += fmt::format("analysis {} replicates {} conf {} metrics {}\n", analysis_name(r.analysis.kind),
                   r.analysis.replicates, hexf(r.analysis.conf), metric_list(r.analysis.metrics));
  t += fmt::format("input {}\n", json_string(r.input));
  t += fmt::format("fixed {}\n", json_string(r.fixed));
  t += fmt::format("design {}\n", design_options_text(r.design));
  t += fmt::format("backend {}\nprecision {}\n", r.backend, precision_name(r.prec));
  t += fmt::format("shard {} {}\nrange {} {}\n", r.shard.k, r.shard.n, r.range_lo, r.range_hi);
  t += fmt::format("fingerprint {:016x} {:016x}\n", r.fingerprint, r.input_fingerprint);
  t += fmt::format("shift {}", r.shift.size());
  for (double x : r.shift) t += " " + hexf(x);
  t += "\n";
  return t + sensitivity_state_text(r.state);
}

bool is_analysis_state(const std::string& text) { return text.rfind(state_magic, 0) == 0; }

analysis_report parse_analysis_state(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  if (!read_format_header(in, state_magic, what)) {
    throw input_error(fmt::format("{}: not a coopgrid analysis state", what));
  }
  auto damaged = [&](const char* part) { return input_error(fmt::format("{}: damaged analysis state ({})", what, part)); };
  auto line_of = [&](const char* key) {
    std::string line;
    if (!std::getline(in, line) || line.rfind(std::string(key) + " ", 0) != 0) throw damaged(key);
    return line.substr(std::string(key).size() + 1);
  };
  // A JSON string written by json_string (no escapes but \" and \\ expected in paths).
  auto unquote = [&](const std::string& q, const char* key) {
    if (q.size() < 2 || q.front() != '"' || q.back() != '"') throw damaged(key);
    std::string out;
    for (std::size_t i = 1; i + 1 < q.size(); ++i) {
      if (q[i] == '\\' && i + 2 < q.size()) ++i;
      out += q[i];
    }
    return out;
  };
  analysis_report r;
  {
    std::istringstream f(line_of("analysis"));
    std::string kind, w1, conf, w2, w3, metrics;
    f >> kind >> w1 >> r.analysis.replicates >> w2 >> conf >> w3 >> metrics;
    const auto* method = find_method(kind);
    if (!f || w1 != "replicates" || w2 != "conf" || w3 != "metrics" || !method) throw damaged("analysis");
    r.analysis.kind = method->kind();
    r.analysis.conf = parse_hexf(conf, what);
    std::istringstream ms(metrics);
    std::string name;
    while (std::getline(ms, name, ',')) {
      const auto* at = std::find_if(std::begin(metric_names), std::end(metric_names),
                                    [&](const char* n) { return name == n; });
      if (at == std::end(metric_names)) throw damaged("metrics");
      r.analysis.metrics.push_back(static_cast<int>(at - std::begin(metric_names)));
    }
  }
  r.input = unquote(line_of("input"), "input");
  r.fixed = unquote(line_of("fixed"), "fixed");
  r.design = parse_design_options_text(line_of("design"), what);
  r.backend = line_of("backend");
  const auto prec = precision_of(line_of("precision"));
  if (!prec) throw damaged("precision");
  r.prec = *prec;
  {
    std::istringstream f(line_of("shard"));
    f >> r.shard.k >> r.shard.n;
    if (!f || r.shard.n < 1 || r.shard.k < 0 || r.shard.k >= r.shard.n) throw damaged("shard");
  }
  {
    std::istringstream f(line_of("range"));
    f >> r.range_lo >> r.range_hi;
    if (!f || r.range_lo < 0 || r.range_hi < r.range_lo) throw damaged("range");
  }
  {
    std::istringstream f(line_of("fingerprint"));
    f >> std::hex >> r.fingerprint >> r.input_fingerprint;
    if (!f) throw damaged("fingerprint");
  }
  {
    std::istringstream f(line_of("shift"));
    std::size_t n = 0;
    f >> n;
    if (!f || n > static_cast<std::size_t>(num_metrics * design::max_parameters)) throw damaged("shift");
    r.shift.resize(n);
    for (auto& x : r.shift) {
      std::string h;
      f >> h;
      if (!f) throw damaged("shift");
      x = parse_hexf(h, what);
    }
  }
  parse_sensitivity_state_text(in, 0, r.state, what);
  return r;
}

analysis_report merge_analysis_reports(const std::vector<analysis_report>& parts, const std::vector<std::string>& names) {
  COOPGRID_EXPECTS(!parts.empty(), "reports to merge");
  const auto& first = parts.front();
  auto ranges = std::vector<std::pair<index_t, index_t>>{};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    if (p.fingerprint != first.fingerprint || p.input_fingerprint != first.input_fingerprint ||
        p.design.n != first.design.n || p.shift != first.shift || p.state.sums.size() != first.state.sums.size()) {
      throw usage_error(fmt::format("merge: {} is not a shard of the same analysis as {} (problem and its "
                                    "parameters' order, design, n, analysis options, backend and precision must match)",
                                    names[i], names[0]));
    }
    if (p.state.points != p.range_hi - p.range_lo) {
      throw usage_error(fmt::format("merge: {} is incomplete ({} of its {} design points)", names[i], p.state.points,
                                    p.range_hi - p.range_lo));
    }
    ranges.emplace_back(p.range_lo, p.range_hi);
  }
  std::sort(ranges.begin(), ranges.end());
  index_t next = 0;
  for (const auto& [lo, hi] : ranges) {
    if (lo != next) {
      throw usage_error(fmt::format("merge: the shards do not tile the {} design points exactly once (at {})",
                                    first.design.n, next));
    }
    next = hi;
  }
  if (next != first.design.n) {
    throw usage_error(fmt::format("merge: the shards cover design points [0, {}) of {}", next, first.design.n));
  }
  analysis_report total = first;
  total.state = sensitivity_state(first.state.sums.size());
  total.seconds = 0;
  for (const auto& p : parts) {
    total.state.merge(p.state);
    total.seconds = std::max(total.seconds, p.seconds);
  }
  total.shard = shard_spec{};
  total.range_lo = 0;
  total.range_hi = first.design.n;
  return total;
}

}  // namespace coopgrid
