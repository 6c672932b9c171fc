#pragma once
// The Python Source object's C++ side, shared by the binding's files.
#include "host/source/source.hpp"

namespace coopgrid {

/// A source and what keeps its in-memory columns alive.
struct py_source {
  source src;
};

}  // namespace coopgrid
