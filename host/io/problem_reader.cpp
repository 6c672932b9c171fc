// The other translation unit that includes toml++ (host/io/toml_fields.hpp).
#include "host/io/toml_fields.hpp"
//
#include "host/io/problem_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <vector>

#include "host/io/grid_reader.hpp"
#include "host/io/text_file.hpp"
#include "host/util/errors.hpp"
#include "host/util/text.hpp"

namespace coopgrid {
namespace {
using namespace toml_io;
using design::distribution_kind;

const std::string known_dist_keys = std::string(known_dist_names) + "; and an optional group";
constexpr const char* axis_keys[] = {"values", "range", "linspace", "logspace", "step"};

const char* kind_name(distribution_kind k) { return dist_keys[static_cast<int>(k)]; }

/// A distribution as read, before the rules: its parameters (choice: its values).
struct dist_in {
  distribution_kind kind = distribution_kind::uniform;
  std::vector<double> x;
  index_t ia = 0, ib = 0;  ///< integers' a and b, exact
};

std::string dist_text(const dist_in& d) {
  std::string s = std::string(kind_name(d.kind)) + " [";
  if (d.kind == distribution_kind::integers) return s + fmt::format("{}, {}]", d.ia, d.ib);
  for (std::size_t i = 0; i < d.x.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", d.x[i]);
  return s + "]";
}

/**
 * DESIGNS.md section 1's parameter rules, then the field's domain (MODEL.md section 1):
 * the distribution's support must lie in it, so that no sample is ever out of domain.
 * `where` is "FILE:LINE[:COL]: KEY".
 */
problem_parameter make_parameter(int f, const dist_in& d, const std::string& where) {
  const std::string text = dist_text(d);
  const std::string at = where + ": " + text;
  const auto& x = d.x;
  auto rule = [&](bool ok, const char* what) {
    if (!ok) throw input_error(fmt::format("{} needs {}", at, what));
  };
  switch (d.kind) {
    case distribution_kind::uniform: rule(x[0] <= x[1], "a <= b"); break;
    case distribution_kind::loguniform: rule(x[0] > 0 && x[0] <= x[1], "0 < a <= b"); break;
    case distribution_kind::normal:
    case distribution_kind::lognormal: rule(x[1] > 0, "sigma > 0"); break;
    case distribution_kind::truncnormal:
      rule(x[1] > 0, "sigma > 0");
      rule(x[2] < x[3], "lo < hi");
      break;
    case distribution_kind::triangular:
      rule(x[0] <= x[1] && x[1] <= x[2] && x[0] < x[2], "lo <= mode <= hi and lo < hi");
      break;
    case distribution_kind::integers: rule(d.ia <= d.ib, "a <= b"); break;
    case distribution_kind::choice: rule(!x.empty(), "at least one value"); break;
  }
  const bool discrete = d.kind == distribution_kind::integers || d.kind == distribution_kind::choice;
  if (grid_field_is_integer(f) && !discrete) {
    throw input_error(fmt::format("{}: a count takes only integers = [a, b] or choice = [...] of integers ({} "
                                  "counts items)",
                                  at, grid_field_names[f]));
  }
  problem_parameter p;
  p.field = f;
  p.group = grid_field_names[f];
  p.text = text;
  p.distribution = kind_name(d.kind);
  p.args = d.kind == distribution_kind::integers
               ? std::vector<double>{static_cast<double>(d.ia), static_cast<double>(d.ib)}
               : x;
  if (d.kind == distribution_kind::integers) {
    check_field_value(f, static_cast<double>(d.ia), at);
    check_field_value(f, static_cast<double>(d.ib), at);
    p.dist = design::make_integers(d.ia, d.ib);
    return p;
  }
  if (d.kind == distribution_kind::choice) {
    for (double v : x) check_field_value(f, v, at);
    p.choices = x;
    p.dist = design::make_choice(static_cast<index_t>(x.size()));
    return p;
  }
  // The support of a continuous distribution, and a hint where a bounded one fits.
  double lo = x[0], hi = x[1];
  std::string support;
  const char* hint = "";
  switch (d.kind) {
    case distribution_kind::normal:
      lo = -HUGE_VAL, hi = HUGE_VAL, support = "(-inf, inf)", hint = "; use truncnormal";
      break;
    case distribution_kind::lognormal:
      lo = 0, hi = HUGE_VAL, support = "(0, inf)", hint = "; use truncnormal, uniform or triangular";
      break;
    case distribution_kind::truncnormal: lo = x[2], hi = x[3]; break;
    case distribution_kind::triangular: lo = x[0], hi = x[2]; break;
    default: break;
  }
  if (support.empty()) support = fmt::format("[{}, {}]", lo, hi);
  const bool prob = is_probability_field(f);
  if (!(lo >= 0) || (prob && !(hi <= 1))) {
    throw input_error(fmt::format("{} leaves the field's domain {} (its support is {}{})", at,
                                  prob ? "[0, 1]" : "[0, inf)", support, hint));
  }
  switch (d.kind) {
    case distribution_kind::uniform: p.dist = design::make_uniform(x[0], x[1]); break;
    case distribution_kind::loguniform: p.dist = design::make_loguniform(x[0], x[1]); break;
    case distribution_kind::normal: p.dist = design::make_normal(x[0], x[1]); break;
    case distribution_kind::lognormal: p.dist = design::make_lognormal(x[0], x[1]); break;
    case distribution_kind::truncnormal: p.dist = design::make_truncnormal(x[0], x[1], x[2], x[3]); break;
    case distribution_kind::triangular:
      // Its inverse CDF takes the square root of (hi - lo) (mode - lo): that must not overflow.
      if (!std::isfinite((x[2] - x[0]) * (x[2] - x[0]))) {
        throw input_error(fmt::format("{}: its values overflow a double ((hi - lo)^2 is not finite)", at));
      }
      p.dist = design::make_triangular(x[0], x[1], x[2]);
      break;
    default: break;
  }
  // Values must be finite too (an unbounded tail or b / a may overflow): the ends and the middle.
  for (double u : {0.0, 0.5, design::unit_clamp_hi}) {
    const double v = design::inverse_cdf(p.dist, u);
    if (!std::isfinite(v)) {
      throw input_error(fmt::format("{}: its values overflow a double (u = {} gives {})", at, u, v));
    }
  }
  return p;
}

/// The names of a distribution's parameters, for messages.
const char* param_name(distribution_kind k, std::size_t i) {
  static const char* const names[][4] = {{"a", "b"},        {"a", "b"},          {"mu", "sigma"},
                                         {"mu", "sigma", "lo", "hi"}, {"mu", "sigma"}, {"lo", "mode", "hi"},
                                         {"a", "b"},        {"value"}};
  return k == distribution_kind::choice ? "value" : names[static_cast<int>(k)][i];
}

std::size_t arity(distribution_kind k) {
  switch (k) {
    case distribution_kind::truncnormal: return 4;
    case distribution_kind::triangular: return 3;
    case distribution_kind::choice: return 0;
    default: return 2;
  }
}

bool has_key(const toml::table& t, const char* const* keys, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (t.contains(keys[i])) return true;
  }
  return false;
}

bool is_distribution_table(const toml::node* n) {
  const auto* t = n ? n->as_table() : nullptr;
  return t && (has_key(*t, dist_keys, std::size(dist_keys)) || t->contains("group"));
}

/// A grid axis: a bare array, or a table of axis keys only.
bool is_axis(const toml::node* n) {
  if (!n) return false;
  if (n->is_array()) return true;
  const auto* t = n->as_table();
  return t && !is_distribution_table(n) && has_key(*t, axis_keys, std::size(axis_keys));
}

/// A number for truncnormal's bounds, which may be infinite (a half-bounded normal).
double bound(const toml::node& n, const field_ctx& c, std::string_view what) {
  if (auto v = n.as_floating_point(); v && std::isinf(v->get())) return v->get();
  return number(n, c, what);
}

/// A distribution table { KIND = [...], group = "name" }.
problem_parameter read_distribution(const toml::table& t, const toml::node& n, const field_ctx& c, bool& grouped) {
  const toml::node* spec = nullptr;
  const toml::node* group = nullptr;
  std::string kind_key;
  dist_in d;
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (key == "group") {
      group = &v;
      continue;
    }
    bool known = false;
    for (int i = 0; i < static_cast<int>(std::size(dist_keys)); ++i) {
      if (key != dist_keys[i]) continue;
      if (spec) {
        throw input_error(fmt::format("{}: distribution table has both '{}' and '{}', expected exactly one",
                                      c.at(v), kind_key, key));
      }
      spec = &v;
      kind_key = key;
      d.kind = static_cast<distribution_kind>(i);
      known = true;
    }
    if (!known) {
      throw input_error(fmt::format("{}: unknown key '{}' in a distribution table (expected one of {})", c.at(v),
                                    key, known_dist_keys));
    }
  }
  if (!spec) {
    throw input_error(fmt::format("{}: distribution table needs one of {}", c.at(n), known_dist_keys));
  }
  const std::size_t m = arity(d.kind);
  const auto& a = m ? array_of(*spec, c, kind_key, m, m)
                    : array_of(*spec, c, kind_key, 1, static_cast<std::size_t>(max_axis_points));
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string what = fmt::format("{} {}", kind_key, param_name(d.kind, i));
    const toml::node& e = *a.get(i);
    if (d.kind == distribution_kind::integers) {
      (i == 0 ? d.ia : d.ib) = integer(e, c, what);
      d.x.push_back(static_cast<double>(i == 0 ? d.ia : d.ib));
    } else {
      d.x.push_back(d.kind == distribution_kind::truncnormal && i >= 2 ? bound(e, c, what) : number(e, c, what));
    }
  }
  problem_parameter p = make_parameter(c.field, d, c.at(n));
  if (group) {
    const auto* s = group->as_string();
    if (!s) throw input_error(fmt::format("{}: group is {}, expected a string", c.at(*group), node_text(*group)));
    // The text check let through only plain strings of [A-Za-z0-9_.-]; an empty one never.
    p.group = s->get();
    p.text += " group " + p.group;
    grouped = true;
  }
  return p;
}

