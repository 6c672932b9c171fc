#pragma once
/**
 * @file marginal.hpp
 * @brief Marginals (partial dependence) of a --reduce run: for each value of
 *        one input, or each pair of values of two, the count, min, max and
 *        exact mean of every selected metric over the scenarios in that cell
 *        that pass --where. Grid axes are cut at their points; batch columns
 *        into equal-width bins over the range observed on the whole input (so
 *        every shard bins alike), design parameters over the range their
 *        distribution declares in the problem file (uniform, loguniform,
 *        truncnormal, triangular, integers, choice), else (normal, lognormal)
 *        the range observed over the whole design.
 *
 * Cells hold exact sums and order-free extrema, so marginals merge exactly:
 * threads, segments, checkpoints, shards and ranks give the same bits.
 */
#include <istream>
#include <string>
#include <vector>

#include "host/reduce/extrema.hpp"
#include "host/reduce/spec.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// Most cells one marginal may have (a 256 x 256 heatmap): each holds an exact sum per metric.
inline constexpr index_t marginal_max_cells = index_t{1} << 16;

/// --marginal AXIS[,AXIS] as given: one or two names, each with optional :BINS (0: none).
struct marginal_option {
  std::string text;  ///< as given, for messages
  std::vector<std::string> names;
  std::vector<index_t> bins;
};

/// One axis of a marginal, resolved against the source.
struct marginal_axis {
  std::string name;  ///< grid field / design parameter (dotted), or batch scenarios.csv column
  int input = -1;    ///< grids: the grid field; designs: the parameter index; batches: a batch column id
  index_t bins = 0;  ///< equal-width bins; 0 for a grid axis (its points are the cells)
  double lo = 0, hi = 0;       ///< bins: the range (declared by a design's distribution, else observed over the whole input)
  std::vector<double> values;  ///< grid axis: its points

  index_t cells() const { return bins > 0 ? bins : static_cast<index_t>(values.size()); }
  /// Bin edge i (0..bins) of a binned axis.
  double edge(index_t i) const;
  /// The cell's value in outputs: the grid point, or the bin's midpoint.
  double label(index_t cell) const;
};

/**
 * @brief One marginal: its axes and, per cell (the first axis slowest) and per
 *        metric of `metrics` (the report's selection, in its order), the
 *        summary of the selected scenarios in the cell. argmin/argmax are not
 *        kept (0 in a non-empty cell).
 */
struct marginal {
  std::vector<marginal_axis> axes;  ///< one or two
  std::vector<int> metrics;
  std::vector<metric_summary> cells;  ///< num_cells() * metrics.size()

  index_t num_cells() const;
  /// Allocates empty cells for axes x metrics.
  void reset();
  metric_summary& at(index_t cell, std::size_t slot) { return cells[static_cast<std::size_t>(cell) * metrics.size() + slot]; }
  const metric_summary& at(index_t cell, std::size_t slot) const {
    return cells[static_cast<std::size_t>(cell) * metrics.size() + slot];
  }
  /// The cell index of a per-axis cell pair (j1 ignored for one axis).
  index_t cell_of(index_t j0, index_t j1) const { return axes.size() == 2 ? j0 * axes[1].cells() + j1 : j0; }
  /// Folds `o` (same axes and metrics) in, exactly.
  void merge(const marginal& o);
  /// "countries.count,exchange.activities:10" (the option's canonical form; messages, CSV).
  std::string name() const;
};

/**
 * @brief Resolves --marginal options against the source; the result's cells are empty.
 * @throws usage_error naming the option, the value and the rule: an unknown
 *         name (listing the known ones), :BINS on a grid axis, no :BINS on a
 *         batch or design, more than marginal_max_cells cells.
 */
std::vector<marginal> resolve_marginals(const source& src, const std::vector<marginal_option>& opts,
                                        const std::vector<int>& metrics);

/**
 * @brief Folds scenarios [first, first + count), whose metric rows (all
 *        metrics, widened) are `rows`, that pass spec into every marginal.
 */
void fold_marginals(const source& src, const reduce_spec& spec, const double* rows, index_t first, index_t count,
                    std::vector<marginal>& ms);

/// The axes (canonical, hex floats) of every marginal as one line: merge and fingerprints compare it.
std::string marginals_spec_line(const std::vector<marginal>& ms);
/// The marginals, spec and cells, as exact text (checkpoints, merge_state).
std::string marginals_text(const std::vector<marginal>& ms);
/// Parses marginals_text(); throws input_error naming `what` when damaged.
std::vector<marginal> parse_marginals_text(std::istream& in, const std::string& what);

/// The report's "marginals" member value (a JSON array).
std::string marginals_json(const std::vector<marginal>& ms);
/// Long format: marginal, every axis name, metric, count, min, max, mean (one row per cell and metric).
std::string marginals_csv(const std::vector<marginal>& ms);

}  // namespace coopgrid
