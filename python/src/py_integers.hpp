#pragma once
// Integer arguments of the Python API, checked as the CLI checks its integer options
// (host/engine/option_values.hpp's parse_integer and int_ranges: one home for the rules),
// but in Python's words: TypeError for what is not an integer (10.5, "3", True), ValueError
// naming the argument (n, not --n) for a value out of range.
#include <pybind11/pybind11.h>

#include <string>
#include <type_traits>

#include "host/engine/option_values.hpp"

namespace coopgrid {

/// `value` (a Python int or an integer-like object such as numpy.int64) checked against `r`.
template <class T>
T int_arg(const char* name, pybind11::handle value, int_range r) {
  namespace py = pybind11;
  // bool is an int subclass, but True as a count is a mistake, not 1.
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    throw py::type_error(std::string(name) + " must be an integer (got " + py::repr(value).cast<std::string>() +
                         ")");
  }
  const std::string text = py::str(py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr())));
  if constexpr (std::is_unsigned_v<T>) {
    return parse_unsigned(name, text, r, false);
  } else {
    return static_cast<T>(parse_integer(name, text, r, false));
  }
}

}  // namespace coopgrid
