#include "host/io/state_format.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <sstream>

#include "host/util/errors.hpp"
#include "kernels/metrics.hpp"

namespace coopgrid {

std::string format_header(const char* magic_line) {
  return fmt::format("{}\nmetrics {}\n", magic_line, num_metrics);
}

bool read_format_header(std::istream& in, const char* magic_line, const std::string& what) {
  const std::string want = magic_line;
  std::string line;
  std::getline(in, line);
  if (line != want) {
    const std::string family = want.substr(0, want.rfind(' ') + 1);  // "coopgrid-checkpoint "
    if (line.compare(0, family.size(), family) != 0) return false;
    throw usage_error(fmt::format("{}: written by another version of coopgrid (format '{}', this version reads '{}')",
                                  what, line, want));
  }
  std::string word;
  long long n = -1;
  std::getline(in, line);
  std::istringstream fields(line);
  fields >> word >> n;
  if (word != "metrics" || !fields || n < 0) throw input_error(fmt::format("{}: damaged (no metrics line)", what));
  if (n != num_metrics) {
    throw usage_error(fmt::format("{}: written by another version of coopgrid ({} metrics, this version has {})",
                                  what, n, num_metrics));
  }
  return true;
}

std::string hexf(double v) { return fmt::format("{:a}", v); }

double parse_hexf(const std::string& t, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0') throw input_error(fmt::format("{}: damaged state (number '{}')", what, t));
  return v;
}

}  // namespace coopgrid
