#include "host/reduce/marginal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "host/io/format.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "host/source/problem.hpp"
#include "host/util/errors.hpp"
#include "host/io/state_format.hpp"
#include "kernels/histogram.hpp"

namespace coopgrid {
namespace {

/// The scenario-level columns of a batch (scenarios.csv), by the names the file uses.
enum scenario_column : int { batch_activities, batch_countries_per_activity, num_scenario_columns };
constexpr const char* scenario_column_names[num_scenario_columns] = {"activities", "countries_per_activity"};

double batch_value(const batch& b, int column, index_t k) {
  const auto i = static_cast<std::size_t>(k);
  return column == batch_activities ? b.columns.activities[i]
                                    : static_cast<double>(b.columns.countries_per_activity[i]);
}

std::string known(const std::vector<std::string>& names) {
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

/// Scenario k's input values that marginals read: grid point indices, design parameter values or batch columns.
struct scenario_reader {
  const source& src;
  std::array<index_t, num_grid_fields> point{};
  std::vector<double> params;

  void load(index_t k) {
    if (const auto* g = std::get_if<grid>(&src.input)) {
      point = g->decode(k);
    } else if (const auto* d = std::get_if<design_source>(&src.input)) {
      params = d->parameter_values(k);
    }
  }
  index_t cell(const marginal_axis& a, index_t k) const {
    if (a.bins == 0) return point[static_cast<std::size_t>(a.input)];
    const double v = std::holds_alternative<batch>(src.input)
                         ? batch_value(std::get<batch>(src.input), a.input, k)
                         : params[static_cast<std::size_t>(a.input)];
    // Inside [lo, hi] by construction (the declared or the observed range), but for
    // an inverse CDF's rounding at a declared end (loguniform's exp): the end bins take those.
    const index_t bin = histogram_bin(v, a.lo, a.hi, a.bins);
    return bin == a.bins ? 0 : std::min(bin, a.bins - 1);
  }
};

/**
 * @brief The range [lo, hi] a parameter's distribution declares in the problem
 *        file (uniform, loguniform, truncnormal, triangular, integers: its
 *        bounds; choice: its least and largest value); false for the unbounded
 *        normal and lognormal, whose bins then span the values observed.
 */
bool declared_range(const problem_parameter& p, double& lo, double& hi) {
  using design::distribution_kind;
  const auto& d = p.dist;
  switch (d.kind) {
    case distribution_kind::uniform:
    case distribution_kind::loguniform:
      lo = d.x0, hi = d.x1;
      return true;
    case distribution_kind::truncnormal:
      lo = d.x2, hi = d.x3;
      return true;
    case distribution_kind::triangular:
      lo = d.x0, hi = d.x2;
      return true;
    case distribution_kind::integers:
      lo = static_cast<double>(d.i0), hi = static_cast<double>(d.i1);
      return true;
    case distribution_kind::choice:
      if (p.choices.empty()) return false;
      lo = *std::min_element(p.choices.begin(), p.choices.end());
      hi = *std::max_element(p.choices.begin(), p.choices.end());
      return true;
    case distribution_kind::normal:
    case distribution_kind::lognormal:
      return false;
  }
  return false;
}

/// Cell text of the JSON and CSV: empty cells have no extrema or mean.
std::string json_or_null(bool any, double v) { return any ? json_number(v) : "null"; }

}  // namespace

double marginal_axis::edge(index_t i) const {
  if (i >= bins) return hi;  // exact last edge
  return lo + (hi - lo) * (static_cast<double>(i) / static_cast<double>(bins));
}

double marginal_axis::label(index_t cell) const {
  if (bins == 0) return values[static_cast<std::size_t>(cell)];
  return 0.5 * (edge(cell) + edge(cell + 1));
}

index_t marginal::num_cells() const {
  index_t n = 1;
  for (const auto& a : axes) n *= a.cells();
  return n;
}

void marginal::reset() { cells.assign(static_cast<std::size_t>(num_cells()) * metrics.size(), metric_summary{}); }

void marginal::merge(const marginal& o) {
  COOPGRID_EXPECTS(o.cells.size() == cells.size(), "marginal::merge: another marginal");
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i].merge(o.cells[i]);
}

std::string marginal::name() const {
  std::string s;
  for (const auto& a : axes) {
    s += (s.empty() ? "" : ",") + a.name;
    if (a.bins > 0) s += fmt::format(":{}", a.bins);
  }
  return s;
}

std::vector<marginal> resolve_marginals(const source& src, const std::vector<marginal_option>& opts,
                                        const std::vector<int>& metrics) {
  std::vector<marginal> out;
  for (const auto& o : opts) {
    marginal m;
    m.metrics = metrics;
    for (std::size_t j = 0; j < o.names.size(); ++j) {
      const std::string& name = o.names[j];
      const index_t bins = o.bins[j];
      marginal_axis a;
      a.name = name;
      a.bins = bins;
      std::vector<std::string> names;
      src.visit(
          [&](const grid& g) {
            for (int f : g.axes()) names.emplace_back(grid_field_names[f]);
            if (const int f = grid_field_by_name(name); f >= 0 && g.is_axis[f]) a.input = f;
            if (a.input < 0) return;
            if (bins > 0) {
              throw usage_error(fmt::format(
                  "--marginal '{}': '{}' is a grid axis, whose points are the cells: drop ':{}'", o.text, name, bins));
            }
            for (index_t p = 0; p < g.size(a.input); ++p) a.values.push_back(g.value(a.input, p));
          },
          [&](const batch& b) {
            for (int c = 0; c < num_scenario_columns; ++c) {
              names.emplace_back(scenario_column_names[c]);
              if (name == scenario_column_names[c]) a.input = c;
            }
            if (a.input < 0) return;
            a.lo = a.hi = b.num_scenarios() > 0 ? batch_value(b, a.input, 0) : 0.0;
            for (index_t k = 1; k < b.num_scenarios(); ++k) {
              const double v = batch_value(b, a.input, k);
              a.lo = std::min(a.lo, v);
              a.hi = std::max(a.hi, v);
            }
          },
          [&](const design_source& d) {
            for (std::size_t p = 0; p < d.prob.parameters.size(); ++p) {
              names.emplace_back(grid_field_names[d.prob.parameters[p].field]);
              if (name == names.back()) a.input = static_cast<int>(p);
            }
            if (a.input < 0) return;
            if (declared_range(d.prob.parameters[static_cast<std::size_t>(a.input)], a.lo, a.hi)) return;
            for (index_t k = 0; k < d.num_samples; ++k) {
              const double v = d.parameter_values(k)[static_cast<std::size_t>(a.input)];
              a.lo = k == 0 ? v : std::min(a.lo, v);
              a.hi = k == 0 ? v : std::max(a.hi, v);
            }
          });
      const bool is_grid = std::holds_alternative<grid>(src.input);
      if (a.input < 0) {
        throw usage_error(fmt::format("--marginal '{}': '{}' is not {} (known: {})", o.text, name,
                                      is_grid                                           ? "an axis of this grid"
                                      : std::holds_alternative<batch>(src.input) ? "a column of scenarios.csv"
                                                                                 : "a parameter of this design",
                                      known(names)));
      }
      if (!is_grid && bins == 0) {
        throw usage_error(fmt::format("--marginal '{}': '{}' needs equal-width bins on a {}: give {}:BINS", o.text,
                                      name, src.kind(), name));
      }
      for (const auto& b : m.axes) {
        if (b.name == a.name) throw usage_error(fmt::format("--marginal '{}': '{}' given twice", o.text, name));
      }
      m.axes.push_back(std::move(a));
    }
    if (m.num_cells() > marginal_max_cells) {
      throw usage_error(fmt::format("--marginal '{}': {} cells, at most {} (fewer bins or one axis)", o.text,
                                    m.num_cells(), marginal_max_cells));
    }
    m.reset();
    out.push_back(std::move(m));
  }
  return out;
}

void fold_marginals(const source& src, const reduce_spec& spec, const double* rows, index_t first, index_t count,
                    std::vector<marginal>& ms) {
  if (ms.empty()) return;
  scenario_reader in{src, {}, {}};
  for (index_t i = 0; i < count; ++i) {
    const double* v = rows + static_cast<std::size_t>(i) * num_metrics;
    if (!spec.passes(v)) continue;
    const index_t k = first + i;
    in.load(k);
    for (auto& m : ms) {
      const index_t c = m.cell_of(in.cell(m.axes[0], k), m.axes.size() == 2 ? in.cell(m.axes[1], k) : 0);
      for (std::size_t s = 0; s < m.metrics.size(); ++s) m.at(c, s).add(v[m.metrics[s]], 0);
    }
  }
}

std::string marginals_spec_line(const std::vector<marginal>& ms) {
  std::string s = fmt::format("marginals {}", ms.size());
  for (const auto& m : ms) {
    s += fmt::format(" {}", m.axes.size());
    for (const auto& a : m.axes) {
      s += fmt::format(" {} {} {} {} {} {}", a.name, a.input, a.bins, hexf(a.lo), hexf(a.hi), a.values.size());
      for (double v : a.values) s += " " + hexf(v);
    }
    s += fmt::format(" {}", m.metrics.size());
    for (int x : m.metrics) s += fmt::format(" {}", x);
  }
  return s;
}

std::string marginals_text(const std::vector<marginal>& ms) {
  std::string t = marginals_spec_line(ms) + "\n";
  for (const auto& m : ms) {
    for (const auto& c : m.cells) {
      if (c.count == 0) {
        t += "0\n";
        continue;
      }
      t += fmt::format("{} {} {} {} {} {}\n", c.count, hexf(c.min), hexf(c.max), c.moments_text(), int(c.has_pos_inf),
                       int(c.has_neg_inf));
    }
  }
  return t;
}

std::vector<marginal> parse_marginals_text(std::istream& in, const std::string& what) {
  auto damaged = [&](const char* part) {
    return input_error(fmt::format("{}: damaged marginals ({})", what, part));
  };
  std::string word;
  std::size_t n = 0;
  in >> word >> n;
  if (word != "marginals" || !in || n > 1024) throw damaged("count");
  std::vector<marginal> ms(n);
  for (auto& m : ms) {
    std::size_t na = 0;
    in >> na;
    if (!in || na < 1 || na > 2) throw damaged("axes");
    m.axes.resize(na);
    for (auto& a : m.axes) {
      std::string lo, hi;
      std::size_t nv = 0;
      in >> a.name >> a.input >> a.bins >> lo >> hi >> nv;
      if (!in || nv > static_cast<std::size_t>(marginal_max_cells)) throw damaged("axis");
      a.lo = parse_hexf(lo, what);
      a.hi = parse_hexf(hi, what);
      a.values.resize(nv);
      for (auto& v : a.values) {
        in >> word;
        v = parse_hexf(word, what);
      }
    }
    std::size_t nm = 0;
    in >> nm;
    if (!in || nm > static_cast<std::size_t>(num_metrics)) throw damaged("metrics");
    m.metrics.resize(nm);
    for (auto& x : m.metrics) {
      in >> x;
      if (x < 0 || x >= num_metrics) throw damaged("metrics");
    }
    if (!in || m.num_cells() > marginal_max_cells) throw damaged("axes");
  }
  for (auto& m : ms) {
    m.reset();
    for (auto& c : m.cells) {
      in >> c.count;
      if (!in || c.count < 0) throw damaged("cell");
      if (c.count == 0) continue;
      std::string mn, mx;
      int pinf = 0, ninf = 0;
      in >> mn >> mx;
      if (!in || !c.parse_moments(in, what)) throw damaged("cell");
      in >> pinf >> ninf;
      if (!in) throw damaged("cell");
      c.min = parse_hexf(mn, what);
      c.max = parse_hexf(mx, what);
      c.argmin = c.argmax = 0;
      c.has_pos_inf = pinf != 0;
      c.has_neg_inf = ninf != 0;
    }
  }
  return ms;
}

std::string marginals_json(const std::vector<marginal>& ms) {
  std::string js = "[";
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const auto& m = ms[i];
    std::string axes;
    for (const auto& a : m.axes) {
      std::string nums;
      const index_t n = a.bins > 0 ? a.bins + 1 : a.cells();
      for (index_t j = 0; j < n; ++j) {
        nums += fmt::format("{}{}", j ? ", " : "", json_number(a.bins > 0 ? a.edge(j) : a.values[j]));
      }
      axes += fmt::format("{}{{\"name\": {}, {}: [{}]}}", axes.empty() ? "" : ", ", json_string(a.name),
                          a.bins > 0 ? "\"edges\"" : "\"values\"", nums);
    }
    js += fmt::format("{}\n    {{\"axes\": [{}], \"cells\": [", i ? "," : "", axes);
    for (index_t c = 0; c < m.num_cells(); ++c) {
      const index_t j0 = m.axes.size() == 2 ? c / m.axes[1].cells() : c;
      std::string at = fmt::format("{}", j0);
      if (m.axes.size() == 2) at += fmt::format(", {}", c % m.axes[1].cells());
      std::string metrics;
      for (std::size_t s = 0; s < m.metrics.size(); ++s) {
        const auto& x = m.at(c, s);
        const bool any = x.count > 0;
        metrics += fmt::format("{}{}: {{\"min\": {}, \"max\": {}, {}{}}}", s ? ", " : "",
                               json_string(metric_names[m.metrics[s]]), json_or_null(any, x.min),
                               json_or_null(any, x.max), statistics_json(x), summary_not_finite_json(x));
      }
      const index_t count = m.metrics.empty() ? 0 : m.at(c, 0).count;
      js += fmt::format("{}\n      {{\"at\": [{}], \"count\": {}, \"metrics\": {{{}}}}}", c ? "," : "", at, count,
                        metrics);
    }
    js += "\n    ]}";
  }
  return js + (ms.empty() ? "]" : "\n  ]");
}

