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
#include "host/io/problem_parameter.hpp"
#include "host/io/text_file.hpp"
#include "host/util/errors.hpp"
#include "host/util/text.hpp"

namespace coopgrid {
namespace {
using namespace toml_io;
using namespace problem_io;
using design::distribution_kind;

const std::string known_dist_keys = std::string(known_dist_names) + "; and an optional group";
constexpr const char* axis_keys[] = {"values", "range", "linspace", "logspace", "step"};

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
    if (p.varied(f)) continue;
    if (grid_field_is_integer(f)) {
      out += fmt::format("  {:<34} = {}\n", grid_field_names[f], p.ints[f]);
    } else {
      out += fmt::format("  {:<34} = {}\n", grid_field_names[f], p.reals[f]);
    }
  }
  return out;
}

}  // namespace coopgrid
