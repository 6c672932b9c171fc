#include "host/commands/info.hpp"

#include <fmt/format.h>

#include <thread>

#include "host/backends/cpu_simd.hpp"
#include "host/backends/cuda/cuda_backend.hpp"

namespace coopgrid {

int info_command(std::string_view version) {
  fmt::print("coopgrid {}\n", version);
  fmt::print("compiler: {}\n", __VERSION__);
  fmt::print("backends: reference, cpu ({} hardware threads){}\n", std::thread::hardware_concurrency(),
             cuda_compiled() ? ", cuda" : "  (cuda: not compiled in)");
  fmt::print("cpu simd (batch rows): {}  (this machine runs: {})\n", simd_target_name(selected_simd_target()),
             available_simd_targets());
  fmt::print("  set with COOPGRID_SIMD=scalar|avx2|avx512|auto (unset: the best it runs)\n");
  if (!cuda_compiled()) return 0;
  const auto devices = cuda_devices();
  if (devices.empty()) {
    fmt::print("cuda devices: none found (the auto backend uses cpu)\n");
    return 0;
  }
  fmt::print("cuda devices:\n");
  for (const auto& d : devices) {
    fmt::print("  [{}] {}  sm_{}{}  {} SMs  {:.1f} GiB ({:.1f} GiB free)  read-only host registration: {}\n",
               d.ordinal, d.name, d.major, d.minor, d.multiprocessors,
               static_cast<double>(d.total_memory) / (1 << 30), static_cast<double>(d.free_memory) / (1 << 30),
               d.host_register_read_only ? "yes" : "no (read-only .npy columns are staged)");
  }
  return 0;
}

}  // namespace coopgrid
