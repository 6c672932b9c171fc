// One of the two translation units that include toml++ (host/io/toml_fields.hpp).
#include "host/io/toml_fields.hpp"
//
#include "host/io/grid_reader.hpp"

#include <cctype>
#include <cmath>

#include "host/util/errors.hpp"
#include "host/io/text_file.hpp"

namespace coopgrid {
namespace toml_io {

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

}  // namespace toml_io

namespace {
using namespace toml_io;

/// An axis table's one kind key (values, range, linspace, logspace) and its optional step.
struct axis_table {
  const toml::node* spec = nullptr;
  std::string kind;
  const toml::node* step = nullptr;
};

/// Bounds the points an axis expands to: per axis, and for the grid's axes together (so a file
/// cannot make the reader build 11 x 10^8 points: 14 s per 10^8 under ASan).
void check_point_count(unsigned long long count, const toml::node& spec, const field_ctx& c, std::string_view what) {
  if (count <= static_cast<unsigned long long>(c.max_points)) return;
  if (c.max_points == max_axis_points) {
    throw input_error(fmt::format("{}: {} has {} points, more than the {} allowed per axis", c.at(spec), what, count,
                                  max_axis_points));
  }
  throw input_error(fmt::format("{}: {} has {} points, more than the {} left of the {} allowed for all axes together",
                                c.at(spec), what, count, c.max_points, max_axis_points));
}

axis_table read_axis_table(const toml::table& t, const toml::node& n, const field_ctx& c) {
  const char* kinds[] = {"values", "range", "linspace", "logspace"};
  axis_table a;
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    bool known = key == "step";
    if (known) a.step = &v;
    for (auto* name : kinds) {
      if (key != name) continue;
      if (a.spec) {
        throw input_error(fmt::format("{}: axis has both '{}' and '{}', expected exactly one", c.at(v), a.kind, key));
      }
      a.spec = &v;
      a.kind = key;
      known = true;
    }
    if (!known) {
      throw input_error(fmt::format(
          "{}: unknown axis key '{}' (expected one of values, range, linspace, logspace; step with range; "
          "or, in a problem file, a distribution: {})",
          c.at(v), key, known_dist_names));
    }
  }
  if (!a.spec) {
    throw input_error(fmt::format("{}: axis table needs one of values, range, linspace, logspace", c.at(n)));
  }
  if (a.step && a.kind != "range") {
    throw input_error(fmt::format("{}: 'step' is only allowed with 'range'", c.at(*a.step)));
  }
  return a;
}

/// range = [a, b] or [a, b, step]; `step = s` beside it says the same.
std::vector<double> range_points(const axis_table& t, const field_ctx& c) {
  const auto& a = array_of(*t.spec, c, "range", 2, 3);
  const index_t lo = integer(*a.get(0), c, "range start");
  const index_t hi = integer(*a.get(1), c, "range end");
  const toml::node* step = t.step;
  if (a.size() == 3 && step) {
    throw input_error(fmt::format("{}: the step is given twice (range's third element and 'step')", c.at(*step)));
  }
  if (a.size() == 3) step = a.get(2);
  const index_t s = step ? integer(*step, c, "step") : 1;
  if (s <= 0) throw input_error(fmt::format("{}: step {} must be a positive integer", c.at(*step), s));
  if (hi < lo) {
    throw input_error(fmt::format("{}: range = [{}, {}] has zero points (end < start)", c.at(*t.spec), lo, hi));
  }
  const auto count = (static_cast<unsigned long long>(hi) - static_cast<unsigned long long>(lo)) /
                         static_cast<unsigned long long>(s) + 1;
  check_point_count(count, *t.spec, c, fmt::format("range = [{}, {}]", lo, hi));
  std::vector<double> v;
  v.reserve(count);
  for (unsigned long long i = 0; i < count; ++i) v.push_back(static_cast<double>(lo + static_cast<index_t>(i) * s));
  return v;
}

/// linspace or logspace = [a, b, n]: endpoints exact, interior points interpolated from both ends.
std::vector<double> spaced_points(const axis_table& t, const field_ctx& c) {
  const std::string& kind = t.kind;
  const auto& a = array_of(*t.spec, c, kind, 3, 3);
  const double lo = number(*a.get(0), c, kind + " start");
  const double hi = number(*a.get(1), c, kind + " end");
  const index_t count = integer(*a.get(2), c, kind + " point count");
  if (count <= 0) {
    throw input_error(fmt::format("{}: {} = [{}, {}, {}] has zero points (n must be >= 1)", c.at(*t.spec), kind,
                                  lo, hi, count));
  }
  check_point_count(static_cast<unsigned long long>(count), *t.spec, c, kind);
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(count));
  const bool is_log = kind == "logspace";
  for (index_t i = 0; i < count; ++i) {
    const double x = count == 1       ? lo
                     : i == count - 1 ? hi
                                      : lo + (hi - lo) * (static_cast<double>(i) / static_cast<double>(count - 1));
    v.push_back(is_log ? std::pow(10.0, x) : x);
  }
  for (double x : v) {
    if (!std::isfinite(x)) {
      throw input_error(fmt::format("{}: logspace = [{}, {}, {}] reaches 10^{} which overflows a double",
                                    c.at(*t.spec), lo, hi, count, hi));
    }
  }
  return v;
}

