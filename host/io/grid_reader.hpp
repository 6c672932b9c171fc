#pragma once
/**
 * @file grid_reader.hpp
 * @brief The grid TOML reader (README.md, "Grids (TOML)").
 */
#include <filesystem>
#include <string>
#include <string_view>

#include "host/source/grid.hpp"

namespace coopgrid {

/**
 * @brief Reads a grid TOML file.
 * @throws input_error naming file, line and key, the value and the rule broken.
 */
grid read_grid_file(const std::filesystem::path& file);

/// Parses grid TOML text; `name` is used in messages.
grid parse_grid(std::string_view text, const std::string& name);

}  // namespace coopgrid