std::string marginals_csv(const std::vector<marginal>& ms) {
  std::vector<std::string> columns;  // every axis name, in order of first appearance
  for (const auto& m : ms) {
    for (const auto& a : m.axes) {
      if (std::find(columns.begin(), columns.end(), a.name) == columns.end()) columns.push_back(a.name);
    }
  }
  fmt::memory_buffer out;
  auto text = [&](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  text("marginal");
  for (const auto& c : columns) text("," + csv_field(c));
  text(",metric,count,min,max");
  for (const auto& st : metric_statistics) text(fmt::format(",{}", st.name));
  text("\n");
  for (const auto& m : ms) {
    const std::string name = csv_field(m.name());
    for (index_t c = 0; c < m.num_cells(); ++c) {
      const index_t j[2] = {m.axes.size() == 2 ? c / m.axes[1].cells() : c,
                            m.axes.size() == 2 ? c % m.axes[1].cells() : 0};
      std::string prefix = name;
      for (const auto& col : columns) {
        prefix += ',';
        for (std::size_t a = 0; a < m.axes.size(); ++a) {
          if (m.axes[a].name == col) prefix += json_number(m.axes[a].label(j[a]));
        }
      }
      for (std::size_t s = 0; s < m.metrics.size(); ++s) {
        const auto& x = m.at(c, s);
        text(fmt::format("{},{},{}", prefix, metric_names[m.metrics[s]], x.count));
        const auto cell = [&](double v) {
          text(",");
          if (x.count > 0) format_number(out, v);
        };
        cell(x.min);
        cell(x.max);
        for (const auto& st : metric_statistics) cell(st.of(x));
        text("\n");
      }
    }
  }
  return fmt::to_string(out);
}

}  // namespace coopgrid
