// The only translation unit that includes toml++ (header-only mode: binaries
// carry no libtomlplusplus.so, and the heavy template stays in one TU).
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>
//
#include "host/source/grid.hpp"

#include <fmt/format.h>

#include <cmath>

#include "host/util/errors.hpp"
#include "host/io/text_file.hpp"

namespace coopgrid {
namespace {

/// Points per axis are materialised (axes are small; the grid never is).
constexpr index_t max_axis_points = 100'000'000;

struct field_ctx {
  std::string file;
  std::string key;  // dotted field name
  int field;
  std::string at(const toml::node& n) const {
    const auto& src = n.source();
    return fmt::format("{}:{}:{}: {}", file, src.begin.line, src.begin.column, key);
  }
};

std::string node_text(const toml::node& n) {
  if (auto v = n.as_integer()) return fmt::format("{}", v->get());
  if (auto v = n.as_floating_point()) return fmt::format("{}", v->get());
  if (n.is_string()) return fmt::format("\"{}\"", *n.value<std::string>());
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  if (n.is_array()) return "an array";
  if (n.is_table()) return "a table";
  return "a date or time";
}

double number(const toml::node& n, const field_ctx& c, std::string_view what) {
  if (auto v = n.as_integer()) return static_cast<double>(v->get());
  if (auto v = n.as_floating_point()) {
    if (!std::isfinite(v->get())) {
      throw input_error(fmt::format("{}: {} {} is not finite (NaN and infinity are invalid)",
                                    c.at(n), what, node_text(n)));
    }
    return v->get();
  }
  throw input_error(fmt::format("{}: {} is {}, expected a number", c.at(n), what, node_text(n)));
}

index_t integer(const toml::node& n, const field_ctx& c, std::string_view what) {
  if (auto v = n.as_integer()) return v->get();
  const double d = number(n, c, what);
  if (d != std::floor(d) || std::fabs(d) >= 9.2e18) {
    throw input_error(fmt::format("{}: {} {} is not an integer", c.at(n), what, node_text(n)));
  }
  return static_cast<index_t>(d);
}

const toml::array& array_of(const toml::node& n, const field_ctx& c, std::string_view what,
                            std::size_t min_len, std::size_t max_len) {
  const auto* a = n.as_array();
  if (!a) {
    throw input_error(fmt::format("{}: {} is {}, expected an array", c.at(n), what, node_text(n)));
  }
  if (a->size() < min_len || a->size() > max_len) {
    throw input_error(fmt::format("{}: {} has {} elements, expected {}", c.at(n), what, a->size(),
                                  min_len == max_len ? fmt::format("{}", min_len)
                                                     : fmt::format("{} to {}", min_len, max_len)));
  }
  return *a;
}

/// An axis table: its kind (values, range, linspace, logspace), that key's value and `step`.
struct axis_table {
  const toml::node* spec = nullptr;
  std::string kind;
  const toml::node* step = nullptr;
};

/// The keys of axis table `t` (node `n`): exactly one kind, and `step` only with range.
axis_table read_axis_table(const toml::table& t, const toml::node& n, const field_ctx& c) {
  const char* kinds[] = {"values", "range", "linspace", "logspace"};
  axis_table axis;
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    bool known = false;
    for (auto* name : kinds) {
      if (key == name) {
        if (axis.spec) {
          throw input_error(fmt::format("{}: axis has both '{}' and '{}', expected exactly one",
                                        c.at(v), axis.kind, key));
        }
        axis.spec = &v;
        axis.kind = key;
        known = true;
      }
    }
    if (key == "step") {
      axis.step = &v;
      known = true;
    }
    if (!known) {
      throw input_error(fmt::format(
          "{}: unknown axis key '{}' (expected one of values, range, linspace, logspace; step with range)",
          c.at(v), key));
    }
  }
  if (!axis.spec) {
    throw input_error(fmt::format(
        "{}: axis table needs one of values, range, linspace, logspace", c.at(n)));
  }
  if (axis.step && axis.kind != "range") {
    throw input_error(fmt::format("{}: 'step' is only allowed with 'range'", c.at(*axis.step)));
  }
  return axis;
}

/// range = [a, b] or [a, b, step]; `step = s` beside it says the same.
std::vector<double> range_points(const axis_table& axis, const field_ctx& c) {
  const auto& a = array_of(*axis.spec, c, "range", 2, 3);
  const index_t lo = integer(*a.get(0), c, "range start");
  const index_t hi = integer(*a.get(1), c, "range end");
  const toml::node* step = axis.step;
  if (a.size() == 3 && step) {
    throw input_error(fmt::format("{}: the step is given twice (range's third element and 'step')",
                                  c.at(*step)));
  }
  if (a.size() == 3) step = a.get(2);
  const index_t s = step ? integer(*step, c, "step") : 1;
  if (s <= 0) {
    throw input_error(fmt::format("{}: step {} must be a positive integer", c.at(*step), s));
  }
  if (hi < lo) {
    throw input_error(fmt::format("{}: range = [{}, {}] has zero points (end < start)",
                                  c.at(*axis.spec), lo, hi));
  }
  const auto count = (static_cast<unsigned long long>(hi) - static_cast<unsigned long long>(lo)) /
                         static_cast<unsigned long long>(s) + 1;
  if (count > static_cast<unsigned long long>(max_axis_points)) {
    throw input_error(fmt::format("{}: range = [{}, {}] has {} points, more than the {} allowed per axis",
                                  c.at(*axis.spec), lo, hi, count, max_axis_points));
  }
  std::vector<double> v;
  for (unsigned long long i = 0; i < count; ++i) v.push_back(static_cast<double>(lo + static_cast<index_t>(i) * s));
  return v;
}

/// linspace or logspace = [a, b, n].
std::vector<double> spaced_points(const axis_table& axis, const field_ctx& c) {
  const auto& kind = axis.kind;
  const auto& a = array_of(*axis.spec, c, kind, 3, 3);
  const double lo = number(*a.get(0), c, kind + " start");
  const double hi = number(*a.get(1), c, kind + " end");
  const index_t count = integer(*a.get(2), c, kind + " point count");
  if (count <= 0) {
    throw input_error(fmt::format("{}: {} = [{}, {}, {}] has zero points (n must be >= 1)",
                                  c.at(*axis.spec), kind, lo, hi, count));
  }
  if (count > max_axis_points) {
    throw input_error(fmt::format("{}: {} has {} points, more than the {} allowed per axis",
                                  c.at(*axis.spec), kind, count, max_axis_points));
  }
  std::vector<double> v;
  for (index_t i = 0; i < count; ++i) {
    // Endpoints exact; interior points by interpolation from both ends.
    const double x = count == 1 ? lo
                     : i == count - 1
                         ? hi
                         : lo + (hi - lo) * (static_cast<double>(i) / static_cast<double>(count - 1));
    v.push_back(kind == "logspace" ? std::pow(10.0, x) : x);
  }
  if (kind == "logspace") {
    for (double x : v) {
      if (!std::isfinite(x)) {
        throw input_error(fmt::format("{}: logspace = [{}, {}, {}] reaches 10^{} which overflows a double",
                                      c.at(*axis.spec), lo, hi, count, hi));
      }
    }
  }
  return v;
}

/// The points of one field (a scalar, a bare array, or an axis table), in double.
std::vector<double> points_of(const toml::node& n, const field_ctx& c, bool& is_axis) {
  is_axis = false;
  if (n.is_integer() || n.is_floating_point()) return {number(n, c, "value")};
  is_axis = true;
  if (const auto* arr = n.as_array()) {  // shorthand for { values = [...] }
    std::vector<double> v;
    for (const auto& e : *arr) v.push_back(number(e, c, "values element"));
    if (v.empty()) throw input_error(fmt::format("{}: axis has zero points", c.at(n)));
    return v;
  }
  const auto* t = n.as_table();
  if (!t) {
    throw input_error(fmt::format(
        "{}: value is {}, expected a number or an axis table such as {{ values = [...] }}",
        c.at(n), node_text(n)));
  }
  const auto axis = read_axis_table(*t, n, c);
  if (axis.kind == "range") return range_points(axis, c);
  if (axis.kind != "values") return spaced_points(axis, c);
  std::vector<double> v;
  const auto& a = array_of(*axis.spec, c, "values", 1, static_cast<std::size_t>(max_axis_points));
  for (const auto& e : a) v.push_back(number(e, c, "values element"));
  return v;
}

bool is_probability_field(int f) {
  return f == countries_share_prob || f == resources_share_prob;
}

}  // namespace

