#pragma once
/**
 * @file cuda_check.hpp
 * @brief COOPGRID_CUDA_TRY: every CUDA runtime call is checked; a failure
 *        throws cuda_error carrying the call text, the error, file and line
 *        (cuda_out_of_memory for a failed allocation, as RMM does), after
 *        clearing CUDA's last error so that later checks start clean.
 *        Plain C++ (the runtime API header only), usable from .cpp and .cu.
 */
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace coopgrid {

/// A failed CUDA runtime call (exit 1 in the CLI).
class cuda_error : public std::runtime_error {
 public:
  cuda_error(const std::string& what, cudaError_t code) : std::runtime_error(what), code_(code) {}
  cudaError_t code() const { return code_; }

 private:
  cudaError_t code_;
};

/// cudaErrorMemoryAllocation: callers that can shrink their request catch this type.
class cuda_out_of_memory : public cuda_error {
 public:
  using cuda_error::cuda_error;
};

namespace detail {
[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  // The call's error is also CUDA's last error: clear it, or the next
  // COOPGRID_CHECK_LAUNCH would report this failure again.
  (void)cudaGetLastError();
  const std::string what = std::string("CUDA call '") + call + "' failed: " + cudaGetErrorName(err) + " (" +
                           cudaGetErrorString(err) + ") at " + file + ":" + std::to_string(line);
  if (err == cudaErrorMemoryAllocation) throw cuda_out_of_memory(what, err);
  throw cuda_error(what, err);
}
}  // namespace detail

}  // namespace coopgrid

#define COOPGRID_CUDA_TRY(call)                                                           \
  do {                                                                                    \
    const cudaError_t coopgrid_err_ = (call);                                             \
    if (coopgrid_err_ != cudaSuccess) {                                                   \
      ::coopgrid::detail::throw_cuda_error(coopgrid_err_, #call, __FILE__, __LINE__);     \
    }                                                                                     \
  } while (0)

/// Checks the launch that precedes it (configuration errors surface here).
#define COOPGRID_CHECK_LAUNCH() COOPGRID_CUDA_TRY(cudaGetLastError())
