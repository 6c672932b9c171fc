#include "host/reduce/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "host/reduce/metric_statistics.hpp"
#include "host/util/text.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {
namespace {

constexpr std::size_t min_width = 60;
constexpr std::size_t min_scenario_cell = 12;  ///< a cut scenario cell keeps at least this much
constexpr std::size_t max_bar = 50;

/// %.6g; NaN without a sign (a sign on NaN means nothing to a reader).
std::string num(double v) { return std::isnan(v) ? "nan" : fmt::format("{:.6g}", v); }

/// `s` cut to `w` bytes with "..." (never inside a UTF-8 sequence).
std::string fit(const std::string& s, std::size_t w) {
  if (s.size() <= w) return s;
  if (w <= 3) return s.substr(0, w);
  std::size_t cut = w - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

std::string join(const std::vector<std::string>& words, const char* sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

/// How the table names scenario k. The one place that looks inside the source.
struct table_label {
  std::string tag;                ///< batch: the id; grid: "#k"
  std::vector<std::string> axes;  ///< grid axes (field order), design parameters (problem order): "field=value"
};

table_label label_scenario(const source& src, index_t k) {
  table_label l;
  l.tag = scenario_label(src, k);
  if (k >= 0) {
    for (const auto& [name, value] : scenario_inputs(src, k)) l.axes.push_back(fmt::format("{}={}", name, num(value)));
  }
  return l;
}

/// `words` after `lead`, wrapped at `width` under the first word (a hanging indent).
std::string wrap_words(const std::string& lead, const std::vector<std::string>& words, std::size_t width) {
  const std::string pad(lead.size(), ' ');
  std::string out = lead;
  std::size_t len = lead.size();
  bool line_empty = true;
  for (const auto& w : words) {
    if (!line_empty && len + 1 + w.size() > width) {
      out += "\n" + pad;
      len = pad.size();
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++len;
    }
    out += w;
    len += w.size();
    line_empty = false;
  }
  return out + "\n";
}

struct table_column {
  std::string head;
  bool right = true;  ///< numbers right-aligned, text left
};

using table_rows = std::vector<std::vector<std::string>>;

std::vector<std::size_t> column_widths(const std::vector<table_column>& cols, const table_rows& rows) {
  std::vector<std::size_t> w;
  for (const auto& c : cols) w.push_back(c.head.size());
  for (const auto& row : rows) {
    for (std::size_t j = 0; j < row.size(); ++j) w[j] = std::max(w[j], row[j].size());
  }
  return w;
}

/// Two-space indent, two spaces between columns.
std::size_t table_width(const std::vector<std::size_t>& w) {
  std::size_t t = 2;
  for (auto x : w) t += x;
  return t + 2 * (w.size() - 1);
}

/// The header line and one line per row, padded to the column widths (trailing blanks trimmed later).
std::vector<std::string> render(const std::vector<table_column>& cols, const table_rows& rows,
                                const std::vector<std::size_t>& w) {
  auto line = [&](auto cell) {
    std::string s = " ";
    for (std::size_t j = 0; j < cols.size(); ++j) {
      s += cols[j].right ? fmt::format(" {:>{}}", cell(j), w[j]) : fmt::format(" {:<{}}", cell(j), w[j]);
      if (j + 1 < cols.size()) s += ' ';
    }
    return s;
  };
  std::vector<std::string> out{line([&](std::size_t j) { return cols[j].head; })};
  for (const auto& row : rows) out.push_back(line([&](std::size_t j) { return row[j]; }));
  return out;
}

/// render() of the columns `keep` only, in that order, as text.
std::string render_columns(const std::vector<table_column>& cols, const table_rows& rows,
                           const std::vector<std::size_t>& w, const std::vector<std::size_t>& keep) {
  std::vector<table_column> c;
  std::vector<std::size_t> cw;
  table_rows r(rows.size());
  for (std::size_t j : keep) {
    c.push_back(cols[j]);
    cw.push_back(w[j]);
    for (std::size_t i = 0; i < rows.size(); ++i) r[i].push_back(rows[i][j]);
  }
  std::string out;
  for (const auto& line : render(c, r, cw)) out += line + "\n";
  return out;
}

std::string trim_lines(const std::string& text) {
  std::string out, line;
  for (char c : text) {
    if (c != '\n') {
      line += c;
      continue;
    }
    line.erase(line.find_last_not_of(' ') + 1);  // npos + 1 == 0: a blank line empties
    out += line + '\n';
    line.clear();
  }
  return out + line;
}

std::string header_section(const reduce_report& r) {
  const auto& st = r.state;
  auto row = [](const char* key, const std::string& value) { return fmt::format("  {:<11}{}\n", key, value); };
  std::string out = "coopgrid --reduce summary\n";
  out += row("input", r.input) + row("kind", r.kind) + row("backend", r.backend) +
         row("precision", precision_name(r.prec));
  if (r.shard.n > 1) {
    out += row("shard", r.range_hi > r.range_lo
                            ? fmt::format("{}/{}: scenarios {} to {}", r.shard.k, r.shard.n, grouped(r.range_lo),
                                          grouped(r.range_hi - 1))
                            : fmt::format("{}/{}: no scenarios (more shards than reduction units)", r.shard.k,
                                          r.shard.n));
  }
  out += row("evaluated", grouped(st.scenarios) + " scenarios");
  std::string sel = grouped(st.selected);
  if (st.scenarios > 0) {
    auto pct = fmt::format("{:.3g}", 100.0 * static_cast<double>(st.selected) / static_cast<double>(st.scenarios));
    if (pct == "100" && st.selected < st.scenarios) pct = ">99.9";  // not all: never round to 100%
    sel += " (" + pct + "%)";
  }
  std::vector<std::string> filters;
  for (const auto& f : r.spec.where) filters.push_back(f.text());
  sel += filters.empty() ? ", no --where filter" : " where " + join(filters, " and ");
  if (st.selected == 0) sel += ": no scenario passes";
  return out + row("selected", sel);
}

/// The scenarios the metrics table names by tag, with their inputs: a few, so that the table stays on screen.
std::string at_list(const source& src, const std::map<index_t, table_label>& seen, std::size_t width) {
  constexpr std::size_t max_listed = 6;
  const bool design = std::holds_alternative<design_source>(src.input);
  std::string out = design ? "  at (design point: parameter values):\n" : "  at (grid index: axis values):\n";
  std::size_t tag_w = 0, listed = 0;
  for (const auto& [k, l] : seen) tag_w = std::max(tag_w, l.tag.size());
  for (const auto& [k, l] : seen) {
    if (listed++ == max_listed) break;
    out += wrap_words(fmt::format("    {:<{}}  ", l.tag, tag_w), l.axes, width);
  }
  if (seen.size() > max_listed) {
    out += fmt::format("    ... {} more: --json lists every one\n", seen.size() - max_listed);
  }
  return out;
}

/**
 * The metric table as it fits `width`: whole (first, second empty); else the extrema's (first)
 * and the statistics (mean, ...) in a second table (second); columns still too wide (long batch
 * ids) cut to fit, never a number.
 */
std::pair<std::string, std::string> render_metric_table(const std::vector<table_column>& cols, table_rows rows,
                                                        std::vector<std::size_t> w, std::size_t min_at,
                                                        std::size_t max_at, std::size_t width) {
  std::vector<std::size_t> extrema(max_at + 1), stats{0}, all(cols.size());
  for (std::size_t j = 0; j < all.size(); ++j) {
    all[j] = j;
    if (j <= max_at) {
      extrema[j] = j;
    } else {
      stats.push_back(j);
    }
  }
  const bool split = table_width(w) > width;
  const auto first_width = [&] {
    return split ? table_width(std::vector<std::size_t>(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(max_at + 1)))
                 : table_width(w);
  };
  if (first_width() > width) {
    const std::size_t over = first_width() - width;
    for (std::size_t j : {min_at, max_at}) {
      const std::size_t cap = std::max(min_scenario_cell, w[j] > (over + 1) / 2 ? w[j] - (over + 1) / 2 : 0);
      for (auto& row : rows) row[j] = fit(row[j], cap);
      w[j] = std::min(w[j], cap);
    }
  }
  if (!split) return {render_columns(cols, rows, w, all), ""};
  return {render_columns(cols, rows, w, extrema), render_columns(cols, rows, w, stats)};
}

std::string metrics_section(const source& src, const reduce_report& r, std::size_t width) {
  const auto& st = r.state;
  std::string out =
      st.selected == 0
          ? "\nmetrics: no scenario selected\n"
          : fmt::format("\nmetrics over the {} selected scenarios (at: the first to reach it)\n",
                        grouped(st.selected));
  std::map<index_t, table_label> seen;  // the scenarios the cells name, by index
  auto label = [&](index_t k) -> const table_label& {
    auto it = seen.find(k);
    if (it == seen.end()) it = seen.emplace(k, label_scenario(src, k)).first;
    return it->second;
  };
  auto at_cell = [&](index_t k, bool axes_inline) -> std::string {
    if (k < 0) return "-";
    const auto& l = label(k);
    return axes_inline && !l.axes.empty() ? join(l.axes, " ") : l.tag;
  };
  auto build = [&](bool axes_inline) {
    table_rows rows;
    for (int m : r.metrics) {
      const auto& s = st.metrics[m];
      if (s.count == 0) {
        rows.push_back({metric_names[m], "0", "-", "-", "-", "-"});
      } else {
        rows.push_back({metric_names[m], grouped(s.count), num(s.min), at_cell(s.argmin, axes_inline), num(s.max),
                        at_cell(s.argmax, axes_inline)});
      }
      for (const auto& stat : metric_statistics) rows.back().push_back(s.count == 0 ? "-" : num(stat.of(s)));
    }
    return rows;
  };
  std::vector<table_column> cols{{"metric", false}, {"count"}, {"min"}, {"min at", false}, {"max"}, {"max at", false}};
  for (const auto& stat : metric_statistics) cols.push_back({stat.name});
  // Every metric counted over every selected scenario (no NaN): the heading says the count once.
  bool one_count = true;
  for (int m : r.metrics) one_count = one_count && st.metrics[m].count == st.selected;
  const auto drop_count = [&](table_rows rows) {
    if (one_count) {
      for (auto& row : rows) row.erase(row.begin() + 1);
    }
    return rows;
  };
  if (one_count) cols.erase(cols.begin() + 1);
  const std::size_t min_at = one_count ? 2 : 3, max_at = min_at + 2;
  auto rows = drop_count(build(true));
  auto w = column_widths(cols, rows);
  bool tagged = false;
  if (table_width(w) > width) {
    // Axis values do not fit: cells name grid scenarios by index, listed once below.
    for (const auto& [k, l] : seen) tagged = tagged || !l.axes.empty();
    if (tagged) {
      rows = drop_count(build(false));
      w = column_widths(cols, rows);
    }
  }
  const auto [first, second] = render_metric_table(cols, rows, w, min_at, max_at, width);
  out += first;
  if (tagged) out += at_list(src, seen, width);  // under the table whose cells name them
  if (!second.empty()) out += "\n" + second;
  return out;
}

std::string top_section(const source& src, const reduce_report& r, std::size_t width) {
  const auto& spec = r.spec;
  const auto& st = r.state;
  std::string out = fmt::format("\ntop {} by {} ({} first)\n", spec.top_k, metric_names[spec.top_by],
                                spec.top_ascending ? "smallest" : "largest");
  if (st.top.empty()) return out + "  no scenario selected\n";
  std::vector<table_label> labels;
  table_rows rows;
  for (std::size_t i = 0; i < st.top.size(); ++i) {
    labels.push_back(label_scenario(src, st.top[i].second));
    rows.push_back({std::to_string(i + 1), num(st.top[i].first), labels.back().tag});
  }
  const bool axes = !labels.front().axes.empty();
  const std::vector<table_column> cols{{"rank"}, {metric_names[spec.top_by]}, {"scenario", false}};
  auto w = column_widths(cols, rows);
  if (!axes && table_width(w) > width) {
    const std::size_t cap = std::max(min_scenario_cell, width - std::min(width, table_width(w) - w[2]));
    for (auto& row : rows) row[2] = fit(row[2], cap);
    w[2] = std::min(w[2], cap);
  }
  const auto lines = render(cols, rows, w);
  if (!axes) {
    for (const auto& line : lines) out += line + "\n";
    return out;
  }
  // Grid scenarios: the axis values every entry shares once, above the table (the
  // best scenarios usually differ in a few axes), then each entry's own after its
  // index, wrapped under the first.
  std::vector<bool> shared(labels.front().axes.size(), labels.size() > 1);
  for (const auto& l : labels) {
    for (std::size_t a = 0; a < shared.size(); ++a) shared[a] = shared[a] && l.axes[a] == labels.front().axes[a];
  }
  auto pick = [&](const table_label& l, bool common) {
    std::vector<std::string> words;
    for (std::size_t a = 0; a < shared.size(); ++a) {
      if (shared[a] == common) words.push_back(l.axes[a]);
    }
    return words;
  };
  const auto common = pick(labels.front(), true);
  if (!common.empty()) out += wrap_words(fmt::format("  all {} have ", labels.size()), common, width);
  out += lines[0] + (common.empty() ? "  inputs\n" : "  other inputs\n");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += wrap_words(lines[i + 1] + "  ", pick(labels[i], false), width);
  }
  return out;
}

std::string histogram_section(const reduce_report& r, std::size_t width) {
  const auto& spec = r.spec;
  const auto& st = r.state;
  const auto bins = st.hist.bins.size();
  std::string out = fmt::format("\nhistogram of {}: {} bins over [{}, {}]\n", metric_names[spec.hist_metric], bins,
                                num(spec.hist_lo), num(spec.hist_hi));
  auto edge = [&](std::size_t i) {
    return i == bins ? spec.hist_hi
                     : spec.hist_lo + (spec.hist_hi - spec.hist_lo) * static_cast<double>(i) / static_cast<double>(bins);
  };
  table_rows rows{{"below " + num(spec.hist_lo), grouped(st.hist.below)}};
  index_t most = 0;
  for (std::size_t b = 0; b < bins; ++b) {
    rows.push_back({fmt::format("[{}, {}{}", num(edge(b)), num(edge(b + 1)), b + 1 == bins ? "]" : ")"),
                    grouped(st.hist.bins[b])});
    most = std::max(most, st.hist.bins[b]);
  }
  rows.push_back({"above " + num(spec.hist_hi), grouped(st.hist.above)});
  const std::vector<table_column> cols{{"bin", false}, {"count"}};
  const auto w = column_widths(cols, rows);
  const std::size_t used = table_width(w) + 2;
  const std::size_t bar = std::clamp<std::size_t>(width > used ? width - used : 0, 10, max_bar);
  const auto lines = render(cols, rows, w);
  out += lines[0] + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) {
    out += lines[i];
    const bool is_bin = i >= 2 && i < lines.size() - 1;  // below and above get no bar
    const index_t c = is_bin ? st.hist.bins[i - 2] : 0;
    if (c > 0) {
      // Rounded, and at least one mark: a non-empty bin never looks empty.
      const auto len = std::max<std::size_t>(
          1, static_cast<std::size_t>(std::llround(static_cast<double>(c) / static_cast<double>(most) * bar)));
      out += "  " + std::string(len, '#');
    }
    out += "\n";
  }
  return out;
}

/// Cells a marginal shows in the table (the rest: --json or --marginal-csv).
constexpr index_t max_marginal_rows = 12;

/// Each marginal's first cells for one metric: --by's when selected, else the first selected.
std::string marginals_section(const reduce_report& r) {
  std::string out;
  for (const auto& m : r.marginals) {
    if (m.metrics.empty()) continue;
    std::size_t slot = 0;
    for (std::size_t s = 0; s < m.metrics.size(); ++s) {
      if (r.spec.top_k > 0 && m.metrics[s] == r.spec.top_by) slot = s;
    }
    out += fmt::format("\nmarginal {}: {} cells, {}\n", m.name(), grouped(m.num_cells()),
                       metric_names[m.metrics[slot]]);
    std::vector<table_column> cols;
    for (const auto& a : m.axes) cols.push_back({a.bins > 0 ? a.name + " (bin mid)" : a.name});
    cols.push_back({"count"});
    for (const auto& stat : metric_statistics) cols.push_back({stat.name});
    for (const char* h : {"min", "max"}) cols.push_back({h});
    table_rows rows;
    const index_t n1 = m.axes.size() == 2 ? m.axes[1].cells() : 1;
    const index_t shown = std::min(m.num_cells(), max_marginal_rows);
    for (index_t c = 0; c < shown; ++c) {
      std::vector<std::string> row{num(m.axes[0].label(m.axes.size() == 2 ? c / n1 : c))};
      if (m.axes.size() == 2) row.push_back(num(m.axes[1].label(c % n1)));
      const auto& x = m.at(c, slot);
      const bool any = x.count > 0;
      row.push_back(grouped(x.count));
      for (const auto& stat : metric_statistics) row.push_back(any ? num(stat.of(x)) : "-");
      for (double v : {x.min, x.max}) row.push_back(any ? num(v) : "-");
      rows.push_back(std::move(row));
    }
    for (const auto& line : render(cols, rows, column_widths(cols, rows))) out += line + "\n";
    if (shown < m.num_cells()) {
      out += fmt::format("  ... {} more cells (all cells and metrics: --json or --marginal-csv FILE)\n",
                         grouped(m.num_cells() - shown));
    }
  }
  return out;
}

}  // namespace

std::string reduce_table(const source& src, const reduce_report& r, int width) {
  const std::size_t w = std::max<std::size_t>(min_width, static_cast<std::size_t>(std::max(width, 0)));
  std::string out = header_section(r) + metrics_section(src, r, w);
  if (r.spec.top_k > 0) out += top_section(src, r, w);
  if (r.spec.hist_metric >= 0) out += histogram_section(r, w);
  out += marginals_section(r);
  out += "\nthe full report (all digits, merge state for coopgrid merge): --json or -o FILE\n";
  return trim_lines(out);
}

bool use_table(const std::string& output_path, bool json_flag) {
  return !json_flag && (output_path.empty() || output_path == "-") && ::isatty(STDOUT_FILENO) == 1;
}

int terminal_columns() {
  // The terminal's own width (an 80-column one gets 80), within what the tables can use.
  return std::clamp<int>(static_cast<int>(terminal_width(STDOUT_FILENO)), static_cast<int>(min_width), 140);
}

}  // namespace coopgrid
