#pragma once
/**
 * @file convert.hpp
 * @brief `coopgrid convert`: a CSV batch written as a binary batch (.npy columns).
 */
#include <string>

namespace coopgrid {

struct convert_options {
  std::string input;   ///< a CSV batch directory
  std::string output;  ///< the binary batch directory to create

  /// Throws usage_error when INPUT or OUTPUT is not named.
  void validate() const;
};

/// `coopgrid convert`: loads the batch, writes it as a binary batch; returns the exit code.
int convert_command(const convert_options& opt);

}  // namespace coopgrid