/**
 * Grid files need only ASCII keys, numbers, brackets and comments. Anything
 * else is rejected before toml++ sees it: toml++ 3.3.0 (Debian 12) reaches
 * __builtin_unreachable on some non-ASCII code points (upstream issue #190,
 * found here by tests/fuzz/grid_fuzz.cpp). Non-ASCII text in comments is
 * blanked, which keeps every line and column where it was.
 */
std::string checked_grid_text(std::string_view text, const std::string& name) {
  std::string out(text);
  std::size_t line = 1, col = 1;
  bool comment = false;
  for (auto& ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      ++line;
      col = 1;
      comment = false;
      continue;
    }
    if (c == '#') comment = true;
    if (comment) {
      if (c >= 0x80) ch = ' ';
    } else if (c >= 0x80) {
      throw input_error(fmt::format("{}:{}:{}: non-ASCII byte 0x{:02X} outside a comment (grid files hold "
                                    "ASCII keys and numbers)",
                                    name, line, col, c));
    } else if (c == '"' || c == '\'') {
      throw input_error(fmt::format("{}:{}:{}: a quote: grid files use bare keys and numbers, no strings",
                                    name, line, col));
    }
    ++col;
  }
  return out;
}

namespace {

toml::table parse_toml(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw input_error(fmt::format("{}:{}:{}: TOML syntax error: {}", name, e.source().begin.line,
                                  e.source().begin.column, e.description()));
  }
}

