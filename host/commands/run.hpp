#pragma once
/**
 * @file run.hpp
 * @brief `coopgrid run`: validates its options (host/engine/run_options.hpp),
 *        runs the engine's rows or --reduce driver and writes what it returns.
 */
#include "host/engine/run_options.hpp"

namespace coopgrid {

/// Writes one CSV row per scenario of opt.shard's range to opt.output, atomically.
void run_rows(const source& src, const run_options& opt);
/// `coopgrid run`: validates, loads the input, writes rows or the --reduce report; returns the exit code.
int run_command(const run_options& opt);

}  // namespace coopgrid
