#pragma once
/**
 * @file memory.hpp
 * @brief Move-only RAII owners for device memory, pinned host memory, host
 *        page-locking, streams and events, and the host-side copy into and
 *        out of pinned memory. Constructors throw cuda_error; destructors
 *        never throw.
 */
#include <cstddef>
#include <cstdint>
#include <utility>

#include "kernels/cuda_check.hpp"
#include "kernels/stream_view.hpp"

namespace coopgrid {

namespace detail {
struct device_memory {
  static cudaError_t allocate(void** p, std::size_t bytes) { return cudaMalloc(p, bytes); }
  static void release(void* p) noexcept { cudaFree(p); }
};
struct pinned_memory {
  static cudaError_t allocate(void** p, std::size_t bytes) { return cudaMallocHost(p, bytes); }
  static void release(void* p) noexcept { cudaFreeHost(p); }
};

/// n elements of T in the memory `Memory` allocates; move-only, freed at destruction.
template <class T, class Memory>
class owned_buffer {
 public:
  owned_buffer() = default;
  /// @throws cuda_out_of_memory when the memory is not there.
  explicit owned_buffer(std::size_t n) : size_(n) {
    if (n > 0) COOPGRID_CUDA_TRY(Memory::allocate(reinterpret_cast<void**>(&ptr_), n * sizeof(T)));
  }
  owned_buffer(owned_buffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  owned_buffer& operator=(owned_buffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  owned_buffer(const owned_buffer&) = delete;
  owned_buffer& operator=(const owned_buffer&) = delete;
  ~owned_buffer() { release(); }

  T* data() const { return ptr_; }
  std::size_t size() const { return size_; }

 private:
  void release() noexcept {
    if (ptr_) Memory::release(ptr_);
    ptr_ = nullptr;
  }
  T* ptr_ = nullptr;
  std::size_t size_ = 0;
};
}  // namespace detail

/// Device memory for n elements of T (cudaMalloc: plain, never managed).
template <class T>
using device_buffer = detail::owned_buffer<T, detail::device_memory>;

/// Page-locked host memory: the only kind asynchronous copies overlap with.
template <class T>
using pinned_buffer = detail::owned_buffer<T, detail::pinned_memory>;

/**
 * @brief Whether `device` registers host pages read-only
 *        (cudaDevAttrHostRegisterReadOnlySupported), asked once per device.
 */
bool host_register_read_only_supported(int device);

/**
 * @brief Page-locks the host pages of [p, p + bytes) for the object's
 *        lifetime (cudaHostRegister, portable to every device), so
 *        asynchronous copies read it directly instead of through pinned
 *        staging. Registered page ranges are tracked and counted across the
 *        process: a range inside registered pages (the same column pinned by
 *        backends on several devices, a column sharing another's pages) takes
 *        a reference, and no page is ever registered twice (the driver fails
 *        that call, and compute-sanitizer reports it). A range that partly
 *        overlaps registered pages is left alone, as is one the driver
 *        refuses (limits): its copies would straddle registrations, so
 *        pinned() is false and the caller stages it. Pages are registered
 *        read-only where the current device supports it; elsewhere only
 *        writable pages are registered, and read-only ones (a mapped .npy
 *        column) are staged. Move-only; never throws.
 */
class host_registration {
 public:
  host_registration() = default;
  host_registration(const void* p, std::size_t bytes);
  host_registration(host_registration&& o) noexcept : base_(std::exchange(o.base_, 0)) {}
  host_registration& operator=(host_registration&& o) noexcept {
    if (this != &o) {
      release();
      base_ = std::exchange(o.base_, 0);
    }
    return *this;
  }
  host_registration(const host_registration&) = delete;
  host_registration& operator=(const host_registration&) = delete;
  ~host_registration() { release(); }

  bool pinned() const { return base_ != 0; }

 private:
  void release() noexcept;
  std::uintptr_t base_ = 0;  ///< start of the registered page range this holds; 0: none
};

/// A non-blocking stream (no implicit synchronisation with the legacy default stream).
class cuda_stream {
 public:
  cuda_stream() { COOPGRID_CUDA_TRY(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  cuda_stream(cuda_stream&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  cuda_stream& operator=(cuda_stream&&) = delete;
  cuda_stream(const cuda_stream&) = delete;
  cuda_stream& operator=(const cuda_stream&) = delete;
  ~cuda_stream() {
    if (s_) cudaStreamDestroy(s_);
  }
  cudaStream_t get() const { return s_; }
  stream_view view() const { return stream_view(s_); }
  /// Blocks until all work on the stream is done.
  void synchronize() const { COOPGRID_CUDA_TRY(cudaStreamSynchronize(s_)); }

 private:
  cudaStream_t s_ = nullptr;
};

class cuda_event {
 public:
  cuda_event() { COOPGRID_CUDA_TRY(cudaEventCreateWithFlags(&e_, cudaEventDisableTiming)); }
  cuda_event(cuda_event&& o) noexcept : e_(std::exchange(o.e_, nullptr)) {}
  cuda_event& operator=(cuda_event&&) = delete;
  cuda_event(const cuda_event&) = delete;
  cuda_event& operator=(const cuda_event&) = delete;
  ~cuda_event() {
    if (e_) cudaEventDestroy(e_);
  }
  /// Marks the work enqueued on s so far.
  void record(stream_view s) { COOPGRID_CUDA_TRY(cudaEventRecord(e_, s.value())); }
  /// Blocks until the recorded work is done.
  void synchronize() const { COOPGRID_CUDA_TRY(cudaEventSynchronize(e_)); }

 private:
  cudaEvent_t e_ = nullptr;
};

/// Blocks until all work enqueued on s is done.
inline void synchronize(stream_view s) { COOPGRID_CUDA_TRY(cudaStreamSynchronize(s.value())); }

/**
 * @brief memcpy on all cores: one thread copies pageable memory into pinned
 *        staging at ~10 GB/s, well under PCIe's 55 GB/s, so a streamed batch
 *        would wait on the host.
 */
void parallel_memcpy(void* dst, const void* src, std::size_t bytes);

}  // namespace coopgrid
