#include "python/src/call_scope.hpp"

#include <chrono>

namespace py = pybind11;

namespace coopgrid::python {
namespace {
thread_local bool t_in_call = false;
thread_local std::chrono::steady_clock::time_point t_last_check{};
thread_local PyObject* t_progress = nullptr;  ///< borrowed: the caller's argument outlives the call
thread_local std::chrono::steady_clock::time_point t_last_progress{};
}  // namespace

in_call::in_call() { t_in_call = true; }
in_call::~in_call() { t_in_call = false; }

progress_scope::progress_scope(const py::object& progress) : previous_(t_progress) {
  t_progress = progress.is_none() ? nullptr : progress.ptr();
  t_last_progress = {};
}
progress_scope::~progress_scope() { t_progress = previous_; }

void python_interrupt_check() {
  if (!t_in_call) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - t_last_check < std::chrono::milliseconds(20)) return;  // the GIL is taken at most 50 times a second
  t_last_check = now;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw interrupted{};  // the error stays set for the caller to raise
}

void python_progress(index_t done, index_t total, const char* unit) {
  if (!t_in_call || !t_progress) return;
  const auto now = std::chrono::steady_clock::now();
  // At most 10 calls a second (a callback takes the GIL), and always the last one.
  if (done < total && now - t_last_progress < std::chrono::milliseconds(100)) return;
  t_last_progress = now;
  py::gil_scoped_acquire gil;
  try {
    const py::handle callback(t_progress);
    callback(done, total, unit);
  } catch (py::error_already_set& e) {
    e.restore();  // the callback's exception ends the call, as KeyboardInterrupt does
    throw interrupted{};
  }
}

}  // namespace coopgrid::python
