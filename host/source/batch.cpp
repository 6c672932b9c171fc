#include "host/source/batch.hpp"

#include <fmt/format.h>

#include <cmath>

#include "host/util/errors.hpp"

namespace coopgrid {

void validate_columns(const batch_columns<double>& c, const std::string& what) {
  const auto n = c.num_scenarios();
  auto bad = [&](const char* field, std::size_t i, double v, const char* rule_text) {
    throw input_error(fmt::format("{}/{}.npy[{}]: value {} {}", what, field, i, v, rule_text));
  };
  auto check_offsets = [&](const char* field, const std::vector<index_t>& o, std::size_t items) {
    if (o.size() != static_cast<std::size_t>(n) + 1 || o.front() != 0 ||
        o.back() != static_cast<index_t>(items)) {
      throw input_error(fmt::format("{}/{}.npy: offsets must have {} entries from 0 to {} (the item count)",
                                    what, field, n + 1, items));
    }
    for (std::size_t i = 1; i < o.size(); ++i) {
      if (o[i] < o[i - 1]) bad(field, i, static_cast<double>(o[i]), "is below its predecessor");
    }
  };
  auto check_reals = [&](const char* field, const std::vector<double>& v, bool probability) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) bad(field, i, v[i], "is not finite");
      if (v[i] < 0) bad(field, i, v[i], "is negative (must be >= 0)");
      if (probability && v[i] > 1) bad(field, i, v[i], "is not a probability in [0, 1]");
    }
  };
  if (c.countries_per_activity.size() != static_cast<std::size_t>(n)) {
    throw input_error(fmt::format("{}/countries_per_activity.npy: expected {} values as in activities.npy", what, n));
  }
  check_reals("activities", c.activities, false);
  for (std::size_t i = 0; i < c.countries_per_activity.size(); ++i) {
    if (c.countries_per_activity[i] < 0) {
      bad("countries_per_activity", i, static_cast<double>(c.countries_per_activity[i]),
          "is negative (must be >= 0)");
    }
  }
  check_offsets("country_offsets", c.country_offsets, c.datasets.size());
  if (c.country_share_prob.size() != c.datasets.size()) {
    throw input_error(fmt::format("{}/country_share_prob.npy: expected {} values as in datasets.npy", what,
                                  c.datasets.size()));
  }
  check_reals("datasets", c.datasets, false);
  check_reals("country_share_prob", c.country_share_prob, true);
  check_offsets("standard_offsets", c.standard_offsets, c.standard_difficulty.size());
  check_reals("standard_difficulty", c.standard_difficulty, false);
  check_offsets("resource_offsets", c.resource_offsets, c.resource_share_prob.size());
  check_reals("resource_share_prob", c.resource_share_prob, true);
  check_offsets("ethics_offsets", c.ethics_offsets, c.ethics_difficulty.size());
  check_reals("ethics_difficulty", c.ethics_difficulty, false);
}

}  // namespace coopgrid
