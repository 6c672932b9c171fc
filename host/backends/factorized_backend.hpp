#pragma once
/**
 * @file factorized_backend.hpp
 * @brief The one home of the decision "this backend reduces this source
 *        factorized": a decorator that reduces a grid on the host from its
 *        blocks' sub-grids (host/reduce/factorized.hpp) and hands everything
 *        else to the backend it wraps. The cpu, cuda and multi-device backends
 *        are wrapped; the reference is not (it is the plain cross-check).
 */
#include <memory>

#include "host/backends/backend.hpp"

namespace coopgrid {

/// True when a fast backend reduces src factorized: a grid whose blocks fit, without --brute-force.
bool reduces_factorized(const source& src, const backend_options& opt);

/**
 * @brief `be` with grid reductions factorized when reduces_factorized(src, opt)
 *        (else `be` itself): reduce() and the marginals (backend::factorized())
 *        come from block tables built in precision T on the first use; evaluate()
 *        and sensitivity() stay `be`'s. Factorized cost is the sum of the
 *        sub-grid sizes, so the host does it for every backend.
 */
template <class T>
std::unique_ptr<backend<T>> with_factorized_grid(std::unique_ptr<backend<T>> be, const source& src,
                                                 const backend_options& opt);

}  // namespace coopgrid
