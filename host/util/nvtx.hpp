#pragma once
/**
 * @file nvtx.hpp
 * @brief Named NVTX ranges for the pipeline stages (parse, upload, evaluate,
 *        reduce, download, write), so an Nsight profile reads at a glance.
 *        NVTX v3 is header-only and costs nothing without a profiler attached;
 *        builds without CUDA compile the ranges away.
 */
#if defined(COOPGRID_HAVE_CUDA)
#include <nvtx3/nvToolsExt.h>
#endif

namespace coopgrid {

class nvtx_range {
 public:
#if defined(COOPGRID_HAVE_CUDA)
  explicit nvtx_range(const char* name) { nvtxRangePushA(name); }
  ~nvtx_range() { nvtxRangePop(); }
#else
  explicit nvtx_range(const char*) {}
#endif
  nvtx_range(const nvtx_range&) = delete;
  nvtx_range& operator=(const nvtx_range&) = delete;
};

}  // namespace coopgrid
