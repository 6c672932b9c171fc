#pragma once
/**
 * @file prim_driver.hpp
 * @brief `coopgrid prim`'s work: the input loaded and one PRIM box found (host/prim/):
 *        a grid counted block by block without its rows, a source's rows evaluated into
 *        memory or streamed (prim_rows.hpp), on one process or across MPI ranks.
 */
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/engine/option_values.hpp"
#include "host/prim/prim.hpp"
#include "host/prim/report.hpp"
#include "host/prim/streamed.hpp"

namespace coopgrid {

struct prim_command_options {
  std::string input;  ///< a grid or a problem file (with --design or --samples)
  design_args design;
  backend_kind backend = backend_kind::automatic;  ///< evaluates the rows (designs, --brute-force)
  precision prec = precision::f64;
  backend_options bopt;
  std::vector<std::string> where;   ///< --where texts, ANDed: the cases of interest
  std::vector<std::string> inputs;  ///< --inputs: the columns searched (default: every axis or parameter)
  prim::prim_options prim;
  bool brute_force = false;  ///< a grid's rows evaluated and searched, as for a design
  index_t max_rows = 10'000'000;  ///< rows held in memory at most (8 bytes per input and row); more are streamed
  bool streamed = false;  ///< histograms, one pass over the rows a step, whatever their number
  bool exact = false;     ///< rows in memory and EMA's quantiles, or an error if they do not fit
  index_t bins = 1024;    ///< streamed: bins an input at most
  bool progress = false;  ///< streamed: a progress line per pass on a terminal
  std::string output;
  bool json = false;
  /// Set by coopgrid-mpi (host/commands/mpi_run.cpp): this rank of `ranks`, each streaming its
  /// shard of the rows through `group`'s all-reduce; rank 0 writes.
  int rank = 0, ranks = 1;
  prim::stream_group group;

  /// Throws usage_error for a combination that cannot work.
  void validate() const;
};

struct prim_found {
  prim::prim_result result;
  prim::report_context context;  ///< what the report says about how it was found
};

/// Loads opt.input and finds the box (validate() first).
prim_found find_prim_box(const prim_command_options& opt);

/// The report: a table on a terminal, JSON in a file or pipe (or with --json).
std::string prim_report_text(const prim_found& found, const prim_command_options& opt);

}  // namespace coopgrid