std::vector<double> values_points(const toml::node& n, const field_ctx& c) {
  const auto& a = array_of(n, c, "values", 1, static_cast<std::size_t>(c.max_points));
  std::vector<double> v;
  for (const auto& e : a) v.push_back(number(e, c, "values element"));
  return v;
}

/// The points of one field (a scalar, a bare array, or an axis table), in double.
std::vector<double> points_of(const toml::node& n, const field_ctx& c, bool& is_axis) {
  is_axis = false;
  if (n.is_integer() || n.is_floating_point()) return {number(n, c, "value")};
  is_axis = true;
  if (const auto* arr = n.as_array()) {  // shorthand for { values = [...] }
    if (arr->empty()) throw input_error(fmt::format("{}: axis has zero points", c.at(n)));
    std::vector<double> v;
    for (const auto& e : *arr) v.push_back(number(e, c, "values element"));
    return v;
  }
  const auto* t = n.as_table();
  if (!t) {
    throw input_error(fmt::format(
        "{}: value is {}, expected a number or an axis table such as {{ values = [...] }}", c.at(n), node_text(n)));
  }
  const axis_table a = read_axis_table(*t, n, c);
  if (a.kind == "values") return values_points(*a.spec, c);
  if (a.kind == "range") return range_points(a, c);
  return spaced_points(a, c);
}

}  // namespace

