#pragma once
/**
 * @file prim.hpp
 * @brief `coopgrid prim`: scenario discovery, one PRIM box (host/prim/) of the
 *        scenarios that pass every --where: a grid counted block by block
 *        without its rows, a design's (or a grid's, with --brute-force) rows
 *        evaluated in memory. A table on a terminal, JSON elsewhere.
 */
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/engine/option_values.hpp"
#include "host/prim/prim.hpp"

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
  index_t max_rows = 10'000'000;  ///< rows held in memory at most (8 bytes per input and row)
  std::string output;
  bool json = false;

  /// Throws usage_error for a combination that cannot work.
  void validate() const;
};

/// Runs the search and writes the report; returns the exit code.
int prim_command(const prim_command_options& opt);

}  // namespace coopgrid
