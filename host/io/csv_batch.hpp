#pragma once
/**
 * @file csv_batch.hpp
 * @brief The reader for a batch directory of CSV files (README.md, "Batch directories (CSV)").
 */
#include <cstddef>
#include <filesystem>

#include "host/source/batch.hpp"

namespace coopgrid {

/// How the CSV files are parsed; the batch read is the same for every setting.
struct csv_parse_options {
  int threads = 0;  ///< backend_options::threads (--threads); 0: all hardware threads
  /// Bytes per parallel chunk; 0: files under 1 MiB (or one thread) parse serially,
  /// larger ones in about 4 chunks per thread. Tests force small chunks.
  std::size_t chunk_bytes = 0;
};

/**
 * @brief Reads a batch directory: scenarios.csv (required) and the optional
 *        countries.csv, standards.csv, resources.csv and ethics.csv.
 *        Each file's records parse in chunks on opt.threads threads; the first
 *        bad record in file order is reported, exactly as a serial read would.
 * @throws input_error naming file, line, column, value and rule on any bad input.
 */
batch read_batch_dir(const std::filesystem::path& dir, const csv_parse_options& opt = {});

}  // namespace coopgrid