/// A fixed field's scalar into p.
void read_scalar(problem& p, const toml::node& n, const field_ctx& c) {
  if (!n.is_integer() && !n.is_floating_point()) {
    throw input_error(fmt::format(
        "{}: value is {}, expected a number or a distribution table such as {{ uniform = [a, b] }}", c.at(n),
        node_text(n)));
  }
  const double x = number(n, c, "value");
  check_field_value(c.field, x, c.at(n));
  if (grid_field_is_integer(c.field)) {
    p.ints[c.field] = n.is_integer() ? n.as_integer()->get() : static_cast<index_t>(x);  // exact beyond 2^53
  } else {
    p.reals[c.field] = x;
  }
  p.given[c.field] = true;
}

const problem_parameter* varied(const problem& p, int f) {
  for (const auto& q : p.parameters) {
    if (q.field == f) return &q;
  }
  return nullptr;
}

/// A per-item field is required wherever its block can hold items (a varied count: its largest value > 0).
void check_problem_items(const problem& p, const std::string& name, const char* hint) {
  for (auto [count_f, item_f] : item_fields) {
    bool some_items = p.ints[count_f] > 0;
    if (const auto* q = varied(p, count_f)) {
      some_items = q->dist.kind == distribution_kind::integers
                       ? q->dist.i1 > 0
                       : *std::max_element(q->choices.begin(), q->choices.end()) > 0;
    }
    if (some_items && !p.given[item_f]) {
      throw input_error(fmt::format("{}: {}: missing, but {} can be > 0 (give the items a value{})", name,
                                    grid_field_names[item_f], grid_field_names[count_f], hint));
    }
  }
}

