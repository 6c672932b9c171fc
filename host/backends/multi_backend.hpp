#pragma once
/**
 * @file multi_backend.hpp
 * @brief One backend over several: each part (a GPU, in practice) takes a
 *        contiguous, unit-aligned slice of every range on its own host
 *        thread; reductions merge exactly, so the result equals one part's.
 */
#include <memory>
#include <vector>

#include "host/backends/backend.hpp"

namespace coopgrid {

/// Combines `parts` (at least one); all member functions stay synchronous.
template <class T>
std::unique_ptr<backend<T>> make_multi_backend(std::vector<std::unique_ptr<backend<T>>> parts);

}  // namespace coopgrid
