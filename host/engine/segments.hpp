#pragma once
/**
 * @file segments.hpp
 * @brief The segmented run with checkpoints, shared by the --reduce driver
 *        and the analysis driver: a range of work in segments, a checkpoint
 *        written every `interval` seconds (and after the last segment when
 *        asked), and the fingerprint that ties a checkpoint to its shard.
 */
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "kernels/config.hpp"

namespace coopgrid {

/// A run's fingerprint joined with its shard's two numbers, so that a
/// checkpoint of one shard is refused by another.
inline std::uint64_t shard_checkpoint_fingerprint(std::uint64_t fingerprint, std::uint64_t a, std::uint64_t b) {
  return fingerprint ^ (a * 0x9e3779b97f4a7c15ULL) ^ b;
}

/// Where and how often a segmented run writes its checkpoint ("" : never).
struct checkpoint_policy {
  std::string path;
  double interval = 10;  ///< seconds between checkpoints (0: after every segment)
};

/**
 * @brief Runs [first, end) in segments of at most `segment`: step(lo, count)
 *        for each, then write() when the policy's interval has passed since
 *        the last write (or since the call), and always after the last
 *        segment when `write_last`. write() sees the state after step().
 */
template <class Step, class Write>
void run_segments(index_t first, index_t end, index_t segment, const checkpoint_policy& cp, bool write_last,
                  Step&& step, Write&& write) {
  auto last_write = std::chrono::steady_clock::now();
  for (index_t lo = first; lo < end; lo += segment) {
    const index_t count = std::min(segment, end - lo);
    step(lo, count);
    const auto now = std::chrono::steady_clock::now();
    const bool last = lo + count == end;
    if (!cp.path.empty() &&
        ((write_last && last) || std::chrono::duration<double>(now - last_write).count() >= cp.interval)) {
      write(lo + count);
      last_write = now;
    }
  }
}

}  // namespace coopgrid
