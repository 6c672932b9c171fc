#include "host/io/format.hpp"

#include <cmath>

namespace coopgrid {

std::string json_number(double v) {
  // Strict JSON has no NaN or Infinity (JavaScript's JSON.parse refuses them): null, and the
  // writer says why beside it (an analysis's "reason", a reduce report's "not_finite").
  if (!std::isfinite(v)) return "null";
  return fmt::format("{}", v);
}

std::string json_not_finite(const std::vector<std::pair<const char*, double>>& values) {
  std::string members;
  for (const auto& [name, v] : values) {
    if (std::isfinite(v)) continue;
    members += fmt::format("{}\"{}\": \"{}\"", members.empty() ? "" : ", ", name,
                           std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
  }
  return members.empty() ? "" : fmt::format(", \"not_finite\": {{{}}}", members);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace coopgrid
