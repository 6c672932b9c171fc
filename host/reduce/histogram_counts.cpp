#include "host/reduce/histogram_counts.hpp"

#include <fmt/format.h>

namespace coopgrid {

std::string histogram_counts::text() const {
  std::string t = fmt::format("hist {} {} {}\n", bins.size(), below, above);
  for (auto c : bins) t += fmt::format("{}\n", c);
  return t;
}

bool histogram_counts::parse(std::istream& in) {
  std::string word;
  std::size_t n = 0;
  in >> word >> n >> below >> above;
  if (word != "hist" || !in || n > (std::size_t{1} << 32)) return false;
  bins.assign(n, 0);
  for (auto& c : bins) in >> c;
  return static_cast<bool>(in);
}

}  // namespace coopgrid
