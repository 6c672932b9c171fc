#include "host/io/csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "host/util/errors.hpp"
#include "host/io/text_file.hpp"
#include "host/util/parallel.hpp"
#include "host/util/text.hpp"

namespace coopgrid {
namespace {

/// Values are echoed in messages: keep them short and on one line.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (s.size() > 60) out += "...";
  return out;
}

}  // namespace

csv_reader::csv_reader(const std::filesystem::path& file)
    : csv_reader(file.string(), read_text_file(file, "a CSV file")) {}

csv_reader::csv_reader(std::string name, std::string content)
    : path_(std::move(name)), storage_(std::move(content)), data_(storage_), limit_(data_.size()) {
  if (data_.size() >= 3 && data_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
  std::vector<std::string_view> fields;
  if (!read_record(fields)) {
    throw input_error(fmt::format("{}: empty file, expected a header row", path_));
  }
  for (auto f : fields) header_.emplace_back(trim(f));
}

csv_reader::csv_reader(const csv_reader& whole, const csv_span& span)
    : path_(whole.path_),
      data_(whole.data_),
      pos_(span.begin),
      limit_(span.end),
      next_line_(span.line),
      header_(whole.header_) {}

std::vector<csv_span> csv_reader::split(std::size_t chunk_bytes, int threads) const {
  const std::size_t first = pos_;
  const std::size_t n = limit_;
  const std::size_t pieces = chunk_bytes == 0 ? 1 : std::max<std::size_t>(1, (n - first + chunk_bytes - 1) / chunk_bytes);
  if (pieces <= 1) return {csv_span{first, n, next_line_}};
  auto piece_begin = [&](std::size_t k) { return std::min(n, first + k * chunk_bytes); };
  std::vector<std::size_t> quotes(pieces), newlines(pieces);
  parallel_for(static_cast<index_t>(pieces), threads, [&](index_t k) {
    std::size_t q = 0, l = 0;
    const char* p = data_.data() + piece_begin(static_cast<std::size_t>(k));
    const char* e = data_.data() + piece_begin(static_cast<std::size_t>(k) + 1);
    for (; p != e; ++p) {
      q += *p == '"';
      l += *p == '\n';
    }
    quotes[static_cast<std::size_t>(k)] = q;
    newlines[static_cast<std::size_t>(k)] = l;
  });
  std::vector<std::size_t> quotes_before(pieces, 0);
  std::vector<std::int64_t> line_at(pieces, next_line_);
  for (std::size_t k = 1; k < pieces; ++k) {
    quotes_before[k] = quotes_before[k - 1] + quotes[k - 1];
    line_at[k] = line_at[k - 1] + static_cast<std::int64_t>(newlines[k - 1]);
  }
  // The first record start at or after each piece's first byte.
  std::vector<csv_span> starts(pieces);
  starts[0] = {first, n, next_line_};
  parallel_for(static_cast<index_t>(pieces) - 1, threads, [&](index_t j) {
    const auto k = static_cast<std::size_t>(j) + 1;
    std::size_t p = piece_begin(k);
    bool quoted = (quotes_before[k] & 1) != 0;
    std::int64_t line = line_at[k];
    for (; p < n; ++p) {
      if (data_[p] == '"') {
        quoted = !quoted;
      } else if (data_[p] == '\n') {
        ++line;
        if (!quoted) {
          ++p;
          break;
        }
      }
    }
    starts[k] = {p, n, line};
  });
  std::vector<csv_span> spans;
  for (std::size_t k = 0; k < pieces; ++k) {
    const std::size_t end = k + 1 < pieces ? starts[k + 1].begin : n;
    if (end > starts[k].begin) spans.push_back({starts[k].begin, end, starts[k].line});
  }
  if (spans.empty()) spans.push_back({first, n, next_line_});
  return spans;
}

std::string csv_reader::where() const { return fmt::format("{}:{}", path_, record_line_); }

bool csv_reader::read_record(std::vector<std::string_view>& fields) {
  fields.clear();
  unescaped_.clear();
  const std::size_t n = data_.size();
  // Skip blank lines (only spaces, tabs and a CR).
  for (;;) {
    if (pos_ >= limit_) return false;
    std::size_t p = pos_;
    while (p < n && (data_[p] == ' ' || data_[p] == '\t' || data_[p] == '\r')) ++p;
    if (p < n && data_[p] != '\n') break;
    pos_ = p < n ? p + 1 : p;
    ++next_line_;
  }
  record_line_ = next_line_;
  for (;;) {  // one field per iteration
    std::size_t p = pos_;
    while (p < n && (data_[p] == ' ' || data_[p] == '\t')) ++p;
    if (p < n && data_[p] == '"') {
      ++p;
      std::string value;
      bool escaped = false;
      std::size_t start = p;
      for (;;) {
        if (p >= n) {
          throw input_error(fmt::format("{}:{}: unterminated quoted field", path_, record_line_));
        }
        if (data_[p] == '"') {
          if (p + 1 < n && data_[p + 1] == '"') {
            value.append(data_, start, p + 1 - start);
            p += 2;
            start = p;
            escaped = true;
            continue;
          }
          break;
        }
        if (data_[p] == '\n') ++next_line_;
        ++p;
      }
      if (escaped) {
        value.append(data_, start, p - start);
        unescaped_.push_back(std::move(value));
        fields.emplace_back(unescaped_.back());
      } else {
        fields.emplace_back(data_.data() + start, p - start);
      }
      ++p;  // closing quote
      while (p < n && (data_[p] == ' ' || data_[p] == '\t' || data_[p] == '\r')) ++p;
      if (p < n && data_[p] != ',' && data_[p] != '\n') {
        throw input_error(fmt::format("{}:{}: unexpected character '{}' after a quoted field",
                                      path_, record_line_, data_[p]));
      }
    } else {
      std::size_t start = pos_;
      while (p < n && data_[p] != ',' && data_[p] != '\n') {
        if (data_[p] == '"') {
          throw input_error(fmt::format(
              "{}:{}: a quote inside an unquoted field (quote the whole field and double the quote)",
              path_, record_line_));
        }
        ++p;
      }
      std::string_view f(data_.data() + start, p - start);
      if (!f.empty() && f.back() == '\r') f.remove_suffix(1);
      fields.push_back(trim(f));
    }
    if (p >= n) {
      pos_ = n;
      return true;
    }
    if (data_[p] == '\n') {
      pos_ = p + 1;
      ++next_line_;
      return true;
    }
    pos_ = p + 1;  // a comma: another field follows
  }
}

bool csv_reader::next(std::vector<std::string_view>& fields) {
  if (!read_record(fields)) return false;
  if (fields.size() != header_.size()) {
    throw input_error(fmt::format("{}:{}: expected {} fields as in the header, found {}", path_,
                                  record_line_, header_.size(), fields.size()));
  }
  return true;
}

std::vector<int> csv_reader::require_columns(const std::vector<std::string_view>& names) const {
  std::vector<int> idx(names.size(), -1);
  for (std::size_t c = 0; c < header_.size(); ++c) {
    int k = 0;
    bool known = false;
    for (auto name : names) {
      if (header_[c] == name) {
        if (idx[k] >= 0) {
          throw input_error(fmt::format("{}:1: column '{}' appears twice", path_, name));
        }
        idx[k] = static_cast<int>(c);
        known = true;
      }
      ++k;
    }
    if (!known) {
      throw input_error(fmt::format("{}:1: unknown column '{}' (expected the columns {})", path_,
                                    shown(header_[c]), fmt::join(names, ",")));
    }
  }
  int k = 0;
  for (auto name : names) {
    if (idx[k++] < 0) {
      throw input_error(fmt::format("{}:1: missing column '{}' (expected the columns {})", path_,
                                    name, fmt::join(names, ",")));
    }
  }
  return idx;
}

double parse_real(std::string_view text, const std::string& where, std::string_view column) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  if (t.empty()) {
    throw input_error(fmt::format("{}: column '{}': empty value, expected a number", where, column));
  }
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range) {
    throw input_error(fmt::format("{}: column '{}': value '{}' is out of the range of a double",
                                  where, column, shown(text)));
  }
  if (ec != std::errc() || end != t.data() + t.size()) {
    throw input_error(
        fmt::format("{}: column '{}': value '{}' is not a number", where, column, shown(text)));
  }
  if (!std::isfinite(v)) {
    throw input_error(fmt::format("{}: column '{}': value '{}' is not finite (NaN and infinity are invalid)",
                                  where, column, shown(text)));
  }
  return v;
}

