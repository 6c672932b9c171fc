#include "host/source/source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host/util/errors.hpp"
#include "host/util/text.hpp"

namespace coopgrid {

index_t source::num_scenarios() const {
  return visit([](const batch& b) { return b.num_scenarios(); }, [](const grid& g) { return g.num_scenarios; },
               [](const design_source& d) { return d.num_samples; });
}

const char* source::kind() const {
  return visit([](const batch&) { return "batch"; }, [](const grid&) { return "grid"; },
               [](const design_source&) { return "design"; });
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

}  // namespace coopgrid
