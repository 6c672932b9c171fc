#include "host/io/csv_batch.hpp"
#include "host/io/grid_reader.hpp"
#include "host/source/source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host/io/binary_batch.hpp"
#include "host/io/format.hpp"
#include "host/util/errors.hpp"
#include "host/util/nvtx.hpp"

namespace coopgrid {

index_t source::num_scenarios() const {
  return visit([](const batch& b) { return b.num_scenarios(); }, [](const grid& g) { return g.num_scenarios; });
}

const char* source::kind() const {
  return visit([](const batch&) { return "batch"; }, [](const grid&) { return "grid"; });
}

source load_source(const std::filesystem::path& input) {
  const std::string path = input.string();
  std::error_code ec;
  if (is_binary_batch(input)) return source(path, read_binary_batch(input));
  if (std::filesystem::is_directory(input, ec)) {
    nvtx_range range("parse");
    return source(path, read_batch_dir(input));
  }
  if (input.extension() == ".toml") {
    nvtx_range range("parse");
    return source(path, read_grid_file(input));
  }
  if (!std::filesystem::exists(input, ec)) {
    throw input_error(fmt::format("{}: not found (expected a batch directory or a grid .toml file)", path));
  }
  throw input_error(fmt::format("{}: not a batch directory or a grid file (grid files end in .toml)", path));
}

void check_float_range(const source& src) {
  constexpr double max_float = 3.4028234663852886e38;
  auto fail = [&](const std::string& where, double v) {
    throw input_error(fmt::format(
        "{}: value {} overflows f32 (largest float {:.8g}); use --precision f64", where, v, max_float));
  };
  src.visit(
      [&](const grid& g) {
        for (int f = 0; f < num_grid_fields; ++f) {
          for (double v : g.reals[f]) {
            if (v > max_float) fail(fmt::format("{}: {}", src.path, grid_field_names[f]), v);
          }
        }
      },
      [&](const batch& b) {
        const auto& c = b.columns;
        auto scan = [&](const char* file, const std::vector<index_t>* offsets, const std::vector<double>& v) {
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] <= max_float) continue;
            std::size_t s = i;
            if (offsets) {  // the scenario owning item i
              s = static_cast<std::size_t>(std::upper_bound(offsets->begin(), offsets->end(),
                                                            static_cast<index_t>(i)) - offsets->begin()) - 1;
            }
            fail(fmt::format("{}/{}: scenario '{}'", src.path, file, b.ids[s]), v[i]);
          }
        };
        scan("scenarios.csv", nullptr, c.activities);
        scan("countries.csv", &c.country_offsets, c.datasets);
        scan("standards.csv", &c.standard_offsets, c.standard_difficulty);
        scan("ethics.csv", &c.ethics_offsets, c.ethics_difficulty);
      });
}

std::vector<std::string> input_column_names(const source& src) {
  return src.visit([](const batch&) { return std::vector<std::string>{}; },
                   [](const grid& g) {
                     std::vector<std::string> out;
                     for (int f : g.axes()) out.emplace_back(grid_field_names[f]);
                     return out;
                   });
}

void append_scenario_fields(fmt::memory_buffer& out, const source& src, index_t k) {
  src.visit(
      [&](const batch& b) {
        const auto field = csv_field(b.ids[static_cast<std::size_t>(k)]);
        out.append(field.data(), field.data() + field.size());
      },
      [&](const grid& g) {
        fmt::format_to(std::back_inserter(out), "{}", k);
        const auto p = g.decode(k);
        for (int f : g.axes()) {
          out.push_back(',');
          format_number(out, g.value(f, p[f]));
        }
      });
}

std::string scenario_json_members(const source& src, index_t k) {
  if (k < 0) return "\"index\": null";
  return src.visit(
      [&](const batch& b) {
        return fmt::format("\"index\": {}, \"scenario\": {}", k, json_string(b.ids[static_cast<std::size_t>(k)]));
      },
      [&](const grid& g) {
        const auto p = g.decode(k);
        std::string axes;
        for (int f : g.axes()) {
          axes += fmt::format("{}{}: {}", axes.empty() ? "" : ", ", json_string(grid_field_names[f]),
                              json_number(g.value(f, p[f])));
        }
        return fmt::format("\"index\": {}, \"axes\": {{{}}}", k, axes);
      });
}

std::string scenario_label(const source& src, index_t k) {
  if (k < 0) return "-";
  return src.visit([&](const batch& b) { return b.ids[static_cast<std::size_t>(k)]; },
                   [&](const grid&) { return fmt::format("#{}", k); });
}

std::string describe_source(const source& src) {
  return src.visit(
      [&](const batch& b) {
        const auto& c = b.columns;
        auto list = [&](const char* name, const std::vector<index_t>& off) {
          index_t most = 0;
          for (std::size_t s = 0; s + 1 < off.size(); ++s) most = std::max(most, off[s + 1] - off[s]);
          return fmt::format("  {:<10} {:>12} items, at most {} per scenario\n", name, off.back(), most);
        };
        return fmt::format("batch {}: {} scenarios\n", src.path, b.num_scenarios()) +
               list("countries", c.country_offsets) + list("standards", c.standard_offsets) +
               list("resources", c.resource_offsets) + list("ethics", c.ethics_offsets);
      },
      [&](const grid& g) {
        std::string out = fmt::format("grid {}: {} scenarios\naxes (the last varies fastest):\n", src.path,
                                      g.num_scenarios);
        for (int f : g.axes()) {
          out += fmt::format("  {:<34} {:>10} points  {} .. {}\n", grid_field_names[f], g.size(f), g.value(f, 0),
                             g.value(f, g.size(f) - 1));
        }
        out += "scalars:\n";
        for (int f = 0; f < num_grid_fields; ++f) {
          if (!g.is_axis[f]) out += fmt::format("  {:<34} = {}\n", grid_field_names[f], g.value(f, 0));
        }
        return out;
      });
}

}  // namespace coopgrid
