#pragma once
/**
 * @file sensitivity_state.hpp
 * @brief The state of a Sobol' or Morris analysis: exact sums of the terms of
 *        kernels/analysis/sensitivity.hpp over whole units of points, so that
 *        any split of the points (threads, devices, shards, checkpoints, MPI
 *        ranks) merges to the bits of one uninterrupted run.
 */
#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "host/reduce/exact_sum.hpp"
#include "kernels/config.hpp"

namespace coopgrid {

struct sensitivity_state {
  index_t points = 0;           ///< design points summed
  std::vector<exact_sum> sums;  ///< term_layout::unit_sums(R) exact sums

  sensitivity_state() = default;
  explicit sensitivity_state(std::size_t num_sums) : sums(num_sums) {}

  /// Adds one unit's double sums (every one finite) exactly.
  void add_unit(const double* unit_sums, index_t points_in_unit);
  /// Adds `o` exactly.
  void merge(const sensitivity_state& o);
  /// Sum i rounded to double.
  double value(std::size_t i) const { return sums[i].value(); }
  bool operator==(const sensitivity_state& o) const { return points == o.points && sums == o.sums; }
};

/// The state as exact text ("points N", "sums K", then one compact exact sum per line).
std::string sensitivity_state_text(const sensitivity_state& s);
/**
 * @brief Parses sensitivity_state_text() output into `s`; the sum count must be `num_sums`
 *        (0: as written).
 * @throws input_error naming `what` when the text is damaged or of another shape.
 */
void parse_sensitivity_state_text(std::istream& in, std::size_t num_sums, sensitivity_state& s,
                                  const std::string& what);

}  // namespace coopgrid
