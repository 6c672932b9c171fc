#pragma once
/**
 * @file binary_batch.hpp
 * @brief The binary batch format: a directory of NumPy .npy columns (CSR),
 *        memory-mapped and used in place (no parsing, no copy). NumPy users write it
 *        directly (README.md, "Binary batches"); `coopgrid convert` writes it
 *        from a CSV batch.
 */
#include <filesystem>

#include "host/source/batch.hpp"

namespace coopgrid {

class progress_meter;

/// True when `dir` holds a binary batch (activities.npy present).
bool is_binary_batch(const std::filesystem::path& dir);

/**
 * @brief Reads a binary batch directory. Reals are little-endian float64
 *        ('<f8'), counts and offsets int64 ('<i8'); ids come from ids.txt
 *        (one per line) or default to the row number. The columns view
 *        the mappings, which the batch's columns.storage keeps alive;
 *        validation runs in parallel (validate_columns), or, with
 *        `checks_in_pass`, only the shape here and the values in the
 *        evaluation pass (batch::checked false). `progress` (null: none)
 *        gets the total (the columns' bytes and ids.txt's) once the files
 *        are mapped, then counts them as they are checked.
 * @throws input_error naming the file, the element and the rule broken.
 */
batch read_binary_batch(const std::filesystem::path& dir, progress_meter* progress = nullptr,
                        bool checks_in_pass = false);

/// Writes `b` as a binary batch into `dir` (created; written under a temporary name, then renamed).
void write_binary_batch(const batch& b, const std::filesystem::path& dir);

}  // namespace coopgrid
