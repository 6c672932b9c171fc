#pragma once
/**
 * @file histogram_counts.hpp
 * @brief --histogram's counts over the selected scenarios: each bin, and the
 *        values below and above its range (kernels/histogram.hpp bins a value
 *        the same on host and device). Counts merge and scale exactly, so any
 *        split gives the same histogram.
 */
#include <istream>
#include <string>
#include <vector>

#include "kernels/config.hpp"

namespace coopgrid {

struct histogram_counts {
  std::vector<index_t> bins;  ///< empty: no histogram (or its range is not known yet)
  index_t below = 0, above = 0;

  /// Counts one value in histogram_bin's `bin`: a bin, bins.size() (below) or bins.size() + 1 (above).
  void add(index_t bin) {
    const auto n = static_cast<index_t>(bins.size());
    if (bin == n) {
      ++below;
    } else if (bin == n + 1) {
      ++above;
    } else {
      ++bins[static_cast<std::size_t>(bin)];
    }
  }
  /// Adds o's counts (its bins where both have the same bins).
  void merge(const histogram_counts& o) {
    if (bins.size() == o.bins.size()) {
      for (std::size_t b = 0; b < bins.size(); ++b) bins[b] += o.bins[b];
    }
    below += o.below;
    above += o.above;
  }
  /// Every count m times (a value standing for m scenarios: factorized grids).
  void multiply(index_t m) {
    for (auto& c : bins) c *= m;
    below *= m;
    above *= m;
  }
  bool operator==(const histogram_counts& o) const { return bins == o.bins && below == o.below && above == o.above; }
  bool operator!=(const histogram_counts& o) const { return !(*this == o); }

  /// Saved-state text: "hist N below above", then a count a line.
  std::string text() const;
  /// Reads text(); false when damaged.
  bool parse(std::istream& in);
};

}  // namespace coopgrid
