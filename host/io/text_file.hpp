#pragma once
/**
 * @file text_file.hpp
 * @brief Reads a whole input file, with the input_error messages every reader shares.
 */
#include <filesystem>
#include <string>

namespace coopgrid {

/// The file's bytes; throws input_error for a missing, unreadable or directory path ("expected `kind`").
std::string read_text_file(const std::filesystem::path& file, const char* kind);

}  // namespace coopgrid
