#pragma once
/**
 * @file analysis_driver.hpp
 * @brief The analysis driver (`coopgrid sobol` and `coopgrid morris`, MPI
 *        ranks, Python's sobol() and morris(); DESIGNS.md sections 3 and 4):
 *        a method's design (host/analysis/method.hpp) evaluated and analysed in one pass, in
 *        checkpointed segments (segments.hpp), with shards, growth (--resume
 *        with a larger n) and --until-conf.
 */
#include <string>
#include <vector>

#include "host/analysis/analysis_report.hpp"
#include "host/backends/backend.hpp"
#include "host/engine/option_values.hpp"

namespace coopgrid {

struct sensitivity_options {
  analysis::analysis_kind kind = analysis::analysis_kind::sobol;
  std::string input;   ///< the problem file (with problem_text: only the name reports give it)
  std::string problem_text;  ///< a TOML problem's text (Python's dicts and Problems); empty: read `input`
  design_args design;  ///< n (sobol: --n base points; morris: --trajectories), seed, and the design's shape
  int bootstrap = 100;  ///< --bootstrap R
  double conf = 0.95;   ///< --conf
  std::vector<int> metrics;  ///< --metrics; empty: all
  backend_kind backend = backend_kind::automatic;
  precision prec = precision::f64;
  backend_options bopt;
  std::string output;  ///< "" or "-": stdout
  bool json = false;   ///< JSON even to a terminal
  bool progress = false;
  shard_spec shard;
  std::string checkpoint;
  double checkpoint_interval = 10;
  bool resume = false;
  double until_conf = 0;  ///< --until-conf X (0: not given)
  index_t max_n = 0;      ///< --max-n (0: 2^30 base points or trajectories)
  int mpi_ranks = 1;      ///< the MPI ranks sharing the run (1: no MPI); more refuse --shard, --checkpoint, --until-conf

  /// Throws usage_error for every combination of the options above that cannot work.
  void validate() const;
};

/// Runs the analysis of opt.shard's range (growing it under --until-conf) and returns its report;
/// `opt` was validated by the caller (an MPI rank runs its own shard of the options it validated).
analysis_report compute_sensitivity(const sensitivity_options& opt);
/// Merges the reports of opt's shards (MPI ranks) into the unsharded report, indices computed.
analysis_report merge_sensitivity_shards(const sensitivity_options& opt, const std::vector<analysis_report>& parts,
                                         const std::vector<std::string>& names);
/// True when `opt`'s report goes to a terminal as tables (else JSON).
bool sensitivity_table(const sensitivity_options& opt);
/// The report of `r` (computed for `opt`) as JSON, or as the terminal's tables.
std::string sensitivity_output(const sensitivity_options& opt, const analysis_report& r, bool table);

}  // namespace coopgrid
