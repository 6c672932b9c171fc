#include "host/io/text_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

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
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw input_error(fmt::format("{}: read error", path));
  return std::move(ss).str();
}

}  // namespace coopgrid
