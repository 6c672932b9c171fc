#include "host/reduce/merge_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "host/io/format.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/util/errors.hpp"
#include "host/io/state_format.hpp"

namespace coopgrid {
namespace {

// Version 3: the metric count after the magic (shared_quota made it 15); 4: the marginals after the state;
// 5: power sums as their count and each (checkpoint.cpp).
constexpr const char* state_magic = "coopgrid-merge-state 5";

/// The reduction and metric selection as one canonical line (shards must agree on it).
std::string spec_line(const reduce_report& r) {
  std::string s = fmt::format("spec {}", r.spec.where.size());
  for (const auto& w : r.spec.where) s += " " + w.text();
  s += fmt::format(" top {} {} {} hist {} {} {} {} {} metrics {}", r.spec.top_k, r.spec.top_by,
                   int(r.spec.top_ascending), r.spec.hist_metric, r.spec.hist_bins, hexf(r.spec.hist_lo),
                   hexf(r.spec.hist_hi), int(r.spec.hist_range_given), r.metrics.size());
  for (int m : r.metrics) s += fmt::format(" {}", m);
  return s + " " + marginals_spec_line(r.marginals);
}

}  // namespace

std::string merge_state_text(const reduce_report& r) {
  std::string t = fmt::format(
      "{}input {}\nkind {}\nbackend {}\nprecision {}\nfingerprint {:016x}\ninput_fingerprint {:016x}\n",
      format_header(state_magic), r.input, r.kind, r.backend, precision_name(r.prec), r.fingerprint,
      r.input_fingerprint);
  // A design's options: merge rebuilds the source from them (a problem file alone has no size).
  if (r.kind == "design") t += fmt::format("design {}\nfixed {}\n", r.design, r.fixed);
  t += fmt::format("shard {} {} {} {}\n{}\n", r.shard.k, r.shard.n, r.range_lo, r.range_hi, spec_line(r));
  t += state_text(r.state);
  t += marginals_text(r.marginals);
  t += fmt::format("rows {}\n", r.rows.size());
  for (const auto& [k, row] : r.rows) {
    t += fmt::format("{}", k);
    for (double v : row) t += " " + hexf(v);
    t += "\n";
  }
  return t;
}

reduce_report parse_merge_state(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  auto damaged = [&](const char* part) {
    return input_error(fmt::format("{}: damaged merge state ({})", what, part));
  };
  reduce_report r;
  std::string line, word;
  if (!read_format_header(in, state_magic, what)) throw damaged("not a coopgrid merge state");
  auto field = [&](const char* name) {
    std::getline(in, line);
    const std::string prefix = std::string(name) + " ";
    if (line.compare(0, prefix.size(), prefix) != 0) throw damaged(name);
    return line.substr(prefix.size());
  };
  r.input = field("input");
  r.kind = field("kind");
  r.backend = field("backend");
  r.prec = precision_of(field("precision")).value_or(precision::f64);
  r.fingerprint = std::stoull(field("fingerprint"), nullptr, 16);
  r.input_fingerprint = std::stoull(field("input_fingerprint"), nullptr, 16);
  if (r.kind == "design") {
    r.design = field("design");
    // "fixed " with nothing after it: field() keeps the empty remainder.
    r.fixed = field("fixed");
  }
  {
    std::istringstream s(field("shard"));
    s >> r.shard.k >> r.shard.n >> r.range_lo >> r.range_hi;
    if (!s) throw damaged("shard");
  }
  {
    std::istringstream s(field("spec"));
    std::size_t nw = 0;
    s >> nw;
    for (std::size_t i = 0; i < nw && s; ++i) {
      s >> word;
      r.spec.where.push_back(parse_filter(word));
    }
    std::string lo, hi;
    int asc = 0, given = 0;
    std::size_t nm = 0;
    s >> word >> r.spec.top_k >> r.spec.top_by >> asc;
    if (word != "top") throw damaged("spec");
    s >> word >> r.spec.hist_metric >> r.spec.hist_bins >> lo >> hi >> given;
    if (word != "hist") throw damaged("spec");
    s >> word >> nm;
    if (word != "metrics" || !s) throw damaged("spec");
    r.metrics.resize(nm);
    for (auto& m : r.metrics) s >> m;
    if (!s) throw damaged("spec");
    // The marginals' axes follow; parse_marginals_text reads them again with the cells.
    r.spec.top_ascending = asc != 0;
    r.spec.hist_lo = parse_hexf(lo, what);
    r.spec.hist_hi = parse_hexf(hi, what);
    r.spec.hist_range_given = given != 0;
  }
  parse_state_text(in, r.spec, r.state, what);
  r.marginals = parse_marginals_text(in, what);
  std::size_t n = 0;
  in >> word >> n;
  if (word != "rows" || !in) throw damaged("rows");
  for (std::size_t i = 0; i < n; ++i) {
    index_t k = 0;
    std::array<double, num_metrics> row{};
    in >> k;
    for (auto& v : row) {
      in >> word;
      v = parse_hexf(word, what);
    }
    if (!in) throw damaged("rows");
    r.rows[k] = row;
  }
  return r;
}

std::string extract_merge_state(const std::string& json, const std::string& what) {
  const std::string key = "\"merge_state\": \"";
  auto at = json.find(key);
  if (at == std::string::npos) {
    throw input_error(fmt::format("{}: no merge_state (not a coopgrid --reduce report)", what));
  }
  std::string out;
  for (std::size_t i = at + key.size(); i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') return out;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= json.size()) break;
    switch (json[i]) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'u':
        if (i + 4 < json.size()) {
          out += static_cast<char>(std::stoi(json.substr(i + 1, 4), nullptr, 16));
          i += 4;
        }
        break;
      default: out += json[i];
    }
  }
  throw input_error(fmt::format("{}: merge_state is truncated", what));
}

