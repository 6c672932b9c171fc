#pragma once
/**
 * @file reference.hpp
 * @brief The reference backend: MODEL.md transcribed into plain loops in
 *        long double. It shares no formula code with kernels/ on purpose: it
 *        is the yardstick the fast backends are measured against. It shares
 *        only the metric table (kernels/metrics.hpp): the result structs and
 *        the row assembled from them by name.
 */
#include <array>
#include <vector>

#include "kernels/metrics.hpp"
#include "host/source/batch.hpp"
#include "host/source/grid.hpp"
#include "host/source/source.hpp"

namespace coopgrid::reference {

/// One scenario with its item lists spelled out.
struct scenario {
  double activities = 0;
  index_t countries_per_activity = 0;
  std::vector<double> datasets, country_share_prob;
  std::vector<double> standard_difficulty;
  std::vector<double> resource_share_prob;
  std::vector<double> ethics_difficulty;
};

using row = std::array<double, num_metrics>;

/// All metrics of one scenario, computed in long double and rounded to double.
row evaluate(const scenario& s);

/// Scenario s of a batch (columns in any precision, widened to double).
template <class T>
scenario batch_scenario(const batch_columns<T>& c, index_t s);

/// Scenario k of a grid with every item spelled out; `as_float` rounds each value to float first.
scenario grid_scenario(const grid& g, index_t k, bool as_float);

/// Scenario k of any source; `as_float` rounds every input to float first (what an f32 backend sees).
scenario source_scenario(const source& src, index_t k, bool as_float);

}  // namespace coopgrid::reference
