#pragma once
/**
 * @file prim.hpp
 * @brief `coopgrid prim`: scenario discovery, one PRIM box of the scenarios that pass
 *        every --where (host/engine/prim_driver.hpp), written as a table on a terminal,
 *        JSON elsewhere.
 */
#include "host/engine/prim_driver.hpp"

namespace coopgrid {

/// Runs the search and writes the report; returns the exit code.
int prim_command(const prim_command_options& opt);

}  // namespace coopgrid
