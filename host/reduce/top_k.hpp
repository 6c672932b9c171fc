#pragma once
/**
 * @file top_k.hpp
 * @brief The --top K list: (value, scenario) entries, best first, ties to the
 *        lowest index; candidates are trimmed to K in amortised batches.
 */
#include <algorithm>
#include <utility>
#include <vector>

#include "kernels/config.hpp"
#include "kernels/statistics.hpp"

namespace coopgrid {

/// (value, scenario index), ordered best first.
using top_entry = std::pair<double, index_t>;

/// True when a is a better top entry than b (ties: the lower scenario index wins).
inline bool top_better(const top_entry& a, const top_entry& b, bool ascending) {
  return ranks_before(a.first, a.second, b.first, b.second, ascending);
}

/// Sorts `top` best first and keeps its best k.
inline void trim_top(std::vector<top_entry>& top, index_t k, bool ascending) {
  auto better = [&](const top_entry& a, const top_entry& b) { return top_better(a, b, ascending); };
  const auto keep = static_cast<std::size_t>(k);
  if (top.size() > keep) {
    std::nth_element(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(keep), top.end(), better);
    top.resize(keep);
  }
  std::sort(top.begin(), top.end(), better);
}

/// Candidates held before trimming: memory stays O(K) without a heap per row.
inline std::size_t top_trim_at(index_t k) { return static_cast<std::size_t>(2 * k + 64); }
inline bool top_needs_trim(const std::vector<top_entry>& top, index_t k) { return top.size() >= top_trim_at(k); }

}  // namespace coopgrid
