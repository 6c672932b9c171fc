#include "host/io/text_file.hpp"

#include <fmt/format.h>

#include <fstream>

#include "host/util/errors.hpp"

namespace coopgrid {

std::string read_text_file(const std::filesystem::path& file, const char* kind) {
  const std::string path = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw input_error(fmt::format("{}: file not found", path));
  if (std::filesystem::is_directory(file, ec)) {
    throw input_error(fmt::format("{}: is a directory, expected {}", path, kind));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw input_error(fmt::format("{}: cannot be opened for reading", path));
  // Straight into a string of the file's size: a stringstream would hold a
  // second copy of a large batch file at the peak.
  std::string out;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec) out.reserve(static_cast<std::size_t>(size));
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) out.append(block, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw input_error(fmt::format("{}: read error", path));
  return out;
}

}  // namespace coopgrid
