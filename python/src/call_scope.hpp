#pragma once
// A Python call into coopgrid: run with the GIL released (without_gil), Ctrl-C
// checked between units and the call's progress= callable fed, through the
// hooks of host/util/progress.hpp (python_interrupt_check, python_progress).
#include <pybind11/pybind11.h>

#include "kernels/config.hpp"

namespace coopgrid::python {

/// Thrown by the hooks once Python's error is set (KeyboardInterrupt, or the callback's own).
struct interrupted {};

/// The interrupt hook: Python's signal handlers, at most 50 times a second, on the calling thread.
void python_interrupt_check();
/// The progress hook: the call's progress= callable, at most 10 times a second and always the last.
void python_progress(index_t done, index_t total, const char* unit);

/// Marks this thread as inside a call with the GIL released (only it may take the GIL back to check).
class in_call {
 public:
  in_call();
  ~in_call();
  in_call(const in_call&) = delete;
  in_call& operator=(const in_call&) = delete;
};

/// Installs `progress` (None: no callback) for one call on this thread.
class progress_scope {
 public:
  explicit progress_scope(const pybind11::object& progress);
  ~progress_scope();
  progress_scope(const progress_scope&) = delete;
  progress_scope& operator=(const progress_scope&) = delete;

 private:
  PyObject* previous_;
};

/// Runs fn with the GIL released; KeyboardInterrupt (or what a signal handler raised) if it was interrupted.
template <class Fn>
auto without_gil(Fn&& fn) -> decltype(fn()) {
  try {
    pybind11::gil_scoped_release release;
    const in_call mark;
    return fn();
  } catch (const interrupted&) {
    throw pybind11::error_already_set();
  }
}

}  // namespace coopgrid::python
