#pragma once
/**
 * @file parallel.hpp
 * @brief A minimal fork-join loop over std::thread (no OpenMP runtime, so the
 *        binaries run on machines whose libraries differ from ours).
 */
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <unistd.h>

#include "kernels/config.hpp"

namespace coopgrid {

/// Hardware threads, at least 1.
inline int hardware_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

/// The machine's memory in bytes; 0 where the system does not say.
inline std::size_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : 0;
}

/**
 * @brief Calls fn(i) for every i in [0, n) on up to `threads` threads, items
 *        handed out dynamically. Synchronous; rethrows the first exception.
 */
template <class Fn>
void parallel_for(index_t n, int threads, Fn&& fn) {
  const int workers = static_cast<int>(std::min<index_t>(std::max(threads, 1), n));
  if (workers <= 1) {
    for (index_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<index_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (index_t i = next++; i < n; i = next++) fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace coopgrid
