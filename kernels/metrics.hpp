#pragma once
/**
 * @file metrics.hpp
 * @brief The metric columns of MODEL.md section 2, in their contractual order.
 */
#include "kernels/config.hpp"

namespace coopgrid {

/// One id per output column, in MODEL.md order (this order is the CSV and JSON order).
enum class metric : int {
  datasets_total,
  shared_expected,
  shared_variance,
  standards_difficulty,
  standards_p_any,
  standards_p_all,
  standards_expected,
  standards_constrained,
  exchange_effect_log10,
  exchange_total_log10,
  resources_shared,
  ethics_difficulty,
  ethics_q_any,
  ethics_q_all,
};

inline constexpr int num_metrics = 14;

/// Column names, indexed by metric.
inline constexpr const char* metric_names[num_metrics] = {
    "datasets_total",        "shared_expected",       "shared_variance",
    "standards_difficulty",  "standards_p_any",       "standards_p_all",
    "standards_expected",    "standards_constrained", "exchange_effect_log10",
    "exchange_total_log10",  "resources_shared",      "ethics_difficulty",
    "ethics_q_any",          "ethics_q_all",
};

/// All metrics of one scenario. Trivially copyable so kernels can write it directly.
template <class T>
struct metric_row {
  T v[num_metrics];
  COOPGRID_HOST_DEVICE T& operator[](metric m) { return v[static_cast<int>(m)]; }
  COOPGRID_HOST_DEVICE const T& operator[](metric m) const { return v[static_cast<int>(m)]; }
};

}  // namespace coopgrid
