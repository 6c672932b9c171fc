#include "host/io/problem_parameter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "host/io/field_domain.hpp"
#include "host/util/errors.hpp"

namespace coopgrid::problem_io {
namespace {
using design::distribution_kind;

const char* kind_name(distribution_kind k) { return dist_keys[static_cast<int>(k)]; }

std::string dist_text(const dist_in& d) {
  std::string s = std::string(kind_name(d.kind)) + " [";
  if (d.kind == distribution_kind::integers) return s + fmt::format("{}, {}]", d.ia, d.ib);
  for (std::size_t i = 0; i < d.x.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", d.x[i]);
  return s + "]";
}

/// DESIGNS.md section 1's rules on the distribution's own parameters; `at` is "WHERE: TEXT".
void check_rules(int f, const dist_in& d, const std::string& at) {
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
}

/// A continuous distribution's support must lie in the field's domain (a hint where a bounded one fits).
void check_support(int f, const dist_in& d, const std::string& at) {
  const auto& x = d.x;
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
}

/// The continuous distribution itself; its values must be finite (an unbounded tail or b / a
/// may overflow): the ends and the middle.
design::distribution continuous(const dist_in& d, const std::string& at) {
  const auto& x = d.x;
  design::distribution dist{};
  switch (d.kind) {
    case distribution_kind::uniform: dist = design::make_uniform(x[0], x[1]); break;
    case distribution_kind::loguniform: dist = design::make_loguniform(x[0], x[1]); break;
    case distribution_kind::normal: dist = design::make_normal(x[0], x[1]); break;
    case distribution_kind::lognormal: dist = design::make_lognormal(x[0], x[1]); break;
    case distribution_kind::truncnormal: dist = design::make_truncnormal(x[0], x[1], x[2], x[3]); break;
    case distribution_kind::triangular:
      // Its inverse CDF takes the square root of (hi - lo) (mode - lo): that must not overflow.
      if (!std::isfinite((x[2] - x[0]) * (x[2] - x[0]))) {
        throw input_error(fmt::format("{}: its values overflow a double ((hi - lo)^2 is not finite)", at));
      }
      dist = design::make_triangular(x[0], x[1], x[2]);
      break;
    default: break;
  }
  for (double u : {0.0, 0.5, design::unit_clamp_hi}) {
    const double v = design::inverse_cdf(dist, u);
    if (!std::isfinite(v)) {
      throw input_error(fmt::format("{}: its values overflow a double (u = {} gives {})", at, u, v));
    }
  }
  return dist;
}

}  // namespace

problem_parameter make_parameter(int f, const dist_in& d, const std::string& where) {
  const std::string text = dist_text(d);
  const std::string at = where + ": " + text;
  check_rules(f, d, at);
  problem_parameter p;
  p.field = f;
  p.group = grid_field_names[f];
  p.text = text;
  p.distribution = kind_name(d.kind);
  p.args = d.kind == distribution_kind::integers
               ? std::vector<double>{static_cast<double>(d.ia), static_cast<double>(d.ib)}
               : d.x;
  if (d.kind == distribution_kind::integers) {
    check_field_value(f, static_cast<double>(d.ia), at);
    check_field_value(f, static_cast<double>(d.ib), at);
    p.dist = design::make_integers(d.ia, d.ib);
  } else if (d.kind == distribution_kind::choice) {
    for (double v : d.x) check_field_value(f, v, at);
    p.choices = d.x;
    p.dist = design::make_choice(static_cast<index_t>(d.x.size()));
  } else {
    check_support(f, d, at);
    p.dist = continuous(d, at);
  }
  return p;
}

void check_problem_items(const problem& p, const std::string& name, const char* hint) {
  for (auto [count_f, item_f] : item_fields) {
    bool some_items = p.ints[count_f] > 0;
    if (const auto* q = p.varied(count_f)) {
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

}  // namespace coopgrid::problem_io
