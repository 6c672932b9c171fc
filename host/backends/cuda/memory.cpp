// Page-locking of host ranges (counted page ranges, process-wide) and the
// all-cores memcpy of memory.hpp.
#include "host/backends/cuda/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

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

/// True when every page of [lo, hi) is mapped writable (/proc/self/maps, sorted by address).
bool pages_writable(std::uintptr_t lo, std::uintptr_t hi) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::uintptr_t covered = lo;
  while (covered < hi && std::getline(maps, line)) {
    unsigned long a = 0, b = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &a, &b, perms) != 3 || b <= covered) continue;
    if (a > covered || perms[1] != 'w') return false;  // a hole, or a page the process cannot write
    covered = b;
  }
  return covered >= hi;
}

}  // namespace

bool host_register_read_only_supported(int device) {
  static std::mutex m;
  static std::vector<signed char> answers;  // by ordinal: -1 not asked yet, else 0 or 1
  std::lock_guard<std::mutex> lock(m);
  if (device < 0) return false;
  if (answers.size() <= static_cast<std::size_t>(device)) answers.resize(static_cast<std::size_t>(device) + 1, -1);
  auto& a = answers[static_cast<std::size_t>(device)];
  if (a < 0) {
    int v = 0;
    if (cudaDeviceGetAttribute(&v, cudaDevAttrHostRegisterReadOnlySupported, device) != cudaSuccess) {
      (void)cudaGetLastError();
      v = 0;
    }
    a = v != 0 ? 1 : 0;
  }
  return a == 1;
}

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
  // The device only reads these pages. Where it supports it (cudaDevAttrHostRegisterReadOnlySupported:
  // 0 on x86 hosts without HMM, where the flag fails the call), register them read-only, which
  // also takes mapped .npy columns' read-only pages; elsewhere register writable pages only,
  // and stage read-only ones: the driver refuses them, and memcheck counts each failed call.
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) {
    (void)cudaGetLastError();
    return;
  }
  unsigned flags = cudaHostRegisterPortable;
  if (host_register_read_only_supported(device)) {
    flags |= cudaHostRegisterReadOnly;
  } else if (!pages_writable(lo, hi)) {
    return;
  }
  if (cudaHostRegister(reinterpret_cast<void*>(lo), hi - lo, flags) != cudaSuccess) {
    (void)cudaGetLastError();  // not sticky, but keep later checks clean
    return;
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
