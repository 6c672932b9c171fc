#pragma once
/**
 * @file metric_statistics.hpp
 * @brief The statistics reported of every metric (and every marginal cell)
 *        from its summary, after count, min and max: one table, from which the
 *        JSON report, the terminal tables, the marginal CSV, compare and the
 *        Python frames take their columns. A statistic of a new power sum
 *        adds that power to kernels/statistics.hpp and a row here.
 */
#include <string>
#include <utility>
#include <vector>

#include "host/reduce/extrema.hpp"

namespace coopgrid {

/// One reported statistic: its column and how it follows from a summary.
struct metric_statistic {
  const char* name;  ///< JSON key, table, CSV and frame column, help texts
  double (*of)(const metric_summary&);
};

/// The mean of the values: the exact sum over the count; +-inf with infinities of one sign, NaN with both or none.
double mean_of(const metric_summary& s);

/// The population standard deviation, sqrt(sum (x - mean)^2 / n), from the exact sums of x and
/// x^2: 0 when every value is the same; NaN with an infinity, or a |value| whose square the sums
/// cannot hold (above sqrt(DBL_MAX / n)).
double sd_of(const metric_summary& s);

inline constexpr metric_statistic metric_statistics[] = {
    {"mean", mean_of},
    {"sd", sd_of},
};

/// `"mean": X, ...` for s (null where it counts nothing), in table order.
std::string statistics_json(const metric_summary& s);
/// json_not_finite's members for s's min, max and statistics (empty where it counts nothing).
std::string summary_not_finite_json(const metric_summary& s);
/// The statistics' names, comma-separated in table order (help texts).
std::string statistic_names();

}  // namespace coopgrid
