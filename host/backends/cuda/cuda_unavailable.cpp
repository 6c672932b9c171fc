// Built instead of the CUDA backend when no CUDA compiler was found: the
// entry points exist, report no device, and refuse with a clear message.
#include <stdexcept>

#include "host/backends/cuda/cuda_backend.hpp"

namespace coopgrid {

bool cuda_compiled() { return false; }
int cuda_device_count() { return 0; }
std::vector<cuda_device_info> cuda_devices() { return {}; }

template <class T>
std::unique_ptr<backend<T>> make_cuda_backend(const source&, const backend_options&) {
  throw std::runtime_error(
      "--backend cuda: this coopgrid was built without CUDA (no nvcc at configure time); "
      "use --backend cpu, or rebuild with the CUDA Toolkit installed");
}

template std::unique_ptr<backend<float>> make_cuda_backend<float>(const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_cuda_backend<double>(const source&, const backend_options&);

}  // namespace coopgrid
