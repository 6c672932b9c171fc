#include "host/reduce/filtered_fold.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace coopgrid {

filtered_unit_fold::filtered_unit_fold(reduce_state& st, const reduce_spec& spec, index_t first)
    : st_(st), spec_(spec), plain_(st, first), next_(first) {}

void filtered_unit_fold::finish() {
  plain_.finish();
  st_.top.insert(st_.top.end(), tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(tail_n_));
  tail_n_ = 0;
  has_bar_ = false;  // the list holds rows past the bar again
}

void filtered_unit_fold::add_top(const double* rows, const index_t* offset, index_t count) {
  // Written through a pointer, up to the next trim at a time: emplace_back
  // reloaded the vector's ends every row (grid_main --top 5 with a --where
  // and --histogram: 19% of the time in this loop).
  const std::size_t trim_at = top_trim_at(spec_.top_k);
  const int by = spec_.top_by;
  for (index_t i = 0; i < count;) {
    const std::size_t held = st_.top.size() + tail_n_;
    const index_t room = held >= trim_at ? 1 : static_cast<index_t>(trim_at - held);
    const index_t n = std::min(count - i, room);
    const std::size_t need = tail_n_ + static_cast<std::size_t>(n);
    // Grown as needed: a large K's unit may never hold 2K + 64 entries.
    if (tail_.size() < need) tail_.resize(std::max(need, 2 * tail_.size()));
    top_entry* out = tail_.data() + tail_n_;
    for (index_t j = 0; j < n; ++j, ++i) {
      out[j] = top_entry(rows[i * plain_lanes + by], next_ + (offset != nullptr ? offset[i] : i));
    }
    tail_n_ += static_cast<std::size_t>(n);
    if (n == room) trim_top();
  }
}

void filtered_unit_fold::trim_top() {
  const auto nan = [](const top_entry& e) { return std::isnan(e.first); };
  const auto tail_end = tail_.begin() + static_cast<std::ptrdiff_t>(tail_n_);
  const bool ordered = has_bar_ && std::none_of(tail_.begin(), tail_end, nan);
  for (auto e = tail_.begin(); e != tail_end; ++e) {
    if (!ordered || top_better(*e, bar_, spec_.top_ascending)) st_.top.push_back(*e);
  }
  tail_n_ = 0;
  st_.finish(spec_);
  has_bar_ = st_.top.size() == static_cast<std::size_t>(spec_.top_k) &&
             std::none_of(st_.top.begin(), st_.top.end(), nan);
  if (has_bar_) bar_ = st_.top.back();
}

void filtered_unit_fold::add(const double* rows, index_t count, const bool* finite_lanes) {
  for (index_t lo = 0; lo < count; lo += filtered_batch) {
    add_batch(rows + lo * plain_lanes, std::min(filtered_batch, count - lo), finite_lanes);
  }
}

void filtered_unit_fold::add_batch(const double* rows, index_t count, const bool* finite_lanes) {
  if (spec_.where.empty()) {
    plain_.add(rows, count, finite_lanes);
    add_picked(rows, nullptr, count);
  } else {
    // Every row is copied and the count moves only past a picked one: no
    // branch to mispredict on a selection of about half the rows.
    index_t n = 0;
    for (index_t i = 0; i < count; ++i) {
      const double* r = rows + i * plain_lanes;
      std::memcpy(picked_ + n * plain_lanes, r, plain_lanes * sizeof(double));
      offset_[n] = i;
      n += spec_.passes(r) ? 1 : 0;
    }
    plain_.add_selected(picked_, offset_, n, count, finite_lanes);
    add_picked(picked_, offset_, n);
  }
  next_ += count;
}

void filtered_unit_fold::add_picked(const double* rows, const index_t* offset, index_t count) {
  if (spec_.top_k > 0) add_top(rows, offset, count);
  if (!st_.hist.bins.empty()) {
    const int h = spec_.hist_metric;
    for (index_t i = 0; i < count; ++i) st_.add_to_histogram(spec_, rows[i * plain_lanes + h]);
  }
}

}  // namespace coopgrid
