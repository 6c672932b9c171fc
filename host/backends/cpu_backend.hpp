#pragma once
/**
 * @file cpu_backend.hpp
 * @brief The fast CPU backend: the formula core of kernels/ on all cores.
 */
#include <memory>

#include "host/backends/backend.hpp"

namespace coopgrid {

/// Scenarios per reduction chunk: one reduction unit, so results do not depend on the thread count.
inline constexpr index_t cpu_reduce_chunk = reduce_unit;

/// Grids are reduced factorized unless opt.brute_force (with_factorized_grid).
template <class T>
std::unique_ptr<backend<T>> make_cpu_backend(const source& src, const backend_options& opt);

/// The reference backend (host/reference.hpp): long double, plain loops, one thread, f64 output.
std::unique_ptr<backend<double>> make_reference_backend(const source& src);

}  // namespace coopgrid