problem problem_from_fields(const field_nodes& nodes, const std::string& name) {
  for (int f = 0; f < num_grid_fields; ++f) {
    if (is_axis(nodes[f])) {
      const auto& src = nodes[f]->source();
      throw input_error(fmt::format("{}:{}:{}: {}: a grid axis in a problem file (a file has either axes or "
                                    "distributions)",
                                    name, src.begin.line, src.begin.column, grid_field_names[f]));
    }
  }
  problem p;
  p.source = name;
  std::vector<std::pair<toml::source_position, problem_parameter>> varied_fields;
  for (int f = 0; f < num_grid_fields; ++f) {
    if (!nodes[f]) continue;
    const field_ctx c{name, grid_field_names[f], f};
    if (const auto* t = nodes[f]->as_table()) {
      varied_fields.emplace_back(nodes[f]->source().begin, read_distribution(*t, *nodes[f], c, p.has_groups));
      p.given[f] = true;
    } else {
      read_scalar(p, *nodes[f], c);
    }
  }
  // The problem's order is the file's, as written (DESIGNS.md section 1): coordinate j is the j-th
  // distribution in the text, so a SALib dict or sampler built from the same list lines up with it.
  std::stable_sort(varied_fields.begin(), varied_fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& v : varied_fields) p.parameters.push_back(std::move(v.second));
  check_problem_items(p, name, "");
  return p;
}

}  // namespace

