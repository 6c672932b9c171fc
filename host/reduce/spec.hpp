#pragma once
/**
 * @file spec.hpp
 * @brief What a --reduce run asks for: --where filters, --top K --by METRIC,
 *        --histogram METRIC:BINS[:LO:HI].
 */
#include <string>
#include <vector>

#include "kernels/metrics.hpp"
#include "kernels/statistics.hpp"

namespace coopgrid {

/// METRIC>=X or METRIC<=X.
struct filter {
  int metric = 0;
  bool at_least = true;  ///< true: >=, false: <=
  double threshold = 0;
  std::string text() const;
  bool keeps(double x) const { return passes_filter(x, at_least, threshold); }
};

/// Parses the stored form "shared_expected>=100" (also <=); throws usage_error naming the text and the rule.
filter parse_filter(const std::string& text);
/// Parses a user's --where "METRIC OP X" (spaces allowed; OP >=, >, <=, <, ==): one filter, two for ==.
/// >= and <= keep a value equal to X, > and < drop it, == keeps exactly X (compared as doubles).
std::vector<filter> parse_filters(const std::string& text);
/// Metric id by column name; throws usage_error listing the names when unknown.
int metric_by_name(const std::string& name);
/// Every metric of the table (kernels/metrics.hpp) with its description, one
/// indented line each, in column order (the --metrics help).
std::string metric_help();

/// The --where filters, --top and --histogram (top_and_histogram: the fields the device reads too).
struct reduce_spec : top_and_histogram {
  std::vector<filter> where;
  bool hist_range_given = false;

  bool passes(const double* v) const {
    for (const auto& f : where) {
      if (!f.keeps(v[f.metric])) return false;
    }
    return true;
  }
};

}  // namespace coopgrid
