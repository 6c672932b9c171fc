#include "host/source/batch.hpp"

#include <atomic>

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
  auto check_offsets = [&](const char* field, column<index_t> o) {
    const index_t* p = o.data();
    const auto i = first_failing(
        1, o.size(), threads, progress,
        [p](std::size_t lo, std::size_t hi) {
          bool ok = true;
          for (std::size_t j = lo; j < hi; ++j) ok &= p[j] >= p[j - 1];
          return ok;
        },
        [p](std::size_t j) { return p[j] < p[j - 1]; });
    if (i < o.size()) {
      throw_bad_value(what, field, static_cast<index_t>(i), static_cast<double>(p[i]), "is below its predecessor");
    }
  };
  auto check_reals = [&](const char* field, column<double> v, bool probability) {
    const double* p = v.data();
    const auto i = first_failing(
        0, v.size(), threads, progress,
        [p, probability](std::size_t lo, std::size_t hi) {
          return batch_values_in_range(p, static_cast<index_t>(lo), static_cast<index_t>(hi), probability);
        },
        [p, probability](std::size_t j) { return !batch_value_in_range(p[j], probability); });
    if (i < v.size()) throw_bad_real(what, field, static_cast<index_t>(i), p[i]);
  };
  check_batch_shape(c, what);  // the sizes first (O(1)), as a binary batch's load checks them
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
      throw_bad_value(what, "countries_per_activity", static_cast<index_t>(i), static_cast<double>(p[i]),
                      "is negative (must be >= 0)");
    }
  }
  check_offsets("country_offsets", c.country_offsets);
  check_reals("datasets", c.datasets, false);
  check_reals("country_share_prob", c.country_share_prob, true);
  check_offsets("standard_offsets", c.standard_offsets);
  check_reals("standard_difficulty", c.standard_difficulty, false);
  check_offsets("resource_offsets", c.resource_offsets);
  check_reals("resource_share_prob", c.resource_share_prob, true);
  check_offsets("ethics_offsets", c.ethics_offsets);
  check_reals("ethics_difficulty", c.ethics_difficulty, false);
}

}  // namespace coopgrid
