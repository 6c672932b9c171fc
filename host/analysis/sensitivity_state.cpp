#include "host/analysis/sensitivity_state.hpp"

#include <fmt/format.h>

#include "host/util/errors.hpp"

namespace coopgrid {
namespace {

constexpr std::size_t hex_word = 16;  // hex digits per 64-bit word of exact_sum::to_hex()

/// to_hex() without its trailing zero words, then ".K" for K of them: sums of
/// doubles near 1 have some 16 zero words at the bottom (2^-1074 granularity).
std::string compact_hex(const exact_sum& s) {
  std::string h = s.to_hex();
  std::size_t zeros = 0;
  while (h.size() > hex_word && h.compare(h.size() - hex_word, hex_word, std::string(hex_word, '0')) == 0) {
    h.resize(h.size() - hex_word);
    ++zeros;
  }
  if (h == std::string(hex_word, '0')) return "0";
  return zeros == 0 ? h : fmt::format("{}.{}", h, zeros);
}

bool parse_compact_hex(const std::string& text, exact_sum& s) {
  if (text == "0") {
    s = exact_sum{};
    return true;
  }
  const auto dot = text.find('.');
  std::string h = text.substr(0, dot);
  if (dot != std::string::npos) {
    const std::string k = text.substr(dot + 1);
    if (k.empty() || k.size() > 2 || k.find_first_not_of("0123456789") != std::string::npos) return false;
    h += std::string(hex_word * static_cast<std::size_t>(std::stoi(k)), '0');
  }
  return s.from_hex(h);
}

}  // namespace

void sensitivity_state::add_unit(const double* unit_sums, index_t points_in_unit) {
  for (std::size_t i = 0; i < sums.size(); ++i) sums[i].add(unit_sums[i]);
  points += points_in_unit;
}

void sensitivity_state::merge(const sensitivity_state& o) {
  COOPGRID_EXPECTS(o.sums.size() == sums.size(), "sensitivity states of one analysis");
  for (std::size_t i = 0; i < sums.size(); ++i) sums[i].merge(o.sums[i]);
  points += o.points;
}

std::string sensitivity_state_text(const sensitivity_state& s) {
  std::string out = fmt::format("points {}\nsums {}\n", s.points, s.sums.size());
  for (const auto& x : s.sums) {
    out += compact_hex(x);
    out += '\n';
  }
  out += "end\n";
  return out;
}

void parse_sensitivity_state_text(std::istream& in, std::size_t num_sums, sensitivity_state& s,
                                  const std::string& what) {
  auto damaged = [&](const std::string& part) {
    return input_error(fmt::format("{}: damaged analysis state ({})", what, part));
  };
  std::string word;
  s = sensitivity_state(num_sums);
  index_t points = 0;
  in >> word >> points;
  if (word != "points" || !in || points < 0) throw damaged("points");
  std::size_t n = 0;
  in >> word >> n;
  if (word != "sums" || !in) throw damaged("sums");
  if (num_sums == 0) {
    if (n > (std::size_t{1} << 28)) throw damaged("sums");
    s = sensitivity_state(n);
    s.points = 0;
  } else if (n != num_sums) {
    throw damaged(fmt::format("{} sums where this analysis has {}", n, num_sums));
  }
  s.points = points;
  for (std::size_t i = 0; i < n; ++i) {
    in >> word;
    if (!in || !parse_compact_hex(word, s.sums[i])) throw damaged(fmt::format("sum {}", i));
  }
  in >> word;
  if (word != "end" || !in) throw damaged("truncated");
}

}  // namespace coopgrid