// collect_fields keeps pointers into the table: parse and read in one function each.
problem parse_problem(std::string_view raw, const std::string& name) {
  const toml::table root = parse_toml_table(check_toml_text(raw, name, true).text, name);
  problem p = problem_from_fields(collect_fields(root, name), name);
  if (p.parameters.empty()) {
    throw input_error(fmt::format("{}: no distribution table: a problem file varies at least one field, such as "
                                  "share_prob = {{ uniform = [0.2, 0.9] }} (a file of scalars and axes is a grid)",
                                  name));
  }
  return p;
}

std::variant<grid, problem> parse_toml_source(std::string_view raw, const std::string& name) {
  const checked_text ct = check_toml_text(raw, name, true);
  const toml::table root = parse_toml_table(ct.text, name);
  const field_nodes nodes = collect_fields(root, name);
  if (std::any_of(nodes.begin(), nodes.end(), is_distribution_table)) return problem_from_fields(nodes, name);
  // A grid: its strings are rejected as parse_grid rejects them.
  if (ct.quote_line) throw input_error(grid_quote_message(name, ct.quote_line, ct.quote_col));
  return grid_from_fields(nodes, name);
}

std::variant<grid, problem> read_toml_source(const std::filesystem::path& file) {
  return parse_toml_source(read_text_file(file, "a grid or problem TOML file"), file.string());
}

problem parse_fixed_values(std::string_view raw, const std::string& name) {
  const toml::table root = parse_toml_table(check_toml_text(raw, name, true).text, name);
  const field_nodes nodes = collect_fields(root, name);
  problem p;
  p.source = name;
  for (int f = 0; f < num_grid_fields; ++f) {
    if (!nodes[f]) continue;
    const field_ctx c{name, grid_field_names[f], f};
    if (is_distribution_table(nodes[f])) {
      throw input_error(fmt::format("{}: a distribution in a --fixed file (it holds scalars only: vary the field in "
                                    "the SALib file)",
                                    c.at(*nodes[f])));
    }
    if (nodes[f]->is_array() || nodes[f]->is_table()) {
      throw input_error(fmt::format("{}: a grid axis in a --fixed file (it holds scalars only: the values of the "
                                    "fields the SALib file does not list)",
                                    c.at(*nodes[f])));
    }
    read_scalar(p, *nodes[f], c);
  }
  return p;
}

