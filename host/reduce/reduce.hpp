#pragma once
/**
 * @file reduce.hpp
 * @brief The --reduce summary: per-metric count, min/argmin, max/argmax and
 *        mean, --where filters, --top K --by METRIC and --histogram. The state
 *        merges exactly and in a fixed order, so results do not depend on
 *        thread count or chunk size.
 */
#include <array>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "kernels/formulas.hpp"
#include "kernels/metrics.hpp"
#include "host/reduce/exact_sum.hpp"

namespace coopgrid {

/// METRIC>=X or METRIC<=X.
struct filter {
  int metric = 0;
  bool at_least = true;  ///< true: >=, false: <=
  double threshold = 0;
  std::string text() const;
};

/// Parses "shared_expected>=100" (also <=); throws usage_error naming the text and the rule.
filter parse_filter(const std::string& text);
/// Metric id by column name; throws usage_error listing the names when unknown.
int metric_by_name(const std::string& name);
/// Every metric of the table (kernels/metrics.hpp) with its description, one
/// indented line each, in column order (the --metrics help).
std::string metric_help();

struct reduce_spec {
  std::vector<filter> where;
  index_t top_k = 0;
  int top_by = 0;
  bool top_ascending = false;  ///< false: the K largest values
  int hist_metric = -1;        ///< -1: no histogram
  index_t hist_bins = 0;
  double hist_lo = 0, hist_hi = 0;
  bool hist_range_given = false;

  bool passes(const double* v) const {
    for (const auto& f : where) {
      const double x = v[f.metric];
      if (f.at_least ? !(x >= f.threshold) : !(x <= f.threshold)) return false;
    }
    return true;
  }
};

/// Summary of one metric over the selected scenarios.
struct metric_summary {
  index_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  index_t argmin = -1, argmax = -1;
  exact_sum sum;  ///< finite values only, exact
  bool has_pos_inf = false, has_neg_inf = false;  ///< infinities decide the mean alone

  /// Adds v (scenario k) exactly: the slow path for single rows.
  void add(double v, index_t k);
  /// Count, extrema and infinities of v; the caller sums finite values (add_rows).
  void add_extrema(double v, index_t k);
  void merge(const metric_summary& o);
  double mean() const;
};

/// (value, scenario index), ordered best first.
using top_entry = std::pair<double, index_t>;

struct reduce_state {
  index_t scenarios = 0;  ///< evaluated
  index_t selected = 0;   ///< passing every filter
  std::array<metric_summary, num_metrics> metrics;
  std::vector<top_entry> top;  ///< best first after finish(); may hold extra candidates before
  std::vector<index_t> hist;
  index_t hist_below = 0, hist_above = 0;

  /// Sets up the histogram bins of `spec`.
  explicit reduce_state(const reduce_spec& spec = {});

  /**
   * @brief Adds rows [first, first + count) (values widened to double) that pass
   *        the filters. Finite values are summed in row order (Neumaier) and the
   *        result added exactly: call it once per reduction unit.
   */
  template <class T>
  void add_rows(const reduce_spec& spec, const metric_row<T>* rows, index_t first, index_t count);
  /// Adds one row of scenario k (already widened).
  void add(const reduce_spec& spec, const double* v, index_t k);
  /// Folds `o` in, exactly (counts, extrema, top lists, histograms and sums alike).
  void merge(const reduce_spec& spec, const reduce_state& o);
  /// Sorts and trims the top list to K.
  void finish(const reduce_spec& spec);

 private:
  /// The top-K candidate and histogram bin of a selected row.
  void add_selected(const reduce_spec& spec, const double* v, index_t k);
};

/// True when a is a better top entry than b (ties: the lower scenario index wins).
inline bool top_better(const top_entry& a, const top_entry& b, bool ascending) {
  if (a.first != b.first) return ascending ? a.first < b.first : a.first > b.first;
  return a.second < b.second;
}

}  // namespace coopgrid