namespace toml_io {

std::string dotted_key_tail(int f) {
  const std::string_view fname = grid_field_names[f];
  return std::string(fname.substr(fname.find('.') + 1));
}

std::string grid_quote_message(const std::string& name, std::size_t line, std::size_t col) {
  return fmt::format("{}:{}:{}: a quote: grid files use bare keys and numbers, no strings", name, line, col);
}

/**
 * Grid files need only ASCII keys, numbers, brackets and comments; problem files
 * add group names. Anything else is rejected before toml++ sees it: toml++ 3.3.0
 * (Debian 12) reaches __builtin_unreachable on some non-ASCII code points (upstream
 * issue #190, found here by tests/fuzz/grid_fuzz.cpp), which string escapes can
 * produce too, so a string holds plain characters only. Non-ASCII text in comments
 * is blanked, which keeps every line and column where it was.
 */
checked_text check_toml_text(std::string_view text, const std::string& name, bool strings) {
  checked_text out{std::string(text)};
  std::string& s = out.text;
  std::size_t line = 1, col = 1;
  bool comment = false;
  constexpr const char* allowed = "(strings hold only group names: letters, digits, _ . -)";
  for (std::size_t i = 0; i < s.size(); ++i, ++col) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      ++line;
      col = 0;
      comment = false;
      continue;
    }
    if (c == '#') comment = true;
    if (comment) {
      if (c >= 0x80) s[i] = ' ';
    } else if (c >= 0x80) {
      throw input_error(fmt::format("{}:{}:{}: non-ASCII byte 0x{:02X} outside a comment ({})", name, line, col,
                                    c, strings ? "problem files hold ASCII keys, numbers and group names"
                                               : "grid files hold ASCII keys and numbers"));
    } else if (c == '"' || c == '\'') {
      if (out.quote_line == 0) {
        out.quote_line = line;
        out.quote_col = col;
      }
      if (!strings) throw input_error(grid_quote_message(name, line, col));
      // One plain string: the same quote closes it on this line, nothing to escape.
      const std::size_t open_col = col;
      std::size_t j = i + 1, jcol = col + 1;
      for (; j < s.size() && s[j] != static_cast<char>(c); ++j, ++jcol) {
        const auto d = static_cast<unsigned char>(s[j]);
        if (d == '\n') break;
        if (!(std::isalnum(d) && d < 0x80) && d != '_' && d != '.' && d != '-') {
          const std::string what = d == '\\'  ? std::string("a backslash")
                                   : d >= 0x80 ? fmt::format("non-ASCII byte 0x{:02X}", d)
                                   : d < 0x20 || d == 0x7F ? fmt::format("control byte 0x{:02X}", d)
                                               : fmt::format("'{}'", static_cast<char>(d));
          throw input_error(fmt::format("{}:{}:{}: {} in a string {}", name, line, jcol, what, allowed));
        }
      }
      if (j >= s.size() || s[j] != static_cast<char>(c)) {
        throw input_error(fmt::format("{}:{}:{}: a quote opens a string that does not end on its line {}", name,
                                      line, open_col, allowed));
      }
      if (j == i + 1) {
        throw input_error(fmt::format("{}:{}:{}: a quote opens an empty or multi-line string {}", name, line,
                                      open_col, allowed));
      }
      col = jcol;
      i = j;
    }
  }
  return out;
}

toml::table parse_toml_table(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw input_error(fmt::format("{}:{}:{}: TOML syntax error: {}", name, e.source().begin.line,
                                  e.source().begin.column, e.description()));
  }
}

namespace {
bool in_table(int f, std::string_view table) {
  const std::string_view fname = grid_field_names[f];
  return fname.substr(0, fname.find('.')) == table;
}

}  // namespace

field_nodes collect_fields(const toml::table& root, const std::string& name) {
  field_nodes nodes{};
  for (auto&& [block_key, block] : root) {
    const std::string bk(block_key.str());
    const auto* t = block.as_table();
    bool known_block = false;
    for (int f = 0; f < num_grid_fields; ++f) known_block = known_block || in_table(f, bk);
    if (!known_block || !t) {
      throw input_error(fmt::format(
          "{}:{}:{}: {}: unknown {} (expected the tables countries, standards, exchange, resources, ethics)", name,
          block.source().begin.line, block.source().begin.column, bk, t ? "table" : "top-level key"));
    }
    for (auto&& [k, v] : *t) {
      const std::string dotted = bk + "." + std::string(k.str());
      const int field = grid_field_by_name(dotted);
      std::string allowed;
      for (int f = 0; f < num_grid_fields; ++f) {
        if (in_table(f, bk)) allowed += (allowed.empty() ? "" : ", ") + dotted_key_tail(f);
      }
      if (field < 0) {
        throw input_error(fmt::format("{}:{}:{}: {}: unknown key (the table [{}] takes {})", name,
                                      v.source().begin.line, v.source().begin.column, dotted, bk, allowed));
      }
      nodes[field] = &v;
    }
  }
  return nodes;
}

}  // namespace toml_io

bool is_probability_field(int f) {
  return f == countries_share_prob || f == resources_share_prob;
}

