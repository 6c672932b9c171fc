// Device queries of the CUDA backend (cuda_backend.hpp): how many, and what they are.
#include "host/backends/cuda/cuda_backend.hpp"

#include "host/backends/cuda/memory.hpp"
#include "kernels/cuda_check.hpp"

namespace coopgrid {

bool cuda_compiled() { return true; }

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // no driver or no device: not an error for callers
    return 0;
  }
  return n;
}

std::vector<cuda_device_info> cuda_devices() {
  std::vector<cuda_device_info> out;
  const int n = cuda_device_count();
  if (n == 0) return out;
  int current = 0;
  COOPGRID_CUDA_TRY(cudaGetDevice(&current));
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp prop{};
    COOPGRID_CUDA_TRY(cudaGetDeviceProperties(&prop, d));
    cuda_device_info info;
    info.ordinal = d;
    info.name = prop.name;
    info.multiprocessors = prop.multiProcessorCount;
    info.major = prop.major;
    info.minor = prop.minor;
    info.total_memory = prop.totalGlobalMem;
    info.host_register_read_only = host_register_read_only_supported(d);
    COOPGRID_CUDA_TRY(cudaSetDevice(d));
    std::size_t free_bytes = 0, total_bytes = 0;
    COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    info.free_memory = free_bytes;
    out.push_back(info);
  }
  COOPGRID_CUDA_TRY(cudaSetDevice(current));
  return out;
}

}  // namespace coopgrid
