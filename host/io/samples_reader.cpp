#include "host/io/samples_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "host/io/text_file.hpp"
#include "host/io/field_domain.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

using design::distribution_kind;

std::string sample_column_name(const problem& prob, int j) {
  return grid_field_names[prob.parameters[static_cast<std::size_t>(j)].field];
}

namespace {

/// The rule of parameter p's support that x breaks, or "" when x lies in it.
std::string support_rule(const problem_parameter& p, double x) {
  const auto& d = p.dist;
  auto text = [&] { return p.text.substr(0, p.text.find(" group ")); };  // the distribution alone
  auto within = [&](double lo, double hi) { return x >= lo && x <= hi; };
  switch (d.kind) {
    case distribution_kind::uniform:
    case distribution_kind::loguniform:
      if (within(d.x0, d.x1)) return "";
      break;
    case distribution_kind::truncnormal:
      if (within(d.x2, d.x3)) return "";
      break;
    case distribution_kind::triangular:
      if (within(d.x0, d.x2)) return "";
      break;
    case distribution_kind::integers:
      // Count fields only: check_field_value refuses a fraction first.
      if (x == std::floor(x) && within(static_cast<double>(d.i0), static_cast<double>(d.i1))) return "";
      break;
    case distribution_kind::choice:
      // A choice is a set: a value between two of them was not drawn from it.
      if (std::find(p.choices.begin(), p.choices.end(), x) != p.choices.end()) return "";
      return fmt::format("is not one of the values of {}", text());
    case distribution_kind::lognormal:
      if (x > 0) return "";
      return fmt::format("is not > 0 ({} is positive)", text());
    case distribution_kind::normal:
      return "";
  }
  return fmt::format("is outside {}", text());
}

/// True when x breaks no rule: the common case, decided without building a message.
bool value_ok(const problem_parameter& p, double x) {
  if (!std::isfinite(x) || !support_rule(p, x).empty()) return false;
  try {
    check_field_value(p.field, x, "");
    return true;
  } catch (const input_error&) {
    return false;
  }
}

}  // namespace

void check_sample_value(const problem& prob, int j, double x, const std::string& where) {
  if (value_ok(prob.parameters[static_cast<std::size_t>(j)], x)) return;
  const std::string at = fmt::format("{}: column {}", where, sample_column_name(prob, j));
  if (!std::isfinite(x)) throw input_error(fmt::format("{}: value {} is not a finite number", at, x));
  const problem_parameter& p = prob.parameters[static_cast<std::size_t>(j)];
  check_field_value(p.field, x, at);  // the field's domain: one home with grid and problem files
  const std::string rule = support_rule(p, x);
  if (!rule.empty()) throw input_error(fmt::format("{}: value {} {}", at, x, rule));
}

void check_samples_matrix(const problem& prob, const std::vector<double>& values, std::int64_t rows,
                          std::int64_t cols, const std::string& what) {
  if (cols != prob.num_parameters()) {
    throw input_error(fmt::format("{}: {} columns where the problem has {} parameters", what, cols,
                                  prob.num_parameters()));
  }
  if (rows < 1) throw input_error(fmt::format("{}: no rows", what));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t j = 0; j < cols; ++j) {
      const double x = values[static_cast<std::size_t>(r * cols + j)];
      // The check is cheap but its message is not: build it only for a value that fails.
      if (value_ok(prob.parameters[static_cast<std::size_t>(j)], x)) continue;
      check_sample_value(prob, static_cast<int>(j), x, fmt::format("{}: row {}", what, r + 1));
    }
  }
}

namespace {

/// The fields of one text line, split at spaces, tabs and commas; `#` starts a comment.
std::vector<std::string_view> split_fields(std::string_view line) {
  line = line.substr(0, line.find('#'));
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::strchr(" \t\r,", line[i])) ++i;
    std::size_t e = i;
    while (e < line.size() && !std::strchr(" \t\r,", line[e])) ++e;
    if (e > i) out.push_back(line.substr(i, e - i));
    i = e;
  }
  return out;
}

double parse_number(std::string_view s, const std::string& where, const std::string& column) {
  double x = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || end != s.data() + s.size()) {
    throw input_error(fmt::format("{}: column {}: value '{}' is not a number", where, column, s));
  }
  return x;
}

std::string names_of(const problem& prob) {
  std::string out;
  for (int j = 0; j < prob.num_parameters(); ++j) out += (j ? ", " : "") + sample_column_name(prob, j);
  return out;
}

