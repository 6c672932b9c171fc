#pragma once
/**
 * @file cuda_backend.hpp
 * @brief The CUDA backend's host-side entry points. Plain C++: no CUDA syntax
 *        here, so the CLI and tests build with g++ alone. In a build without
 *        CUDA these report no devices and refuse to create the backend.
 */
#include <memory>
#include <string>
#include <vector>

#include "host/backends/backend.hpp"

namespace coopgrid {

struct cuda_device_info {
  int ordinal = 0;
  std::string name;
  int multiprocessors = 0;
  int major = 0, minor = 0;
  std::size_t total_memory = 0, free_memory = 0;
  bool host_register_read_only = false;  ///< cudaDevAttrHostRegisterReadOnlySupported: mapped .npy columns pin
};

/// True when this binary was built with the CUDA backend.
bool cuda_compiled();
/// Number of usable CUDA devices (0 without a driver, a device, or CUDA support).
int cuda_device_count();
/// Name, SMs and memory of every device.
std::vector<cuda_device_info> cuda_devices();

/**
 * @brief Creates the CUDA backend on device `opt.device`.
 * @throws std::runtime_error (exit 1) when CUDA is not compiled in or no such device exists.
 */
template <class T>
std::unique_ptr<backend<T>> make_cuda_backend(const source& src, const backend_options& opt);

}  // namespace coopgrid