namespace {

/**
 * SALib's text format, as SALib reads it (SALib/SALib, src/SALib/util/util_funcs.py
 * read_param_file and src/SALib/util/__init__.py _nonuniform_scale_samples, main at
 * 1c375488e1c8, June 2026). read_param_file gives every line two bounds, b1 (column 2)
 * and b2 (column 3); the dist then reads them as:
 *   unif       uniform on [b1, b2], b1 < b2                  -> uniform [b1, b2]
 *   logunif    scipy loguniform(a = b1, b = b2), 0 < b1 < b2 -> loguniform [b1, b2]
 *   triang     the two-value form: start 0, end b1, peak at the fraction b2 of the width
 *              (scipy triang(c = b2, loc = 0, scale = b1)), b1 > 0, 0 <= b2 < 1
 *                                                            -> triangular [0, b2 b1, b1]
 *   norm       mean b1, standard deviation b2 > 0            -> normal [b1, b2]
 *   lognorm    exp of normal(b1, b2): ln-space mean and sd   -> lognormal [b1, b2]
 *   truncnorm  needs bounds[i][2] and [3] (mean, sd) beside the bounds b1, b2, which
 *              a two-bound line cannot hold: SALib fails with an IndexError -> an error here
 *   weibull    (shape, scale): not among DESIGNS.md's distributions   -> an error here
 * Group "NA" (or none) means the parameter is its own group; `#` lines are comments;
 * the delimiter is sniffed (csv.Sniffer): commas if the file has any, else spaces/tabs.
 */
dist_in salib_dist(const std::string& dist, double b1, double b2, const std::string& where) {
  dist_in d;
  auto need = [&](bool ok, const char* what) {
    if (!ok) throw input_error(fmt::format("{}: {} {} {}: SALib needs {}", where, dist, b1, b2, what));
  };
  if (dist == "unif") {
    need(b1 < b2, "lower < upper");
    d.kind = distribution_kind::uniform, d.x = {b1, b2};
  } else if (dist == "logunif") {
    need(b1 > 0 && b1 < b2, "0 < lower < upper");
    d.kind = distribution_kind::loguniform, d.x = {b1, b2};
  } else if (dist == "triang") {
    need(b1 > 0, "the end (the first column; the start is 0) > 0");
    need(b2 >= 0 && b2 < 1, "the peak (the second column, a fraction of the width) in [0, 1)");
    d.kind = distribution_kind::triangular, d.x = {0.0, b2 * b1, b1};
  } else if (dist == "norm") {
    need(b2 > 0, "the standard deviation (the second column) > 0");
    d.kind = distribution_kind::normal, d.x = {b1, b2};
  } else if (dist == "lognorm") {
    need(b2 > 0, "the ln-space standard deviation (the second column) > 0");
    d.kind = distribution_kind::lognormal, d.x = {b1, b2};
  } else if (dist == "truncnorm") {
    throw input_error(fmt::format("{}: truncnorm needs four values (lower, upper, mean, sd) and a SALib text line "
                                  "holds two bounds (SALib itself fails on it); write a TOML problem with "
                                  "truncnormal = [mu, sigma, lo, hi]",
                                  where));
  } else if (dist == "weibull") {
    throw input_error(fmt::format("{}: dist 'weibull' is not among coopgrid's distributions (DESIGNS.md section 1)",
                                  where));
  } else {
    throw input_error(fmt::format("{}: unknown dist '{}' (expected unif, triang, norm, truncnorm, lognorm, logunif)",
                                  where, dist));
  }
  return d;
}

double salib_number(const std::string& s, const std::string& where, const char* what) {
  if (s.empty()) throw input_error(fmt::format("{}: empty {}", where, what));
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {
    throw input_error(fmt::format("{}: {} '{}' is not a number", where, what, s));
  }
  if (!std::isfinite(x)) {
    throw input_error(fmt::format("{}: {} '{}' is not finite (NaN and infinity are invalid)", where, what, s));
  }
  return x;
}

std::string allowed_names() {
  std::string s;
  for (int f = 0; f < num_grid_fields; ++f) s += (f ? ", " : "") + std::string(grid_field_names[f]);
  return s;
}

}  // namespace

