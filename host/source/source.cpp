#include "host/source/source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host/io/binary_batch.hpp"
#include "host/util/errors.hpp"
#include "host/util/nvtx.hpp"

namespace coopgrid {

source load_source(const std::filesystem::path& input) {
  source s;
  s.path = input.string();
  std::error_code ec;
  if (is_binary_batch(input)) {
    s.explicit_batch = read_binary_batch(input);
  } else if (std::filesystem::is_directory(input, ec)) {
    nvtx_range range("parse");
    s.explicit_batch = read_batch_dir(input);
  } else if (input.extension() == ".toml") {
    nvtx_range range("parse");
    s.parameter_grid = read_grid_file(input);
  } else if (!std::filesystem::exists(input, ec)) {
    throw input_error(fmt::format("{}: not found (expected a batch directory or a grid .toml file)",
                                  s.path));
  } else {
    throw input_error(fmt::format(
        "{}: not a batch directory or a grid file (grid files end in .toml)", s.path));
  }
  return s;
}

void check_float_range(const source& src) {
  constexpr double max_float = 3.4028234663852886e38;
  auto fail = [&](const std::string& where, double v) {
    throw input_error(fmt::format(
        "{}: value {} overflows f32 (largest float {:.8g}); use --precision f64", where, v, max_float));
  };
  if (src.is_grid()) {
    const auto& g = *src.parameter_grid;
    for (int f = 0; f < num_grid_fields; ++f) {
      for (double v : g.reals[f]) {
        if (v > max_float) fail(fmt::format("{}: {}", src.path, grid_field_names[f]), v);
      }
    }
    return;
  }
  const auto& b = *src.explicit_batch;
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
}

}  // namespace coopgrid