/// The keys of the table [block] (the field names after the dot), comma-separated; "" when no such table.
std::string keys_of_block(const std::string& block) {
  std::string keys;
  for (int f = 0; f < num_grid_fields; ++f) {
    const std::string_view fname = grid_field_names[f];
    if (fname.substr(0, fname.find('.')) == block) {
      keys += (keys.empty() ? "" : ", ") + std::string(fname.substr(fname.find('.') + 1));
    }
  }
  return keys;
}

/// Each field's node in the file (null where it is missing); unknown tables and keys are errors.
std::array<const toml::node*, num_grid_fields> field_nodes(const toml::table& root, const std::string& name) {
  std::array<const toml::node*, num_grid_fields> nodes{};
  for (auto&& [block_key, block] : root) {
    const std::string bk(block_key.str());
    const auto* t = block.as_table();
    if (keys_of_block(bk).empty() || !t) {
      throw input_error(fmt::format(
          "{}:{}:{}: {}: unknown {} (expected the tables countries, standards, exchange, resources, ethics)",
          name, block.source().begin.line, block.source().begin.column, bk,
          t ? "table" : "top-level key"));
    }
    for (auto&& [k, v] : *t) {
      const std::string dotted = bk + "." + std::string(k.str());
      int field = -1;
      for (int f = 0; f < num_grid_fields; ++f) {
        if (dotted == grid_field_names[f]) field = f;
      }
      if (field < 0) {
        throw input_error(fmt::format("{}:{}:{}: {}: unknown key (the table [{}] takes {})", name,
                                      v.source().begin.line, v.source().begin.column, dotted, bk,
                                      keys_of_block(bk)));
      }
      nodes[field] = &v;
    }
  }
  return nodes;
}

