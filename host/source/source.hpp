#pragma once
/**
 * @file source.hpp
 * @brief What a run reads: an explicit batch (a directory) or a grid (a TOML file).
 */
#include <filesystem>
#include <optional>
#include <string>

#include "host/source/batch.hpp"
#include "host/source/grid.hpp"

namespace coopgrid {

enum class precision { f64, f32 };

struct source {
  std::string path;
  std::optional<batch> explicit_batch;
  std::optional<grid> parameter_grid;

  bool is_grid() const { return parameter_grid.has_value(); }
  index_t num_scenarios() const {
    return is_grid() ? parameter_grid->num_scenarios : explicit_batch->num_scenarios();
  }
};

/**
 * @brief Loads INPUT: a directory is a batch, a *.toml file is a grid.
 * @throws input_error for anything else, or for bad content.
 */
source load_source(const std::filesystem::path& input);

/**
 * @brief Throws input_error naming the scenario (or grid key) and value when
 *        an input value is finite in double but overflows float: an f32 run
 *        would otherwise compute with an infinite input.
 */
void check_float_range(const source& src);

}  // namespace coopgrid
