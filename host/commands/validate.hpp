#pragma once
/**
 * @file validate.hpp
 * @brief `coopgrid validate`: checks an input and prints its counts.
 */
#include <string>

#include "host/engine/option_values.hpp"

namespace coopgrid {

struct validate_options {
  std::string input;  ///< a batch directory, a grid file or a problem file
  design_args design;  ///< with a problem: the design whose size to print
  int threads = 0;     ///< --threads: CPU threads to parse a CSV batch with (0: all hardware threads)
  bool progress = false;  ///< a batch's reading and checks on stderr (--no-progress: never)

  /// Throws usage_error when no input is named.
  void validate() const;
};

/// `coopgrid validate`: loads (and so checks) the input, prints its summary; returns the exit code.
int validate_command(const validate_options& opt);

}  // namespace coopgrid
