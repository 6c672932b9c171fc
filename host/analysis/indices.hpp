#pragma once
/**
 * @file indices.hpp
 * @brief Sobol' and Morris indices from an analysis state (DESIGNS.md section 3):
 *        the estimators, SALib's centring, and the bootstrap half-widths.
 */
#include <string>
#include <vector>

#include "host/analysis/sensitivity_state.hpp"
#include "kernels/analysis/sensitivity.hpp"

namespace coopgrid {

/// One metric's indices, per parameter (pairs j < k for S2, in pair_index order).
struct metric_indices {
  int metric = 0;
  index_t bad_rows = 0;  ///< rows whose value is not finite (or whose squares overflow)
  std::string reason;    ///< why the indices are NaN ("" when they are not)
  // Sobol'
  std::vector<double> S1, S1_conf, ST, ST_conf, S2, S2_conf;
  // Morris
  std::vector<double> mu, mu_star, sigma, mu_star_conf;
};

/// z_{(1 + conf) / 2}, the half-width factor of a two-sided interval of level conf.
double confidence_factor(double conf);

/// The indices of every selected metric of `v` from `s`, confidence level `conf`.
std::vector<metric_indices> compute_indices(const analysis::sensitivity_view& v, const sensitivity_state& s,
                                            double conf);

/// The widest relative confidence of `ix` (Sobol': max ST_conf; Morris: max mu_star_conf / mu_star);
/// metrics whose indices are NaN for a reason (constant, not finite) are left out; any other
/// NaN half-width counts as infinitely wide, so --until-conf keeps growing.
double widest_confidence(analysis::analysis_kind kind, const std::vector<metric_indices>& ix);

}  // namespace coopgrid
