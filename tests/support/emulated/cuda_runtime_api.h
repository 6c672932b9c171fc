#pragma once
/**
 * @file cuda_runtime_api.h (emulated)
 * @brief The subset of the CUDA runtime API coopgrid calls, implemented on the
 *        host by fake_cuda_runtime.cpp, so the CUDA backend's host code
 *        (host/cuda_backend.cpp, the pipeline, the launchers in kernels/)
 *        builds with g++ and runs in tests on machines without a GPU. It
 *        shadows the real header for the coopgrid_emulated_tests target only.
 *
 * "Device" memory is host memory. Copies, memsets and kernels (through the
 * SIMT emulator) queue on their stream and run when the host waits for it
 * (stream or event synchronisation, cudaFree, cudaHostUnregister), as
 * asynchronous work on a GPU may; pageable copies keep CUDA's semantics
 * (sources snapshotted at the call, copies into pageable memory complete
 * before it returns). What the fake checks: every copy and memset stays
 * inside one allocation (device, pinned or registered); device memory is
 * bounded (cudaMalloc fails past the emulated capacity, as on a full GPU);
 * registering an overlapping host range fails; cudaHostRegisterReadOnly fails
 * on a device whose cudaDevAttrHostRegisterReadOnlySupported is 0 (as on x86
 * hosts without HMM), and registering read-only pages without it fails, as
 * the driver does (COOPGRID_EMULATED_HOST_REGISTER_READ_ONLY below); errors
 * are sticky until cudaGetLastError, as on a device.
 */
#include <cstddef>
#include <functional>
#include <typeinfo>

enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorHostMemoryAlreadyRegistered = 712,
  cudaErrorHostMemoryNotRegistered = 713,
  cudaErrorNoDevice = 100,
  cudaErrorNotSupported = 801,
};
using cudaError = cudaError_t;

struct CUstream_st;
struct CUevent_st;
using cudaStream_t = CUstream_st*;
using cudaEvent_t = CUevent_st*;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount = 16, cudaDevAttrHostRegisterReadOnlySupported = 113 };
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };

constexpr unsigned cudaStreamNonBlocking = 0x01;
constexpr unsigned cudaEventDisableTiming = 0x02;
constexpr unsigned cudaHostRegisterDefault = 0x00;
constexpr unsigned cudaHostRegisterPortable = 0x01;
constexpr unsigned cudaHostRegisterReadOnly = 0x08;

struct cudaDeviceProp {
  char name[256];
  std::size_t totalGlobalMem;
  int multiProcessorCount;
  int major, minor;
};

cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device);
cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes);
cudaError_t cudaGetLastError();
const char* cudaGetErrorName(cudaError_t error);
const char* cudaGetErrorString(cudaError_t error);

cudaError_t cudaMalloc(void** ptr, std::size_t bytes);
cudaError_t cudaFree(void* ptr);
cudaError_t cudaMallocHost(void** ptr, std::size_t bytes);
cudaError_t cudaFreeHost(void* ptr);
cudaError_t cudaHostRegister(void* ptr, std::size_t bytes, unsigned flags);
cudaError_t cudaHostUnregister(void* ptr);

cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream = nullptr);
cudaError_t cudaMemset(void* ptr, int value, std::size_t bytes);
cudaError_t cudaMemsetAsync(void* ptr, int value, std::size_t bytes, cudaStream_t stream = nullptr);

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned flags);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t event);

namespace coopgrid_emulated {
/// Dynamic shared memory a block may use on the emulated device (an H200's 227 KiB).
constexpr int max_dynamic_smem = 227 * 1024;
/// Records err as the sticky last error and returns it.
cudaError_t fail(cudaError_t err);
/// Bytes of host memory page-locked by cudaHostRegister now (tests check the path is taken).
std::size_t registered_bytes();
/// cudaHostRegister calls so far, how many of them failed (compute-sanitizer reports each
/// failure), and how many registered read-only (cudaHostRegisterReadOnly).
struct host_register_counts {
  std::size_t calls = 0, failures = 0, read_only = 0;
};
/// cudaDevAttrHostRegisterReadOnlySupported of emulated device `device`: by default 1 on
/// even ordinals and 0 on odd ones, so that two emulated devices take both paths; else
/// COOPGRID_EMULATED_HOST_REGISTER_READ_ONLY, one digit per ordinal (the last repeats).
/// Read at every query: set it before a process's first registration, as a driver's answer never changes.
bool host_register_read_only_supported(int device);
host_register_counts host_register_calls();
/// Records an occupancy query for `kernel` (its function type names the template arguments).
void record_occupancy_query(const std::type_info& kernel);
/// Occupancy queries so far for kernels whose demangled type contains `part` (e.g. "batch_eval<double>").
std::size_t occupancy_queries(const char* part);
/// Calls `observer` with the address of every kernel launched from now on (empty: stop).
void set_launch_observer(std::function<void(const void* kernel)> observer);
}  // namespace coopgrid_emulated

// The C++ API templates (cuda_runtime.h) the launchers use.
template <class Kernel>
cudaError_t cudaFuncSetAttribute(Kernel*, cudaFuncAttribute attr, int value) {
  if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize &&
      (value < 0 || value > coopgrid_emulated::max_dynamic_smem)) {
    return coopgrid_emulated::fail(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

template <class Kernel>
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int* blocks, Kernel*, int block_size,
                                                          std::size_t dynamic_smem) {
  coopgrid_emulated::record_occupancy_query(typeid(Kernel));
  if (block_size <= 0 || dynamic_smem > static_cast<std::size_t>(coopgrid_emulated::max_dynamic_smem)) {
    return coopgrid_emulated::fail(cudaErrorInvalidValue);
  }
  *blocks = 1;
  return cudaSuccess;
}
