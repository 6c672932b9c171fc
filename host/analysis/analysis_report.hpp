#pragma once
/**
 * @file analysis_report.hpp
 * @brief The result of `coopgrid sobol` / `coopgrid morris`: what was run, its
 *        exact state and the indices; as SALib-shaped tables, as JSON, and as
 *        the exact merge state that shards and `merge` combine.
 */
#include <cstdint>
#include <string>
#include <vector>

#include "host/analysis/analysis_view.hpp"
#include "host/analysis/indices.hpp"
#include "host/analysis/sensitivity_state.hpp"
#include "host/reduce/shard.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

struct analysis_report {
  std::string input;           ///< the problem file
  std::string fixed;           ///< --fixed ("": none)
  design_options design;       ///< the whole run's design (n: its base points or trajectories)
  analysis_options analysis;   ///< kind, bootstrap, conf, metrics (explicit ids)
  std::string backend;
  precision prec = precision::f64;
  shard_spec shard;
  index_t range_lo = 0, range_hi = 0;  ///< design points of this shard
  std::vector<double> shift;           ///< the view's shifts (sobol: per metric; morris: per metric and parameter)
  std::uint64_t fingerprint = 0;       ///< everything but the range
  std::uint64_t input_fingerprint = 0;
  sensitivity_state state;
  std::vector<metric_indices> indices;  ///< filled by finish()
  double seconds = 0;

  /// The view of this analysis over `d` with the recorded shifts.
  analysis::sensitivity_view view(const design_source& d) const;
  /// Computes the indices from the state.
  void finish(const design_source& d);
};

/// A hash of what the result depends on but n and the range: the problem, the
/// design's other options, the analysis options, backend and precision.
std::uint64_t analysis_fingerprint(const design_source& d, const analysis_options& a, const std::string& backend,
                                   precision prec);

/// SALib's to_df() tables, per metric (each method's own: host/analysis/method.hpp).
std::string analysis_table(const design_source& d, const analysis_report& r);
/// The JSON report (with merge_state).
std::string analysis_json(const design_source& d, const analysis_report& r);

/// The exact text of the report's state (inside the JSON as merge_state).
std::string analysis_state_text(const analysis_report& r);
/// True when `text` is an analysis merge state (else it is a reduction's).
bool is_analysis_state(const std::string& text);
/// Parses analysis_state_text(); the state's size is checked when its source is known (merge).
analysis_report parse_analysis_state(const std::string& text, const std::string& what);
/**
 * @brief Merges shard reports into the report of the unsharded run.
 * @throws usage_error unless they are shards of one analysis tiling its points exactly once.
 */
analysis_report merge_analysis_reports(const std::vector<analysis_report>& parts, const std::vector<std::string>& names);

}  // namespace coopgrid
