#pragma once
/**
 * @file histogram.hpp
 * @brief The bin of a value in a --histogram, shared by every backend (host
 *        fold and device kernel), so a value lands in the same bin everywhere.
 */
#include "kernels/config.hpp"

namespace coopgrid {

/**
 * @brief Bin of x among `bins` equal bins over [lo, hi]: 0..bins-1, or
 *        `bins` (below lo) or `bins + 1` (above hi). x == hi lands in the last
 *        bin; a zero-width range puts everything in bin 0.
 */
COOPGRID_HOST_DEVICE inline index_t histogram_bin(double x, double lo, double hi, index_t bins) {
  if (x < lo) return bins;
  if (x > hi) return bins + 1;
  const double w = hi - lo;
  const index_t bin = w > 0 ? static_cast<index_t>((x - lo) / w * static_cast<double>(bins)) : 0;
  return bin < bins - 1 ? bin : bins - 1;
}

}  // namespace coopgrid