void check_field_value(int f, double x, const std::string& where) {
  if (grid_field_is_integer(f)) {
    if (x != std::floor(x)) {
      throw input_error(fmt::format("{}: value {} is not an integer ({} counts items)", where, x, grid_field_names[f]));
    }
    if (x < 0) throw input_error(fmt::format("{}: value {} is negative (must be >= 0)", where, x));
    if (x >= 9.2e18) throw input_error(fmt::format("{}: value {} overflows a 64-bit integer", where, x));
  } else if (is_probability_field(f)) {
    if (!(x >= 0 && x <= 1)) throw input_error(fmt::format("{}: value {} is not a probability in [0, 1]", where, x));
  } else if (!(x >= 0)) {
    throw input_error(fmt::format("{}: value {} is negative (must be >= 0)", where, x));
  }
}

namespace {
using namespace toml_io;

/// Field f's points into g (a missing field is an empty block, T = 0, G = 0).
void read_field(grid& g, int f, const toml::node* node, const std::string& name, index_t max_points) {
  const field_ctx c{name, grid_field_names[f], f, max_points};
  std::vector<double> pts{0.0};
  if (node) {
    bool axis = false;
    pts = points_of(*node, c, axis);
    g.is_axis[f] = axis;
    // One message prefix, not one per point: a 5e7-point range spent 11 s formatting it (fuzz, ASan).
    const std::string where = c.at(*node);
    for (double x : pts) check_field_value(f, x, where);
  }
  if (!grid_field_is_integer(f)) {
    g.reals[f] = std::move(pts);
  } else if (node && node->is_integer()) {
    g.ints[f] = {node->as_integer()->get()};  // a TOML integer keeps its exact value (beyond 2^53)
  } else {
    g.ints[f].reserve(pts.size());
    for (double x : pts) g.ints[f].push_back(static_cast<index_t>(x));
  }
}

/// A per-item field is required wherever its block can hold items.
void check_item_fields(const grid& g, const field_nodes& nodes, const std::string& name) {
  for (auto [count_f, item_f] : item_fields) {
    bool some_items = false;
    for (index_t n : g.ints[count_f]) some_items = some_items || n > 0;
    if (some_items && !nodes[item_f]) {
      throw input_error(fmt::format("{}: {}: missing, but {} can be > 0 (give the items a value)", name,
                                    grid_field_names[item_f], grid_field_names[count_f]));
    }
  }
}

index_t count_scenarios(const grid& g, const std::string& name) {
  unsigned long long total = 1;
  for (int f = 0; f < num_grid_fields; ++f) {
    unsigned long long next = 0;
    if (__builtin_mul_overflow(total, static_cast<unsigned long long>(g.size(f)), &next) ||
        next > static_cast<unsigned long long>(INT64_MAX)) {
      throw input_error(fmt::format(
          "{}: the grid has more than 2^63 - 1 scenarios (the product of the axis sizes overflows 64 bits)", name));
    }
    total = next;
  }
  return static_cast<index_t>(total);
}

}  // namespace

grid toml_io::grid_from_fields(const field_nodes& nodes, const std::string& name) {
  grid g;
  g.source = name;
  index_t points = 0;
  for (int f = 0; f < num_grid_fields; ++f) {
    read_field(g, f, nodes[f], name, max_axis_points - points);
    if (g.is_axis[f]) points += g.size(f);  // a scalar is no axis: it leaves the budget alone
  }
  check_item_fields(g, nodes, name);
  g.num_scenarios = count_scenarios(g, name);
  return g;
}

grid parse_grid(std::string_view raw_text, const std::string& name) {
  const toml::table root = parse_toml_table(check_toml_text(raw_text, name, false).text, name);
  return grid_from_fields(collect_fields(root, name), name);
}

grid read_grid_file(const std::filesystem::path& file) {
  return parse_grid(read_text_file(file, "a grid TOML file"), file.string());
}

}  // namespace coopgrid