reduce_report merge_reports(const std::vector<reduce_report>& parts, const std::vector<std::string>& names) {
  if (parts.empty()) throw usage_error("merge: no reports given");
  const auto& first = parts.front();
  std::vector<int> seen(static_cast<std::size_t>(first.shard.n), -1);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    if (p.fingerprint != first.fingerprint || spec_line(p) != spec_line(first)) {
      throw usage_error(fmt::format(
          "merge: {} was computed from another input (or a problem's parameters in another order), backend, "
          "precision or reduction than {} (a "
          "histogram without LO:HI takes its range from each shard's data: give METRIC:BINS:LO:HI)",
          names[i], names[0]));
    }
    if (p.shard.n != first.shard.n) {
      throw usage_error(fmt::format("merge: {} is shard {}/{}, {} is of {} shards", names[i], p.shard.k, p.shard.n,
                                    names[0], first.shard.n));
    }
    auto& slot = seen[static_cast<std::size_t>(p.shard.k)];
    if (slot >= 0) {
      throw usage_error(fmt::format("merge: shard {}/{} given twice ({} and {})", p.shard.k, p.shard.n,
                                    names[static_cast<std::size_t>(slot)], names[i]));
    }
    slot = static_cast<int>(i);
  }
  for (std::size_t k = 0; k < seen.size(); ++k) {
    if (seen[k] < 0) throw usage_error(fmt::format("merge: shard {}/{} is missing", k, first.shard.n));
  }
  reduce_report out = first;
  out.shard = shard_spec{};
  out.state = reduce_state(first.spec);
  out.rows.clear();
  for (auto& m : out.marginals) m.reset();
  std::map<index_t, std::array<double, num_metrics>> all_rows;
  for (int i : seen) {
    const auto& p = parts[static_cast<std::size_t>(i)];
    out.state.merge(first.spec, p.state);
    for (std::size_t j = 0; j < out.marginals.size(); ++j) out.marginals[j].merge(p.marginals[j]);
    all_rows.insert(p.rows.begin(), p.rows.end());
    out.range_hi = std::max(out.range_hi, p.range_hi);
  }
  out.range_lo = 0;
  out.state.finish(first.spec);
  for (const auto& [v, k] : out.state.top) out.rows[k] = all_rows.at(k);
  return out;
}

}  // namespace coopgrid
