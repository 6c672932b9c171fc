#pragma once
/**
 * @file analysis_checkpoint.hpp
 * @brief The analysis driver's checkpoint: its state so far (whole units and
 *        the partial last unit apart) in the "coopgrid-analysis-checkpoint 1"
 *        text, read back for --resume and for growth to a larger n.
 */
#include <cstdint>
#include <string>

#include "host/analysis/sensitivity_state.hpp"

namespace coopgrid {

/// The state of a run so far: whole units, and the partial last unit apart, so
/// that growing n can drop it and sum its unit again whole.
struct progress_state {
  sensitivity_state full;  ///< points [lo, full_end)
  index_t full_end = 0;
  sensitivity_state tail;  ///< points [full_end, tail_end): the partial last unit
  index_t tail_end = 0;
};

/// Writes `p` of an n-point run, tied to `fingerprint`, to `path` atomically.
void write_analysis_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t n, const progress_state& p);

/**
 * Reads a checkpoint of this analysis (any n): returns the state to continue
 * from. A checkpoint of a smaller n keeps its whole units only (growth).
 */
progress_state read_analysis_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t n,
                                        std::size_t num_sums, bool sharded);

}  // namespace coopgrid
