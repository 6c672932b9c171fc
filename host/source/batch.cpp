#include "host/source/batch.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/util/progress.hpp"

namespace coopgrid {
namespace {

/// Elements per parallel chunk (256 KiB of doubles): small enough to balance, large enough to amortise hand-out.
constexpr std::size_t chunk_elements = std::size_t{1} << 15;
static_assert(sizeof(double) == 8 && sizeof(index_t) == 8, "progress counts 8-byte elements");

/**
 * The lowest i in [first, n) with bad(i), or n. Chunks run in parallel; each
 * stops at its own first failure and skips itself when an earlier one already
 * failed, so the answer is the lowest failing index whatever the schedule.
 * `ok_block(lo, hi)` is a branch-free test of a whole chunk (memory-bandwidth
 * bound); only a failing chunk is rescanned element by element.
 */
template <class OkBlock, class Bad>
std::size_t first_failing(std::size_t first, std::size_t n, int threads, progress_meter* progress,
                          OkBlock&& ok_block, Bad&& bad) {
  // Elements before `first` are read by the check too (an offset's predecessor).
  if (progress != nullptr) progress->add(static_cast<index_t>(std::min(first, n) * 8));
  if (n <= first) return n;
  const std::size_t chunks = (n - first + chunk_elements - 1) / chunk_elements;
  std::atomic<std::size_t> lowest{n};
  parallel_for(static_cast<index_t>(chunks), chunks == 1 ? 1 : threads, [&](index_t k) {
    const std::size_t lo = first + static_cast<std::size_t>(k) * chunk_elements;
    const std::size_t hi = std::min(n, lo + chunk_elements);
    if (progress != nullptr) progress->add_concurrent(static_cast<index_t>((hi - lo) * 8));  // 8-byte elements
    if (lo >= lowest.load(std::memory_order_relaxed) || ok_block(lo, hi)) return;
    for (std::size_t i = lo; i < hi; ++i) {
      if (!bad(i)) continue;
      std::size_t seen = lowest.load(std::memory_order_relaxed);
      while (i < seen && !lowest.compare_exchange_weak(seen, i, std::memory_order_relaxed)) {
      }
      return;
    }
  });
  return lowest.load();
}

}  // namespace

void validate_columns(const batch_columns<double>& c, const std::string& what, int threads,
                      progress_meter* progress) {
  if (threads <= 0) threads = hardware_threads();
  const auto n = c.num_scenarios();
  auto bad = [&](const char* field, std::size_t i, double v, const char* rule_text) {
    throw input_error(fmt::format("{}/{}.npy[{}]: value {} {}", what, field, i, v, rule_text));
  };
  auto check_offsets = [&](const char* field, column<index_t> o, std::size_t items) {
    if (o.size() != static_cast<std::size_t>(n) + 1 || o.front() != 0 ||
        o.back() != static_cast<index_t>(items)) {
      throw input_error(fmt::format("{}/{}.npy: offsets must have {} entries from 0 to {} (the item count)",
                                    what, field, n + 1, items));
    }
    const index_t* p = o.data();
    const auto i = first_failing(
        1, o.size(), threads, progress,
        [p](std::size_t lo, std::size_t hi) {
          bool ok = true;
          for (std::size_t j = lo; j < hi; ++j) ok &= p[j] >= p[j - 1];
          return ok;
        },
        [p](std::size_t j) { return p[j] < p[j - 1]; });
    if (i < o.size()) bad(field, i, static_cast<double>(p[i]), "is below its predecessor");
  };
  auto check_reals = [&](const char* field, column<double> v, bool probability) {
    const double* p = v.data();
    const double top = probability ? 1.0 : std::numeric_limits<double>::max();
    // On the bits: a double is in [+0, top] iff its bits are at most top's (NaN and the infinities
    // lie above DBL_MAX, negatives have the sign bit). Integer subtract/or vectorises on every x86
    // (comparisons of doubles do not, unless traps are off); -0.0 is flagged here and passes the rescan.
    std::uint64_t top_bits = 0;
    std::memcpy(&top_bits, &top, sizeof top);
    const auto i = first_failing(
        0, v.size(), threads, progress,
        [p, top_bits](std::size_t lo, std::size_t hi) {
          std::uint64_t acc = 0;
          for (std::size_t j = lo; j < hi; ++j) {
            std::uint64_t b;
            std::memcpy(&b, p + j, sizeof b);
            acc |= (top_bits - b) | b;  // top bit set iff b > top_bits or b is negative
          }
          return (acc >> 63) == 0;
        },
        [p, top](std::size_t j) { return !(p[j] >= 0 && p[j] <= top); });
    if (i == v.size()) return;
    if (!std::isfinite(p[i])) bad(field, i, p[i], "is not finite");
    if (p[i] < 0) bad(field, i, p[i], "is negative (must be >= 0)");
    bad(field, i, p[i], "is not a probability in [0, 1]");
  };
  if (c.countries_per_activity.size() != static_cast<std::size_t>(n)) {
    throw input_error(fmt::format("{}/countries_per_activity.npy: expected {} values as in activities.npy", what, n));
  }
  check_reals("activities", c.activities, false);
  {
    const index_t* p = c.countries_per_activity.data();
    const auto i = first_failing(
        0, c.countries_per_activity.size(), threads, progress,
        [p](std::size_t lo, std::size_t hi) {
          bool ok = true;
          for (std::size_t j = lo; j < hi; ++j) ok &= p[j] >= 0;
          return ok;
        },
        [p](std::size_t j) { return p[j] < 0; });
    if (i < c.countries_per_activity.size()) {
      bad("countries_per_activity", i, static_cast<double>(p[i]), "is negative (must be >= 0)");
    }
  }
  check_offsets("country_offsets", c.country_offsets, c.datasets.size());
  if (c.country_share_prob.size() != c.datasets.size()) {
    throw input_error(fmt::format("{}/country_share_prob.npy: expected {} values as in datasets.npy", what,
                                  c.datasets.size()));
  }
  check_reals("datasets", c.datasets, false);
  check_reals("country_share_prob", c.country_share_prob, true);
  check_offsets("standard_offsets", c.standard_offsets, c.standard_difficulty.size());
  check_reals("standard_difficulty", c.standard_difficulty, false);
  check_offsets("resource_offsets", c.resource_offsets, c.resource_share_prob.size());
  check_reals("resource_share_prob", c.resource_share_prob, true);
  check_offsets("ethics_offsets", c.ethics_offsets, c.ethics_difficulty.size());
  check_reals("ethics_difficulty", c.ethics_difficulty, false);
}

}  // namespace coopgrid
