// libFuzzer target: the problem readers (DESIGNS.md section 1) on arbitrary
// bytes, as TOML (grid or problem), as SALib text, and as a --fixed file.
// Parse or input_error; nothing else. Every accepted distribution's values
// must lie in its field's domain (the readers' promise), or the target traps.
#include <cmath>
#include <cstdint>
#include <string>
#include <variant>

#include "host/io/problem_reader.hpp"
#include "host/source/grid.hpp"
#include "host/util/errors.hpp"

namespace {

void check_values(const coopgrid::problem& p) {
  (void)coopgrid::describe_problem(p);
  for (const auto& q : p.parameters) {
    for (double u : {0.0, 0.25, 0.5, 0.999, coopgrid::design::unit_clamp_hi}) {
      double v = coopgrid::design::inverse_cdf(q.dist, u);
      if (q.dist.kind == coopgrid::design::distribution_kind::choice) {
        if (!(v >= 0 && v < static_cast<double>(q.choices.size()))) __builtin_trap();
        v = q.choices[static_cast<std::size_t>(v)];
      }
      const bool prob = q.field == coopgrid::countries_share_prob || q.field == coopgrid::resources_share_prob;
      if (!std::isfinite(v) || v < 0 || (prob && v > 1)) __builtin_trap();
      if (coopgrid::grid_field_is_integer(q.field) && v != std::floor(v)) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto v = coopgrid::parse_toml_source(text, "fuzz.toml");
    if (const auto* g = std::get_if<coopgrid::grid>(&v)) {
      (void)g->decode(0);
      (void)g->decode(g->num_scenarios - 1);
    } else {
      check_values(std::get<coopgrid::problem>(v));
    }
  } catch (const coopgrid::input_error&) {
  }
  try {
    check_values(coopgrid::parse_salib_problem(text, "fuzz.txt", nullptr));
  } catch (const coopgrid::input_error&) {
  }
  try {
    const coopgrid::problem fixed = coopgrid::parse_fixed_values(text, "fixed.toml");
    check_values(coopgrid::parse_salib_problem("exchange.activities 1 2\nethics.difficulty 0 1\n", "s.txt", &fixed));
  } catch (const coopgrid::input_error&) {
  }
  return 0;
}
