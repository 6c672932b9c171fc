// Page-locking of host ranges (counted page ranges, process-wide) and the
// all-cores memcpy of memory.hpp.
#include "host/backends/cuda/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>

#include "host/util/parallel.hpp"

namespace coopgrid {
namespace {

struct registered_pages {
  std::uintptr_t end;  ///< one past the last page
  int users;
};

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

/// Page ranges registered by host_registration, by first page; disjoint.
std::map<std::uintptr_t, registered_pages>& registry() {
  static std::map<std::uintptr_t, registered_pages> r;
  return r;
}

/// The OS page: what the driver locks, 64 KiB on some ARM hosts.
std::uintptr_t page_size() {
  static const long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? static_cast<std::uintptr_t>(page) : 4096;
}

}  // namespace

host_registration::host_registration(const void* p, std::size_t bytes) {
  if (p == nullptr || bytes == 0) return;
  const std::uintptr_t page = page_size();
  const auto lo = reinterpret_cast<std::uintptr_t>(p) & ~(page - 1);
  const auto hi = (reinterpret_cast<std::uintptr_t>(p) + bytes + page - 1) & ~(page - 1);
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& reg = registry();
  const auto next = reg.upper_bound(lo);  // the first range starting after lo
  if (next != reg.begin()) {
    const auto prev = std::prev(next);  // the last range starting at or before lo
    if (prev->second.end >= hi) {       // every page already registered: share it
      ++prev->second.users;
      base_ = prev->first;
      return;
    }
    if (prev->second.end > lo) return;  // shares pages with it, not all: stage this range
  }
  if (next != reg.end() && next->first < hi) return;  // shares pages with the next range
  // The device only reads these pages, and mapped .npy columns are read-only pages, which
  // register only with cudaHostRegisterReadOnly (where the device supports it): ask for it
  // first, then without it (heap columns on older devices).
  void* const pages = reinterpret_cast<void*>(lo);
  if (cudaHostRegister(pages, hi - lo, cudaHostRegisterPortable | cudaHostRegisterReadOnly) != cudaSuccess) {
    (void)cudaGetLastError();  // not sticky, but keep later checks clean
    if (cudaHostRegister(pages, hi - lo, cudaHostRegisterPortable) != cudaSuccess) {
      (void)cudaGetLastError();
      return;
    }
  }
  reg.emplace(lo, registered_pages{hi, 1});
  base_ = lo;
}

void host_registration::release() noexcept {
  if (base_ == 0) return;
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& reg = registry();
  auto it = reg.find(base_);
  if (it != reg.end() && --it->second.users == 0) {
    if (cudaHostUnregister(reinterpret_cast<void*>(base_)) != cudaSuccess) (void)cudaGetLastError();
    reg.erase(it);
  }
  base_ = 0;
}

void parallel_memcpy(void* dst, const void* src, std::size_t bytes) {
  constexpr std::size_t piece = std::size_t{8} << 20;
  const auto pieces = static_cast<index_t>((bytes + piece - 1) / piece);
  parallel_for(pieces, hardware_threads(), [&](index_t i) {
    const std::size_t at = static_cast<std::size_t>(i) * piece;
    std::memcpy(static_cast<char*>(dst) + at, static_cast<const char*>(src) + at, std::min(piece, bytes - at));
  });
}

}  // namespace coopgrid
