#pragma once
/**
 * @file info.hpp
 * @brief `coopgrid info`: the build, the backends and the CUDA devices.
 */
#include <string_view>

namespace coopgrid {

/// `coopgrid info`: prints `version` (the program's, which names its build), the
/// compiler, the backends and every CUDA device; returns the exit code.
int info_command(std::string_view version);

}  // namespace coopgrid
