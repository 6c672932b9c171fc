#pragma once
/**
 * @file csv_batch.hpp
 * @brief The reader for a batch directory of CSV files (README.md, "Batch directories (CSV)").
 */
#include <filesystem>

#include "host/source/batch.hpp"

namespace coopgrid {

/**
 * @brief Reads a batch directory: scenarios.csv (required) and the optional
 *        countries.csv, standards.csv, resources.csv and ethics.csv.
 * @throws input_error naming file, line, column, value and rule on any bad input.
 */
batch read_batch_dir(const std::filesystem::path& dir);

}  // namespace coopgrid
