#pragma once
/**
 * @file run_options.hpp
 * @brief What `coopgrid run` (and Python's run() and reduce()) asks of the
 *        engine: its options, the combinations of them refused, and the
 *        source they name (rows: rows.hpp; --reduce: reduce_driver.hpp).
 */
#include <optional>
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/engine/option_values.hpp"
#include "host/reduce/state.hpp"
#include "host/reduce/report.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

struct run_options {
  std::string input;  ///< a batch directory, a grid file or a problem file
  design_args design;  ///< --design and its options (problem files)
  backend_kind backend = backend_kind::automatic;
  precision prec = precision::f64;
  backend_options bopt;
  std::string output;        ///< "" or "-": stdout
  std::vector<int> metrics;  ///< selected metric columns; empty: all, in MODEL.md order
  /// --max-rows: refuse to list more rows than this; 0 (not given): default_max_rows, or
  /// terminal_max_rows when the rows go to a terminal (run_rows.cpp).
  index_t max_rows = 0;
  static constexpr index_t default_max_rows = 10'000'000;  ///< ~1 GB of CSV
  static constexpr index_t terminal_max_rows = 50;         ///< about a screenful
  index_t chunk_rows = index_t{1} << 16;
  bool progress = false;
  shard_spec shard;   ///< --shard K/N (default: the whole input)
  int mpi_ranks = 1;  ///< the MPI ranks sharing the run (1: no MPI); more refuse --shard and --checkpoint

  // ---- --reduce and what it computes ----
  bool reduce = false;
  std::vector<filter> where;                 ///< --where, ANDed
  index_t top = 0;                           ///< --top K
  std::optional<int> by;                     ///< --by METRIC
  bool ascending = false;                    ///< --ascending
  std::optional<histogram_option> histogram;  ///< --histogram
  std::vector<marginal_option> marginals;     ///< --marginal, repeatable (host/reduce/marginal.hpp)
  std::string marginal_csv;                   ///< --marginal-csv FILE: the marginals in long format
  std::string checkpoint;           ///< write the reduction state here as the run goes
  double checkpoint_interval = 10;  ///< seconds between checkpoints (0: after every segment)
  bool resume = false;              ///< continue from `checkpoint`
  bool json = false;                ///< --json: the report as JSON whatever the destination
  bool salib_y = false;             ///< --format salib-y: the metric columns alone, as SALib's Y file

  /// Throws usage_error for every combination of the options above that cannot work.
  void validate() const;
  /// The reduction --where, --top, --by, --ascending and --histogram ask for.
  reduce_spec spec() const;
  /// The metrics a run writes: `metrics`, or all of them in MODEL.md order.
  std::vector<int> selected_metrics() const;
};

/// The input `opt` names, loaded with its design options and threads (opt was validated).
source load_run_source(const run_options& opt);

}  // namespace coopgrid
