#include "host/engine/option_values.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "host/util/errors.hpp"
#include "host/util/text.hpp"
#include "host/io/load_source.hpp"

namespace coopgrid {
namespace {

/// `text` cut at every `sep` (empty pieces kept).
std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

/// The whole of `text` as a T (std::stoll, std::stod, ...); throws std::invalid_argument otherwise.
template <class T, class Parse>
T whole(const std::string& text, Parse parse) {
  std::size_t used = 0;
  const T v = parse(text, &used);
  if (used != text.size()) throw std::invalid_argument(text);
  return v;
}

/// An integer as typed: its sign and magnitude (saturated: out_of_range when beyond 2^64 - 1).
struct typed_integer {
  bool negative = false;
  unsigned long long magnitude = 0;
  bool out_of_range = false;
};

/// Decimal digits with an optional sign, nothing else (no spaces, no 0x, no exponent); false otherwise.
bool read_integer(const std::string& text, typed_integer& v) {
  std::string_view t(text);
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    v.negative = t[0] == '-';
    t.remove_prefix(1);
  }
  if (t.empty()) return false;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v.magnitude);
  if (end != t.data() + t.size()) return false;
  v.out_of_range = ec == std::errc::result_out_of_range;
  return ec == std::errc() || v.out_of_range;
}

/// The checked value as its magnitude and sign; usage_error in the words of option_values.hpp.
typed_integer checked_integer(const std::string& name, const std::string& text, int_range r, bool quoted) {
  const std::string got = quoted ? fmt::format("'{}'", text) : text;
  typed_integer v;
  if (!read_integer(text, v)) {
    throw usage_error(fmt::format("{} must be an integer from {} to {} (got {})", name, r.min, r.max, got));
  }
  const bool zero = v.magnitude == 0 && !v.out_of_range;
  // Below min: a negative beyond -min, or any non-zero negative (or zero) when min is positive.
  const unsigned long long below = r.min < 0 ? 0ULL - static_cast<unsigned long long>(r.min) : 0;
  const bool too_small = v.negative && !zero
                             ? (r.min >= 0 || v.out_of_range || v.magnitude > below)
                             : (r.min > 0 && v.magnitude < static_cast<unsigned long long>(r.min) && !v.out_of_range);
  if (too_small) throw usage_error(fmt::format("{} must be at least {} (got {})", name, r.min, got));
  if (!v.negative && (v.out_of_range || v.magnitude > r.max)) {
    throw usage_error(fmt::format("{} must be at most {} (got {})", name, r.max, got));
  }
  if (zero) v.negative = false;
  return v;
}

}  // namespace

long long parse_integer(const std::string& name, const std::string& text, int_range r, bool quoted) {
  const typed_integer v = checked_integer(name, text, r, quoted);
  // In range of r, which fits a long long: -magnitude is computed without overflow.
  return v.negative ? static_cast<long long>(0ULL - v.magnitude) : static_cast<long long>(v.magnitude);
}

std::uint64_t parse_unsigned(const std::string& name, const std::string& text, int_range r, bool quoted) {
  const typed_integer v = checked_integer(name, text, int_range{r.min < 0 ? 0 : r.min, r.max}, quoted);
  return v.magnitude;
}

backend_kind parse_backend_kind(const std::string& text) {
  if (const auto k = kind_in(backend_kinds, text)) return *k;
  throw usage_error(fmt::format("--backend '{}': expected {}", text, choice_list(names_in(backend_kinds))));
}

precision parse_precision(const std::string& text) {
  if (const auto p = precision_of(text)) return *p;
  throw usage_error(fmt::format("--precision '{}': expected {}", text, choice_list(names_in(precisions))));
}

int parse_metric(const std::string& name) { return metric_by_name(name); }

std::vector<int> parse_metric_list(const std::string& list) {
  std::vector<int> out;
  for (const auto& name : split(list, ',')) {
    if (!name.empty()) out.push_back(metric_by_name(name));
  }
  if (out.empty()) throw usage_error("--metrics: expected a comma-separated list of metric names");
  return out;
}

std::vector<std::string> parse_name_list(const std::string& flag, const std::string& list) {
  std::vector<std::string> out;
  for (const auto& name : split(list, ',')) {
    if (!name.empty()) out.push_back(name);
  }
  if (out.empty()) throw usage_error(fmt::format("{}: expected a comma-separated list of names", flag));
  return out;
}

std::vector<filter> parse_where(const std::vector<std::string>& texts) {
  std::vector<filter> out;
  for (const auto& w : texts) {
    for (const auto& f : parse_filters(w)) out.push_back(f);
  }
  return out;
}

