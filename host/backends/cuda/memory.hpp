#pragma once
/**
 * @file cuda_memory.hpp
 * @brief Move-only RAII owners for device memory, pinned host memory, streams
 *        and events. Constructors throw cuda_error; destructors never throw.
 */
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "kernels/cuda_check.hpp"

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
 * @brief Page-locks an existing host range for the object's lifetime
 *        (cudaHostRegister, portable to every device), so asynchronous copies
 *        read it directly instead of through pinned staging. Registrations
 *        are counted per range across the process: backends on several
 *        devices may pin the same columns. A range that cannot be pinned
 *        (limits, an overlapping registration) is left alone: pinned() is
 *        false and the caller stages it. Move-only; never throws.
 */
class host_registration {
 public:
  host_registration() = default;
  host_registration(const void* p, std::size_t bytes) {
    if (p == nullptr || bytes == 0) return;
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& reg = registry();
    if (auto it = reg.find(p); it != reg.end()) {
      ++it->second.count;
      ptr_ = p;
      return;
    }
    // Whole pages: some drivers want page-aligned ranges, and the pages are
    // locked as a whole either way.
    constexpr std::uintptr_t page = 4096;
    const auto lo = reinterpret_cast<std::uintptr_t>(p) & ~(page - 1);
    const auto hi = (reinterpret_cast<std::uintptr_t>(p) + bytes + page - 1) & ~(page - 1);
    void* const base = reinterpret_cast<void*>(lo);
    if (cudaHostRegister(base, hi - lo, cudaHostRegisterPortable) != cudaSuccess) {
      (void)cudaGetLastError();  // not sticky, but keep later checks clean
      return;
    }
    reg.emplace(p, entry{base, 1});
    ptr_ = p;
  }
  host_registration(host_registration&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)) {}
  host_registration& operator=(host_registration&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
    }
    return *this;
  }
  host_registration(const host_registration&) = delete;
  host_registration& operator=(const host_registration&) = delete;
  ~host_registration() { release(); }

  bool pinned() const { return ptr_ != nullptr; }

 private:
  static std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
  }
  struct entry {
    void* base;  ///< the page-aligned range actually registered
    int count;
  };
  static std::map<const void*, entry>& registry() {
    static std::map<const void*, entry> r;
    return r;
  }
  void release() noexcept {
    if (!ptr_) return;
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& reg = registry();
    auto it = reg.find(ptr_);
    if (it != reg.end() && --it->second.count == 0) {
      cudaHostUnregister(it->second.base);
      reg.erase(it);
    }
    ptr_ = nullptr;
  }
  const void* ptr_ = nullptr;
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
  void record(cudaStream_t s) { COOPGRID_CUDA_TRY(cudaEventRecord(e_, s)); }
  /// Blocks until the recorded work is done.
  void synchronize() const { COOPGRID_CUDA_TRY(cudaEventSynchronize(e_)); }

 private:
  cudaEvent_t e_ = nullptr;
};

}  // namespace coopgrid
