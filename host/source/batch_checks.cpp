// A binary batch's checks inside the evaluation pass (batch.hpp: batch::checked):
// each chunk of scenarios is checked by the thread that evaluates it, on the
// bytes it is about to read, instead of in a pass of its own over the mapping.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "host/source/batch.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {
namespace {

/// A list's offsets and item columns (one or two) with the rule of each.
struct list_columns {
  const char* offsets_name;
  column<index_t> offsets;
  const char* names[2];
  column<double> items[2];
  bool probability[2];
  int count;
};

std::array<list_columns, 4> lists_of(const batch_columns<double>& c) {
  return {{{"country_offsets", c.country_offsets, {"datasets", "country_share_prob"},
           {c.datasets, c.country_share_prob}, {false, true}, 2},
          {"standard_offsets", c.standard_offsets, {"standard_difficulty", ""}, {c.standard_difficulty, {}},
           {false, false}, 1},
          {"resource_offsets", c.resource_offsets, {"resource_share_prob", ""}, {c.resource_share_prob, {}},
           {true, false}, 1},
          {"ethics_offsets", c.ethics_offsets, {"ethics_difficulty", ""}, {c.ethics_difficulty, {}},
           {false, false}, 1}}};
}

/// The lowest scenario of [lo, bad) whose list entry is bad, else bad.
index_t first_bad_in_list(const list_columns& l, index_t lo, index_t bad) {
  const index_t* o = l.offsets.data();
  const auto items = static_cast<index_t>(l.items[0].size());
  if (o[lo] < 0 || o[lo] > items) return lo;  // (the scenario before fails too, and is lower)
  for (index_t s = lo; s < bad; ++s) {
    if (o[s + 1] < o[s] || o[s + 1] > items) {
      bad = s;
      break;
    }
  }
  // Items of scenarios [lo, bad): one contiguous range, tested as a block.
  for (int k = 0; k < l.count; ++k) {
    const double* p = l.items[k].data();
    if (batch_values_in_range(p, o[lo], o[bad], l.probability[k])) continue;
    index_t j = o[lo];
    while (batch_value_in_range(p[j], l.probability[k])) ++j;
    bad = std::min(bad, static_cast<index_t>(std::upper_bound(o + lo, o + bad + 1, j) - o) - 1);
  }
  return bad;
}

}  // namespace

bool batch_values_in_range(const double* p, index_t lo, index_t hi, bool probability) {
  const double top = probability ? 1.0 : std::numeric_limits<double>::max();
  // On the bits: a double is in [+0, top] iff its bits are at most top's (NaN and the infinities
  // lie above DBL_MAX, negatives have the sign bit). Integer subtract/or vectorises on every x86
  // (comparisons of doubles do not, unless traps are off); -0.0 is flagged here and passes the rescan.
  std::uint64_t top_bits = 0;
  std::memcpy(&top_bits, &top, sizeof top);
  std::uint64_t acc = 0;
  for (index_t j = lo; j < hi; ++j) {
    std::uint64_t b;
    std::memcpy(&b, p + j, sizeof b);
    acc |= (top_bits - b) | b;  // top bit set iff b > top_bits or b is negative
  }
  return (acc >> 63) == 0;
}

void throw_bad_value(const std::string& what, const char* field, index_t i, double v, const char* rule) {
  throw input_error(fmt::format("{}/{}.npy[{}]: value {} {}", what, field, i, v, rule));
}

void throw_bad_real(const std::string& what, const char* field, index_t i, double v) {
  if (!std::isfinite(v)) throw_bad_value(what, field, i, v, "is not finite");
  if (v < 0) throw_bad_value(what, field, i, v, "is negative (must be >= 0)");
  throw_bad_value(what, field, i, v, "is not a probability in [0, 1]");
}

void check_batch_shape(const batch_columns<double>& c, const std::string& what) {
  const auto n = c.num_scenarios();
  if (c.countries_per_activity.size() != static_cast<std::size_t>(n)) {
    throw input_error(fmt::format("{}/countries_per_activity.npy: expected {} values as in activities.npy", what, n));
  }
  if (c.country_share_prob.size() != c.datasets.size()) {
    throw input_error(fmt::format("{}/country_share_prob.npy: expected {} values as in datasets.npy", what,
                                  c.datasets.size()));
  }
  for (const auto& l : lists_of(c)) {
    const auto& o = l.offsets;
    if (o.size() != static_cast<std::size_t>(n) + 1 || o.front() != 0 ||
        o.back() != static_cast<index_t>(l.items[0].size())) {
      throw input_error(fmt::format("{}/{}.npy: offsets must have {} entries from 0 to {} (the item count)",
                                    what, l.offsets_name, n + 1, l.items[0].size()));
    }
  }
}

index_t first_bad_scenario(const batch_columns<double>& c, index_t lo, index_t hi) {
  index_t bad = hi;
  for (index_t s = lo; s < hi; ++s) {
    if (!batch_value_in_range(c.activities[s], false) || c.countries_per_activity[s] < 0) {
      bad = s;
      break;
    }
  }
  for (const auto& l : lists_of(c)) bad = first_bad_in_list(l, lo, bad);
  return bad < hi ? bad : -1;
}

void throw_bad_scenario(const batch_columns<double>& c, const std::string& what, index_t s) {
  // The columns in validate_columns's order; within a list its offsets, then its items.
  if (!batch_value_in_range(c.activities[s], false)) throw_bad_real(what, "activities", s, c.activities[s]);
  const index_t g = c.countries_per_activity[s];
  if (g < 0) throw_bad_value(what, "countries_per_activity", s, static_cast<double>(g), "is negative (must be >= 0)");
  for (const auto& l : lists_of(c)) {
    const index_t* o = l.offsets.data();
    const auto items = static_cast<index_t>(l.items[0].size());
    if (o[s + 1] < o[s]) {
      throw_bad_value(what, l.offsets_name, s + 1, static_cast<double>(o[s + 1]), "is below its predecessor");
    }
    if (o[s + 1] > items) {
      throw_bad_value(what, l.offsets_name, s + 1, static_cast<double>(o[s + 1]), "is above the item count");
    }
    for (int k = 0; k < l.count; ++k) {
      for (index_t j = o[s]; j < o[s + 1]; ++j) {
        const double v = l.items[k][static_cast<std::size_t>(j)];
        if (!batch_value_in_range(v, l.probability[k])) throw_bad_real(what, l.names[k], j, v);
      }
    }
  }
  throw logic_error(fmt::format("throw_bad_scenario: scenario {} of {} passes every check", s, what));
}

}  // namespace coopgrid
