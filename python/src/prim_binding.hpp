#pragma once
#include <pybind11/pybind11.h>

namespace coopgrid {
// Adds coopgrid._native.prim (python/src/prim_binding.cpp).
void bind_prim(pybind11::module_& m);
}  // namespace coopgrid
