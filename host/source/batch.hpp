#pragma once
/**
 * @file batch.hpp
 * @brief Explicit batches: the host data model (CSR columns) and its checks.
 *        host/io/csv_batch.hpp and host/io/binary_batch.hpp read them.
 */
#include <filesystem>
#include <string>
#include <vector>

#include "kernels/batch_view.hpp"

namespace coopgrid {

/// Owning CSR columns of a batch in precision T; view() lends them to the formula core.
template <class T>
struct batch_columns {
  std::vector<T> activities;
  std::vector<index_t> countries_per_activity;
  std::vector<index_t> country_offsets{0};
  std::vector<T> datasets;
  std::vector<T> country_share_prob;
  std::vector<index_t> standard_offsets{0};
  std::vector<T> standard_difficulty;
  std::vector<index_t> resource_offsets{0};
  std::vector<T> resource_share_prob;
  std::vector<index_t> ethics_offsets{0};
  std::vector<T> ethics_difficulty;

  index_t num_scenarios() const { return static_cast<index_t>(activities.size()); }

  batch_view<T> view() const {
    return batch_view<T>{num_scenarios(),
                         activities.data(),
                         countries_per_activity.data(),
                         country_offsets.data(),
                         datasets.data(),
                         country_share_prob.data(),
                         standard_offsets.data(),
                         standard_difficulty.data(),
                         resource_offsets.data(),
                         resource_share_prob.data(),
                         ethics_offsets.data(),
                         ethics_difficulty.data()};
  }
};

/// Converts every real column to U (double -> float rounds to nearest); offsets are copied.
template <class U, class T>
batch_columns<U> convert_columns(const batch_columns<T>& in) {
  auto cv = [](const std::vector<T>& v) { return std::vector<U>(v.begin(), v.end()); };
  batch_columns<U> out;
  out.activities = cv(in.activities);
  out.countries_per_activity = in.countries_per_activity;
  out.country_offsets = in.country_offsets;
  out.datasets = cv(in.datasets);
  out.country_share_prob = cv(in.country_share_prob);
  out.standard_offsets = in.standard_offsets;
  out.standard_difficulty = cv(in.standard_difficulty);
  out.resource_offsets = in.resource_offsets;
  out.resource_share_prob = cv(in.resource_share_prob);
  out.ethics_offsets = in.ethics_offsets;
  out.ethics_difficulty = cv(in.ethics_difficulty);
  return out;
}

/// An explicit batch: scenario ids in output order and double-precision columns.
struct batch {
  std::string source;  ///< the directory it was read from
  std::vector<std::string> ids;
  batch_columns<double> columns;

  index_t num_scenarios() const { return static_cast<index_t>(ids.size()); }
};

/// Checks every value against MODEL.md section 1; throws input_error naming the column file under `what` and the element.
void validate_columns(const batch_columns<double>& c, const std::string& what);

}  // namespace coopgrid
