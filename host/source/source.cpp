#include "host/io/csv_batch.hpp"
#include "host/io/grid_reader.hpp"
#include "host/io/problem_reader.hpp"
#include "host/io/samples_reader.hpp"
#include "host/source/source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host/io/binary_batch.hpp"
#include "host/io/format.hpp"
#include "host/util/errors.hpp"
#include "host/util/text.hpp"
#include "host/util/nvtx.hpp"
#include "host/util/progress.hpp"

namespace coopgrid {

index_t source::num_scenarios() const {
  return visit([](const batch& b) { return b.num_scenarios(); }, [](const grid& g) { return g.num_scenarios; },
               [](const design_source& d) { return d.num_samples; });
}

const char* source::kind() const {
  return visit([](const batch&) { return "batch"; }, [](const grid&) { return "grid"; },
               [](const design_source&) { return "design"; });
}

namespace {

/// A batch, its bytes counted as a "loading" pass when opt.progress.
batch load_batch(const std::filesystem::path& input, const source_options& opt) {
  const bool binary = is_binary_batch(input);
  // The binary reader sets the total once its files are mapped.
  const index_t total = binary ? 0 : static_cast<index_t>(batch_dir_bytes(input));
  progress_meter meter(total, opt.progress, "bytes");
  meter.start_pass("loading", total);
  progress_meter* shown = opt.progress ? &meter : nullptr;
  batch b;
  if (binary) {
    b = read_binary_batch(input, shown, opt.checks_in_pass);  // its own "parse" range
  } else {
    nvtx_range range("parse");
    csv_parse_options csv;
    csv.threads = opt.threads;
    csv.progress = shown;
    b = read_batch_dir(input, csv);
  }
  if (shown != nullptr) meter.finish();  // (finish tells an embedder's observer too: only when shown)
  return b;
}

}  // namespace

loaded_input load_input(const std::filesystem::path& input, const source_options& opt) {
  const std::string path = input.string();
  const std::string& fixed = opt.fixed;
  std::error_code ec;
  const bool is_toml = input.extension() == ".toml";
  if (!fixed.empty() && (is_toml || !std::filesystem::is_regular_file(input, ec))) {
    throw usage_error(fmt::format("--fixed applies to SALib problem text files, not to {}", path));
  }
  if (std::filesystem::is_directory(input, ec)) return load_batch(input, opt);
  if (!std::filesystem::exists(input, ec)) {
    throw input_error(fmt::format(
        "{}: not found (expected a batch directory, a grid or problem .toml file, or a SALib problem .txt file)",
        path));
  }
  nvtx_range range("parse");
  if (is_toml) {
    return std::visit([](auto&& v) -> loaded_input { return std::move(v); }, read_toml_source(input));
  }
  if (input.extension() == ".txt") {
    const std::filesystem::path fixed_path(fixed);
    return read_problem_file(input, fixed.empty() ? nullptr : &fixed_path);
  }
  throw input_error(fmt::format("{}: not a batch directory, a grid or problem file (.toml) or a SALib problem "
                                "text file (.txt)",
                                path));
}

source load_source(const std::filesystem::path& input, const source_options& opt) {
  return make_source(input.string(), load_input(input, opt), opt);
}

source make_source(const std::string& path, loaded_input in, const source_options& opt) {
  if (!opt.samples.empty() && opt.design) {
    throw usage_error("--samples evaluates the given rows: it does not combine with --design");
  }
  if (auto* p = std::get_if<problem>(&in); p && !opt.samples.empty()) {
    std::vector<double> rows = read_samples_file(opt.samples, *p);
    design_source d(std::move(*p), std::move(rows), opt.samples);
    d.fixed = opt.fixed;
    return source(path, std::move(d));
  }
  if (!opt.samples.empty()) {
    throw usage_error(fmt::format("--samples gives the rows of a problem's parameters, and {} is a {}", path,
                                  std::holds_alternative<grid>(in) ? "grid" : "batch"));
  }
  if (auto* p = std::get_if<problem>(&in)) {
    if (!opt.design) {
      throw usage_error(fmt::format("{} is a problem file: give --design (mc, lhs, sobol, saltelli, morris) and --n, "
                                    "or --samples X",
                                    path));
    }
    design_source d(std::move(*p), *opt.design);
    d.fixed = opt.fixed;
    return source(path, std::move(d));
  }
  if (opt.design) {
    throw usage_error(fmt::format("--design samples a problem file, and {} is a {}", path,
                                  std::holds_alternative<grid>(in) ? "grid" : "batch"));
  }
  if (auto* g = std::get_if<grid>(&in)) return source(path, std::move(*g));
  return source(path, std::move(std::get<batch>(in)));
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
      [&](const design_source& d) {
        for (int f = 0; f < num_grid_fields; ++f) {
          if (d.prob.reals[f] > max_float) fail(fmt::format("{}: {}", src.path, grid_field_names[f]), d.prob.reals[f]);
        }
        // The user's rows (--samples) are the values themselves.
        for (std::size_t i = 0; i < d.samples.size(); ++i) {
          if (d.samples[i] <= max_float) continue;
          const auto cols = d.prob.parameters.size();
          fail(fmt::format("{}: row {}, column {}", d.samples_path, i / cols + 1,
                           grid_field_names[d.prob.parameters[i % cols].field]),
               d.samples[i]);
        }
        if (!d.samples.empty()) return;
        // Inverse CDFs are monotone: the largest value is at the cube's upper face.
        const design::design_view v = d.view();
        for (int j = 0; j < v.num_parameters; ++j) {
          const auto& p = v.params[j];
          double top = design::parameter_value(p, 1.0);
          if (p.choices) {
            for (index_t c = 0; c < p.dist.i0; ++c) top = std::max(top, p.choices[c]);
          }
          if (top > max_float) {
            fail(fmt::format("{}: {} ({}): its largest sample", src.path, grid_field_names[p.field],
                             d.prob.parameters[static_cast<std::size_t>(j)].text),
                 top);
          }
        }
      },
      [&](const batch& b) {
        const auto& c = b.columns;
        auto scan = [&](const char* file, const column<index_t>* offsets, column<double> v) {
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
