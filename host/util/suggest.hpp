#pragma once
/**
 * @file suggest.hpp
 * @brief "Did you mean" for names typed by a user: metrics, flags, subcommands,
 *        fields. One home for the edit distance and the rule for when a name is
 *        close enough to suggest.
 */
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace coopgrid {

/// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts 1).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev.swap(cur);
  }
  return prev[b.size()];
}

/// The candidate nearest to `name`, or "" when none is within a third of its length (at least 2 edits:
/// `--reduc` -> `--reduce`, `shared_expectd` -> `shared_expected`; nothing for an unrelated word).
/// Case is ignored (`Run` -> `run`). Ties go to the first candidate.
template <class Names>
std::string nearest_name(std::string_view name, const Names& candidates) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  };
  const std::string n = lower(name);
  const std::size_t limit = std::max<std::size_t>(2, n.size() / 3);
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::string_view cand(c);
    const std::size_t d = edit_distance(n, lower(cand));
    if (d < best_d) {
      best_d = d;
      best = std::string(cand);
    }
  }
  return best;
}

/// " (did you mean 'x'?)" for the nearest candidate, or "".
template <class Names>
std::string did_you_mean(std::string_view name, const Names& candidates) {
  const std::string best = nearest_name(name, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

}  // namespace coopgrid