problem parse_salib_problem(std::string_view text, const std::string& name, const problem* fixed) {
  problem p;
  if (fixed) {
    COOPGRID_EXPECTS(fixed->parameters.empty(), "--fixed holds fixed values only (parse_fixed_values)");
    p.ints = fixed->ints;
    p.reals = fixed->reals;
    p.given = fixed->given;
  }
  p.source = name;
  struct line_fields {
    std::size_t line;
    std::string text;
  };
  std::vector<line_fields> rows;
  bool commas = false;
  std::size_t line = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    const std::string t(trim(l));
    if (t.empty() || t[0] == '#') continue;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7F) {
        throw input_error(fmt::format("{}:{}: byte 0x{:02X} (a SALib problem file holds ASCII names, numbers and "
                                      "group names)",
                                      name, line, c));
      }
    }
    commas = commas || t.find(',') != std::string::npos;
    rows.push_back({line, t});
  }
  std::array<std::size_t, num_grid_fields> line_of{};
  for (const auto& r : rows) {
    std::vector<std::string> cols;
    if (commas) {
      for (std::size_t b = 0;;) {
        const std::size_t e = std::min(r.text.find(',', b), r.text.size());
        cols.emplace_back(trim(std::string_view(r.text).substr(b, e - b)));
        if (e == r.text.size()) break;
        b = e + 1;
      }
    } else {
      for (std::size_t b = r.text.find_first_not_of(" \t"); b != std::string::npos;
           b = r.text.find_first_not_of(" \t", b)) {
        const std::size_t e = std::min(r.text.find_first_of(" \t", b), r.text.size());
        cols.push_back(r.text.substr(b, e - b));
        b = e;
      }
    }
    const std::string& key = cols[0];
    const int f = grid_field_by_name(key);
    if (f < 0) {
      throw input_error(fmt::format("{}:{}: unknown parameter name '{}' (names are coopgrid's dotted fields: {})",
                                    name, r.line, key, allowed_names()));
    }
    const std::string where = fmt::format("{}:{}: {}", name, r.line, key);
    if (line_of[f]) {
      throw input_error(fmt::format("{}: listed twice (lines {} and {})", where, line_of[f], r.line));
    }
    line_of[f] = r.line;
    if (cols.size() < 3) {
      throw input_error(fmt::format("{}: missing the {} bound (a line is name lower upper [group] [dist])", where,
                                    cols.size() < 2 ? "lower" : "upper"));
    }
    if (cols.size() > 5) {
      throw input_error(fmt::format("{}: {} fields, expected at most 5 (name lower upper [group] [dist])", where,
                                    cols.size()));
    }
    const double b1 = salib_number(cols[1], where, "lower bound");
    const double b2 = salib_number(cols[2], where, "upper bound");
    const std::string group = cols.size() > 3 && cols[3] != "NA" ? cols[3] : "";
    const std::string dist = cols.size() > 4 ? cols[4] : "unif";
    if (grid_field_is_integer(f)) {
      throw input_error(fmt::format("{}: a count takes only integers or choice, which SALib's text format cannot "
                                    "express (vary it in a TOML problem with integers = [a, b])",
                                    where));
    }
    problem_parameter q = make_parameter(f, salib_dist(dist, b1, b2, where), where);
    if (!group.empty()) {
      q.group = group;
      q.text += " group " + group;
      p.has_groups = true;
    }
    p.parameters.push_back(std::move(q));
    p.given[f] = true;
  }
  if (p.parameters.empty()) {
    throw input_error(fmt::format("{}: no parameters (every line is blank or a # comment)", name));
  }
  // The file's row order is the problem's order (DESIGNS.md section 1), as SALib's read_param_file keeps it.
  check_problem_items(p, name, fixed ? " in the SALib file or the --fixed file" : " with --fixed FILE.toml");
  return p;
}

problem read_problem_file(const std::filesystem::path& file, const std::filesystem::path* fixed_toml) {
  const std::string text = read_text_file(file, "a problem file");
  if (file.extension() == ".toml") {
    if (fixed_toml) {
      throw input_error(fmt::format("{}: --fixed applies to SALib text problem files (a TOML problem gives its "
                                    "fixed values itself)",
                                    file.string()));
    }
    return parse_problem(text, file.string());
  }
  if (!fixed_toml) return parse_salib_problem(text, file.string(), nullptr);
  const problem fixed = parse_fixed_values(read_text_file(*fixed_toml, "a --fixed TOML file"), fixed_toml->string());
  return parse_salib_problem(text, file.string(), &fixed);
}

std::string describe_problem(const problem& p) {
  std::set<std::string> groups;
  for (const auto& q : p.parameters) groups.insert(q.group);
  std::string out = fmt::format("problem {}: {} parameters ({} groups)\nparameters (in problem order):\n", p.source,
                                p.num_parameters(), groups.size());
  for (const auto& q : p.parameters) {
    // A parameter without a group of its own is its own group when others are grouped.
    const bool named = q.text.find(" group ") != std::string::npos;
    out += fmt::format("  {:<34} {}{}\n", grid_field_names[q.field], q.text,
                       p.has_groups && !named ? " group " + q.group : "");
  }
  out += "fixed:\n";
  for (int f = 0; f < num_grid_fields; ++f) {
    if (varied(p, f)) continue;
    if (grid_field_is_integer(f)) {
      out += fmt::format("  {:<34} = {}\n", grid_field_names[f], p.ints[f]);
    } else {
      out += fmt::format("  {:<34} = {}\n", grid_field_names[f], p.reals[f]);
    }
  }
  return out;
}

}  // namespace coopgrid
