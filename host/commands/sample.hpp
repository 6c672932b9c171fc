#pragma once
/**
 * @file sample.hpp
 * @brief `coopgrid sample`: a design's samples (parameter values, problem order)
 *        written for other tools: SALib's X text layout, .npy, or a headed CSV.
 */
#include <string>

#include "host/engine/option_values.hpp"

namespace coopgrid {

enum class sample_format { salib, npy, csv };

struct sample_options {
  std::string input;   ///< a problem file
  design_args design;  ///< --design (required) and its options
  std::string output;  ///< "" or "-": stdout
  std::string format;  ///< salib|npy|csv; "": from the output's extension (.npy, .csv), else salib
  int digits = 8;      ///< significant digits after the point in SALib's %.{digits}e layout
  index_t max_rows = 100'000'000;
  bool progress = false;

  /// Throws usage_error for every combination of the options above that cannot work.
  void validate() const;
  /// The format asked for, or the one the output's name implies.
  sample_format resolved_format() const;
};

/// `coopgrid sample`: writes the samples atomically; returns the exit code.
int sample_command(const sample_options& opt);

}  // namespace coopgrid
