#pragma once
/**
 * @file csv_batch.hpp
 * @brief The reader for a batch directory of CSV files (README.md, "Batch directories (CSV)").
 */
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "host/source/batch.hpp"

namespace coopgrid {

class progress_meter;

/// A batch directory's files, scenarios.csv first (the others are optional).
inline constexpr std::array<const char*, 5> batch_csv_files{"scenarios.csv", "countries.csv", "standards.csv",
                                                           "resources.csv", "ethics.csv"};

/// The bytes of dir's batch files that exist: what a read with progress counts to.
std::uint64_t batch_dir_bytes(const std::filesystem::path& dir);

/// How the CSV files are parsed; the batch read is the same for every setting.
struct csv_parse_options {
  int threads = 0;  ///< backend_options::threads (--threads); 0: all hardware threads
  /// Bytes per parallel chunk; 0: files under 1 MiB (or one thread) parse serially,
  /// larger ones in about 4 chunks per thread. Tests force small chunks.
  std::size_t chunk_bytes = 0;
  /// Counts each file's bytes as its chunks are parsed (add_concurrent); null: none.
  progress_meter* progress = nullptr;
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
