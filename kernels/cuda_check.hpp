#pragma once
/**
 * @file cuda_check.hpp
 * @brief COOPGRID_CUDA_TRY: every CUDA runtime call is checked; a failure
 *        throws cuda_error carrying the call text, the error, file and line.
 *        Plain C++ (the runtime API header only), usable from .cpp and .cu.
 */
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace coopgrid {

/// A failed CUDA runtime call (exit 1 in the CLI); code() tells out-of-memory apart.
class cuda_error : public std::runtime_error {
 public:
  cuda_error(const std::string& what, cudaError_t code) : std::runtime_error(what), code_(code) {}
  cudaError_t code() const { return code_; }

 private:
  cudaError_t code_;
};

namespace detail {
[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  throw cuda_error(std::string("CUDA call '") + call + "' failed: " + cudaGetErrorName(err) + " (" +
                   cudaGetErrorString(err) + ") at " + file + ":" + std::to_string(line),
                   err);
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