/// SALib's text layout, or (csv) a header of the parameter names and comma-separated rows.
std::vector<double> read_text_samples(const std::string& name, const std::string& text, const problem& prob,
                                      bool csv) {
  const auto d = static_cast<std::size_t>(prob.num_parameters());
  std::vector<double> out;
  bool header_seen = !csv, skip_first = false;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    auto fields = split_fields(line);
    if (fields.empty()) continue;
    auto where = [&] { return fmt::format("{}:{}", name, line_no); };
    if (!header_seen) {
      for (auto& f : fields) {
        if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
      }
      skip_first = fields.front() == "sample";
      std::string got;
      for (std::size_t k = skip_first; k < fields.size(); ++k) got += (k > skip_first ? ", " : "") + std::string(fields[k]);
      if (got != names_of(prob)) {
        throw input_error(fmt::format("{}: header columns {} are not the problem's parameters in order: {}", where(),
                                      got, names_of(prob)));
      }
      header_seen = true;
      continue;
    }
    if (fields.size() != d + skip_first) {
      throw input_error(fmt::format("{}: {} values where the problem has {} parameters ({})", where(),
                                    fields.size() - skip_first, d, names_of(prob)));
    }
    for (std::size_t j = 0; j < d; ++j) {
      const std::string_view field = fields[j + skip_first];
      double x = 0;
      const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), x);
      const bool parsed = ec == std::errc() && end == field.data() + field.size();
      if (!parsed || !value_ok(prob.parameters[j], x)) {  // the message only for a bad value
        if (!parsed) parse_number(field, where(), sample_column_name(prob, static_cast<int>(j)));
        check_sample_value(prob, static_cast<int>(j), x, where());
      }
      out.push_back(x);
    }
  }
  if (out.empty()) throw input_error(fmt::format("{}: no rows of samples", name));
  return out;
}

/// A 2-D float64 C-order .npy (a 1-D one for a single parameter).
std::vector<double> read_npy_samples(const std::string& name, const std::string& bytes, const problem& prob) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    throw input_error(fmt::format("{}: not a .npy file (no \\x93NUMPY magic)", name));
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const std::size_t len_bytes = major == 1 ? 2 : 4, start = 8 + len_bytes;
  std::size_t header_len = 0;
  for (std::size_t k = 0; k < len_bytes && 8 + k < bytes.size(); ++k) {
    header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + k])) << (8 * k);
  }
  if (start + header_len > bytes.size()) throw input_error(fmt::format("{}: truncated .npy header", name));
  const std::string header = bytes.substr(start, header_len);
  if (header.find("'descr': '<f8'") == std::string::npos) {
    throw input_error(fmt::format("{}: dtype must be float64 ('<f8'): {}", name, header));
  }
  if (header.find("'fortran_order': False") == std::string::npos) {
    throw input_error(fmt::format("{}: fortran_order must be False (a C-order array)", name));
  }
  const std::size_t s = header.find("'shape': (");
  long long rows = -1, cols = -1;
  const char* p = s == std::string::npos ? nullptr : header.c_str() + s + 10;
  if (!p || std::sscanf(p, "%lld, %lld)", &rows, &cols) != 2) {
    if (p && std::sscanf(p, "%lld,)", &rows) == 1 && prob.num_parameters() == 1) cols = 1;
    else throw input_error(fmt::format("{}: the array must be 2-D (rows, parameters): {}", name, header));
  }
  const std::size_t need = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * sizeof(double);
  if (rows < 0 || cols < 0 || bytes.size() - start - header_len < need) {
    throw input_error(fmt::format("{}: truncated data ({} x {} float64 expected)", name, rows, cols));
  }
  std::vector<double> out(static_cast<std::size_t>(rows * cols));
  if (need) std::memcpy(out.data(), bytes.data() + start + header_len, need);
  check_samples_matrix(prob, out, rows, cols, name);
  return out;
}

}  // namespace

std::vector<double> read_samples_file(const std::filesystem::path& file, const problem& prob) {
  const std::string name = file.string(), ext = file.extension().string();
  if (ext != ".txt" && ext != ".npy" && ext != ".csv") {
    throw input_error(fmt::format("--samples {}: expected a .txt (SALib's layout), .npy or .csv file", name));
  }
  const std::string text = read_text_file(file, "samples file");
  if (ext == ".npy") return read_npy_samples(name, text, prob);
  return read_text_samples(name, text, prob, ext == ".csv");
}

}  // namespace coopgrid
