#pragma once
/**
 * @file make_backend.hpp
 * @brief Choosing and creating a backend: `auto` resolved, one or several
 *        CUDA devices, and the backend/precision/device combinations refused.
 */
#include <memory>

#include "host/backends/backend.hpp"

namespace coopgrid {

/// Resolves `automatic` to cuda when a device is present, else cpu.
backend_kind resolve_backend(backend_kind kind);

/**
 * @brief Throws usage_error for a combination no backend runs: --devices with
 *        a backend that is not cuda (after resolving auto), the reference in f32.
 */
void check_backend_choice(backend_kind kind, precision prec, const backend_options& opt);

/// Creates the backend `kind` (automatic: cuda when a device is present, else cpu);
/// cpu and cuda (one device or several) reduce grids factorized unless opt.brute_force.
template <class T>
std::unique_ptr<backend<T>> make_backend(backend_kind kind, const source& src,
                                         const backend_options& opt);

}  // namespace coopgrid