/// Field c.field's points (node n) against the field's rule: counts, probabilities, non-negative values.
void check_points(const std::vector<double>& pts, const toml::node& n, const field_ctx& c) {
  const int f = c.field;
  for (double x : pts) {
    const auto where = c.at(n);
    if (grid_field_is_integer(f)) {
      if (x != std::floor(x)) {
        throw input_error(fmt::format("{}: value {} is not an integer ({} counts items)", where, x, c.key));
      }
      if (x < 0) throw input_error(fmt::format("{}: value {} is negative (must be >= 0)", where, x));
      if (x >= 9.2e18) throw input_error(fmt::format("{}: value {} overflows a 64-bit integer", where, x));
    } else if (is_probability_field(f)) {
      if (!(x >= 0 && x <= 1)) {
        throw input_error(fmt::format("{}: value {} is not a probability in [0, 1]", where, x));
      }
    } else if (!(x >= 0)) {
      throw input_error(fmt::format("{}: value {} is negative (must be >= 0)", where, x));
    }
  }
}

/// A per-item field is required wherever its block can hold items.
void check_item_fields(const grid& g, const std::array<const toml::node*, num_grid_fields>& nodes,
                       const std::string& name) {
  const std::pair<int, int> item_fields[] = {{countries_count, countries_datasets},
                                             {countries_count, countries_share_prob},
                                             {standards_count, standards_difficulty},
                                             {resources_count, resources_share_prob},
                                             {ethics_count, ethics_difficulty}};
  for (auto [count_f, item_f] : item_fields) {
    bool some_items = false;
    for (index_t n : g.ints[count_f]) some_items = some_items || n > 0;
    if (some_items && !nodes[item_f]) {
      throw input_error(fmt::format("{}: {}: missing, but {} can be > 0 (give the items a value)",
                                    name, grid_field_names[item_f], grid_field_names[count_f]));
    }
  }
}

/// The product of the axis sizes; more than 2^63 - 1 is an error.
index_t count_scenarios(const grid& g, const std::string& name) {
  unsigned long long total = 1;
  for (int f = 0; f < num_grid_fields; ++f) {
    unsigned long long next = 0;
    if (__builtin_mul_overflow(total, static_cast<unsigned long long>(g.size(f)), &next) ||
        next > static_cast<unsigned long long>(INT64_MAX)) {
      throw input_error(fmt::format(
          "{}: the grid has more than 2^63 - 1 scenarios (the product of the axis sizes overflows 64 bits)",
          name));
    }
    total = next;
  }
  return static_cast<index_t>(total);
}

}  // namespace

grid parse_grid(std::string_view raw_text, const std::string& name) {
  const std::string text = checked_grid_text(raw_text, name);
  const toml::table root = parse_toml(text, name);
  grid g;
  g.source = name;
  const auto nodes = field_nodes(root, name);
  for (int f = 0; f < num_grid_fields; ++f) {
    const field_ctx c{name, grid_field_names[f], f};
    std::vector<double> pts = {0.0};  // missing: empty block, T = 0, G = 0
    if (nodes[f]) {
      bool axis = false;
      pts = points_of(*nodes[f], c, axis);
      g.is_axis[f] = axis;
      check_points(pts, *nodes[f], c);
    }
    if (grid_field_is_integer(f)) {
      for (double x : pts) g.ints[f].push_back(static_cast<index_t>(x));
    } else {
      g.reals[f] = std::move(pts);
    }
  }
  // Integer fields given as TOML integers keep their exact value (beyond 2^53).
  for (int f : {countries_count, standards_count, exchange_countries_per_activity, resources_count,
                ethics_count}) {
    if (nodes[f] && nodes[f]->is_integer()) g.ints[f] = {nodes[f]->as_integer()->get()};
  }
  check_item_fields(g, nodes, name);
  g.num_scenarios = count_scenarios(g, name);
  return g;
}

grid read_grid_file(const std::filesystem::path& file) {
  return parse_grid(read_text_file(file, "a grid TOML file"), file.string());
}

}  // namespace coopgrid
