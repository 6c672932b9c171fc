#pragma once
/**
 * @file sensitivity.hpp
 * @brief `coopgrid sobol` and `coopgrid morris`: the engine's analysis
 *        (host/engine/analysis_driver.hpp), written as tables or JSON.
 */
#include "host/engine/analysis_driver.hpp"

namespace coopgrid {

/// `coopgrid sobol` / `coopgrid morris`: validates, runs, writes the tables or JSON atomically; returns the exit code.
int sensitivity_command(const sensitivity_options& opt);

}  // namespace coopgrid
