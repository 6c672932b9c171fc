#pragma once
/**
 * @file run_reduce.hpp
 * @brief `coopgrid run --reduce`: the engine's report (host/engine/reduce_driver.hpp), written.
 */
#include "host/engine/reduce_driver.hpp"

namespace coopgrid {

/// Writes the --reduce report to opt.output, atomically, in report_format_of(opt).
void run_reduce(const source& src, const run_options& opt);

}  // namespace coopgrid
