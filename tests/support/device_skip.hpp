#pragma once
// GPU tests skip cleanly where no CUDA device (real or emulated) is present.
#include <gtest/gtest.h>

#include "host/backends/cuda/cuda_backend.hpp"

#define SKIP_WITHOUT_DEVICE() \
  if (::coopgrid::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device present"
