#include "host/io/source_text.hpp"

#include <algorithm>

#include "host/io/format.hpp"
#include "host/io/problem_reader.hpp"
#include "host/util/errors.hpp"
#include "host/util/text.hpp"

namespace coopgrid {

std::vector<std::pair<const char*, double>> scenario_inputs(const source& src, index_t k) {
  std::vector<std::pair<const char*, double>> out;
  src.visit([](const batch&) {},
            [&](const grid& g) {
              const auto p = g.decode(k);
              for (int f : g.axes()) out.emplace_back(grid_field_names[f], g.value(f, p[f]));
            },
            [&](const design_source& d) {
              const auto values = d.parameter_values(k);
              for (std::size_t j = 0; j < values.size(); ++j) {
                out.emplace_back(grid_field_names[d.prob.parameters[j].field], values[j]);
              }
            });
  return out;
}

std::vector<std::string> input_column_names(const source& src) {
  std::vector<std::string> out;
  src.visit([](const batch&) {}, [&](const grid& g) {
    for (int f : g.axes()) out.emplace_back(grid_field_names[f]);
  }, [&](const design_source& d) {
    for (const auto& p : d.prob.parameters) out.emplace_back(grid_field_names[p.field]);
  });
  return out;
}

void append_scenario_fields(fmt::memory_buffer& out, const source& src, index_t k) {
  if (const batch* b = std::get_if<batch>(&src.input)) {
    const auto field = csv_field(b->ids[static_cast<std::size_t>(k)]);
    out.append(field.data(), field.data() + field.size());
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", k);
  for (const auto& [name, value] : scenario_inputs(src, k)) {
    out.push_back(',');
    format_number(out, value);
  }
}

std::string scenario_json_members(const source& src, index_t k) {
  if (k < 0) return "\"index\": null";
  if (const batch* b = std::get_if<batch>(&src.input)) {
    return fmt::format("\"index\": {}, \"scenario\": {}", k, json_string(b->ids[static_cast<std::size_t>(k)]));
  }
  std::string members;
  for (const auto& [name, value] : scenario_inputs(src, k)) {
    members += fmt::format("{}{}: {}", members.empty() ? "" : ", ", json_string(name), json_number(value));
  }
  const char* key = std::holds_alternative<grid>(src.input) ? "axes" : "parameters";
  return fmt::format("\"index\": {}, \"{}\": {{{}}}", k, key, members);
}

std::string scenario_label(const source& src, index_t k) {
  if (k < 0) return "-";
  if (const batch* b = std::get_if<batch>(&src.input)) return b->ids[static_cast<std::size_t>(k)];
  return fmt::format("#{}", k);
}

std::string describe_source(const source& src) {
  return src.visit(
      [&](const batch& b) {
        const auto& c = b.columns;
        auto list = [&](const char* name, column<index_t> off) {
          index_t most = 0;
          for (std::size_t s = 0; s + 1 < off.size(); ++s) most = std::max(most, off[s + 1] - off[s]);
          return fmt::format("  {:<10} {:>12} items, at most {} per scenario\n", name, grouped(off.back()), grouped(most));
        };
        return fmt::format("batch {}: {} scenarios\n", src.path, grouped(b.num_scenarios())) +
               list("countries", c.country_offsets) + list("standards", c.standard_offsets) +
               list("resources", c.resource_offsets) + list("ethics", c.ethics_offsets);
      },
      [&](const grid& g) {
        std::string out = fmt::format("grid {}: {} scenarios\naxes (the last varies fastest):\n", src.path,
                                      grouped(g.num_scenarios));
        for (int f : g.axes()) {
          out += fmt::format("  {:<34} {:>10} points  {} .. {}\n", grid_field_names[f], g.size(f), g.value(f, 0),
                             g.value(f, g.size(f) - 1));
        }
        out += "scalars:\n";
        for (int f = 0; f < num_grid_fields; ++f) {
          if (!g.is_axis[f]) out += fmt::format("  {:<34} = {}\n", grid_field_names[f], g.value(f, 0));
        }
        return out;
      },
      [&](const design_source& d) {
        if (d.options.kind == design::design_kind::samples) {
          return fmt::format("samples {} over {}: {} rows\n", d.samples_path, src.path, d.num_samples) +
                 describe_problem(d.prob);
        }
        const design::design_view v = d.view();
        const char* unit = d.options.kind == design::design_kind::saltelli ? "base points"
                           : d.options.kind == design::design_kind::morris ? "trajectories"
                                                                           : "samples";
        std::string out = fmt::format("design {} over {}: n = {} {}, {} rows per point: {} scenarios (seed {})\n",
                                      d.options.describe(), src.path, grouped(d.options.n), unit, v.rows_per_point,
                                      grouped(d.num_samples), d.options.seed);
        return out + describe_problem(d.prob);
      });
}

}  // namespace coopgrid
