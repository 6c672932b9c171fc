#pragma once
// GPU tests skip cleanly where no CUDA device (real or emulated) is present.
#include <gtest/gtest.h>

#include <cstdlib>

#include "host/backends/cuda/cuda_backend.hpp"

#define SKIP_WITHOUT_DEVICE() \
  if (::coopgrid::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device present"

namespace coopgrid::test {

#if defined(COOPGRID_EMULATED_DEVICE)
/// Whether the device is the emulated one (coopgrid_emulated_tests) or a real GPU (coopgrid_tests).
inline constexpr bool emulated = true;
/// The number of emulated devices for one test (the fake runtime reads it on every call).
struct emulated_devices {
  explicit emulated_devices(const char* n) { setenv("COOPGRID_EMULATED_DEVICES", n, 1); }
  ~emulated_devices() { unsetenv("COOPGRID_EMULATED_DEVICES"); }
  emulated_devices(const emulated_devices&) = delete;
  emulated_devices& operator=(const emulated_devices&) = delete;
};
#else
inline constexpr bool emulated = false;
#endif

}  // namespace coopgrid::test