histogram_option parse_histogram(const std::string& text) {
  const auto parts = split(text, ':');
  if (parts.size() != 2 && parts.size() != 4) {
    throw usage_error(fmt::format("--histogram '{}': expected METRIC:BINS or METRIC:BINS:LO:HI", text));
  }
  histogram_option h;
  h.metric = metric_by_name(parts[0]);
  try {
    h.bins = whole<long long>(parts[1], [](const std::string& s, std::size_t* n) { return std::stoll(s, n); });
    if (h.bins < 1 || h.bins > 100'000'000) throw std::invalid_argument(parts[1]);
    if (parts.size() == 4) {
      const auto num = [](const std::string& s, std::size_t* n) { return std::stod(s, n); };
      h.lo = whole<double>(parts[2], num);
      h.hi = whole<double>(parts[3], num);
      if (!(h.lo <= h.hi) || !std::isfinite(h.lo) || !std::isfinite(h.hi)) throw std::invalid_argument(text);
      h.range_given = true;
    }
  } catch (const std::exception&) {
    throw usage_error(fmt::format(
        "--histogram '{}': BINS must be an integer in [1, 1e8] and LO <= HI finite numbers", text));
  }
  return h;
}

marginal_option parse_marginal(const std::string& text) {
  marginal_option m;
  m.text = text;
  const auto items = split(text, ',');
  if (items.size() > 2) {
    throw usage_error(fmt::format("--marginal '{}': at most two axes (AXIS or AXIS,AXIS; repeat the option for more)",
                                  text));
  }
  for (const auto& item : items) {
    const auto colon = item.find(':');
    const std::string name = item.substr(0, colon);
    if (name.empty()) throw usage_error(fmt::format("--marginal '{}': expected AXIS, AXIS:BINS or AXIS,AXIS", text));
    index_t bins = 0;
    if (colon != std::string::npos) {
      const std::string b = item.substr(colon + 1);
      try {
        bins = whole<long long>(b, [](const std::string& s, std::size_t* n) { return std::stoll(s, n); });
      } catch (const std::exception&) {
        bins = 0;
      }
      if (bins < 1 || bins > marginal_max_cells) {
        throw usage_error(fmt::format("--marginal '{}': BINS '{}' must be an integer in [1, {}]", text, b,
                                      marginal_max_cells));
      }
    }
    m.names.push_back(name);
    m.bins.push_back(bins);
  }
  return m;
}

shard_spec parse_shard(const std::string& text) {
  shard_spec s;
  const auto slash = text.find('/');
  auto num = [&](std::string_view t, index_t& out) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty();
  };
  if (slash == std::string::npos || !num(std::string_view(text).substr(0, slash), s.k) ||
      !num(std::string_view(text).substr(slash + 1), s.n) || s.n < 1 || s.k < 0 || s.k >= s.n) {
    throw usage_error(fmt::format("--shard '{}': expected K/N with 0 <= K < N (K counts from 0)", text));
  }
  return s;
}

std::vector<int> parse_device_list(const std::string& text, int device_count) {
  std::vector<int> out;
  if (text == "all") {
    for (int d = 0; d < device_count; ++d) out.push_back(d);
    if (out.empty()) throw std::runtime_error("--devices all: no CUDA device found (see 'coopgrid info')");
    return out;
  }
  for (const auto& item : split(text, ',')) {
    int d = -1;
    try {
      d = whole<int>(item, [](const std::string& s, std::size_t* n) { return std::stoi(s, n); });
    } catch (const std::exception&) {
      d = -1;
    }
    if (d < 0) throw usage_error(fmt::format("--devices '{}': expected 'all' or ordinals like 0,1,3", text));
    for (int seen : out) {
      if (seen == d) throw usage_error(fmt::format("--devices '{}': device {} listed twice", text, d));
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace coopgrid

namespace coopgrid {

source_options design_args::source() const {
  source_options s;
  s.fixed = fixed;
  s.samples = samples;
  if (design.empty()) {
    if (n || seed || scramble || second_order || !base.empty() || levels) {
      throw usage_error("--n, --seed, --scramble, --second-order, --base and --levels shape a --design: give "
                        "--design " + choice_list(design_names(), "|", "|"));
    }
    return s;
  }
  design_options o;
  o.kind = design_kind_of(design);
  if (n <= 0) throw usage_error(fmt::format("--design {} needs --n N (N >= 1)", design));
  o.n = n;
  o.seed = seed;
  o.scramble = scramble;
  o.second_order = second_order;
  o.mc_base = saltelli_mc_base(base);
  if (!base.empty() && o.kind != design::design_kind::saltelli) {
    throw usage_error(fmt::format("--base applies to --design saltelli, not {}", design));
  }
  if (levels && o.kind != design::design_kind::morris) {
    throw usage_error(fmt::format("--levels applies to --design morris, not {}", design));
  }
  if (levels) o.levels = levels;
  s.design = o;
  return s;
}

}  // namespace coopgrid