std::int64_t parse_integer(std::string_view text, const std::string& where,
                           std::string_view column) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && end == t.data() + t.size() && !t.empty()) return v;
  if (ec == std::errc::result_out_of_range) {
    throw input_error(fmt::format("{}: column '{}': value '{}' overflows a 64-bit integer", where,
                                  column, shown(text)));
  }
  const double d = parse_real(text, where, column);
  if (d != std::floor(d)) {
    throw input_error(
        fmt::format("{}: column '{}': value '{}' is not an integer", where, column, shown(text)));
  }
  if (std::fabs(d) >= 9.2e18) {
    throw input_error(fmt::format("{}: column '{}': value '{}' overflows a 64-bit integer", where,
                                  column, shown(text)));
  }
  return static_cast<std::int64_t>(d);
}

double parse_real(std::string_view text, const csv_reader& at, std::string_view column) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (!t.empty() && ec == std::errc() && end == t.data() + t.size() && std::isfinite(v)) return v;
  return parse_real(text, at.where(), column);  // the slow path words the error
}

std::int64_t parse_integer(std::string_view text, const csv_reader& at, std::string_view column) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (!t.empty() && ec == std::errc() && end == t.data() + t.size()) return v;
  return parse_integer(text, at.where(), column);
}

}  // namespace coopgrid
