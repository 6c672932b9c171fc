#pragma once
/**
 * @file batch.hpp
 * @brief Explicit batches: the host data model (CSR columns) and its checks.
 *        host/io/csv_batch.hpp and host/io/binary_batch.hpp read them.
 */
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/batch_view.hpp"

namespace coopgrid {

class progress_meter;

/// A non-owning, read-only run of T (pointer and size): one column of a batch.
template <class T>
class column {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using const_iterator = const T*;
  using iterator = const T*;

  constexpr column() = default;
  constexpr column(const T* data, std::size_t size) : data_(data), size_(size) {}
  /// Views `v`, which must outlive the view and not reallocate.
  column(const std::vector<T>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT: implicit on purpose

  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  const T& front() const { return data_[0]; }
  const T& back() const { return data_[size_ - 1]; }

  friend bool operator==(column a, column b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator!=(column a, column b) { return !(a == b); }
  friend bool operator==(column a, const std::vector<T>& b) { return a == column(b); }
  friend bool operator==(const std::vector<T>& a, column b) { return column(a) == b; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

namespace detail {
inline constexpr index_t zero_offset[1] = {0};  ///< the offsets of an empty batch
}  // namespace detail

/// Owning CSR columns of a batch, for readers that build a batch value by value (CSV, tests, conversions).
template <class T>
struct column_vectors {
  std::vector<T> activities;
  std::vector<index_t> countries_per_activity;
  std::vector<index_t> country_offsets{0};
  std::vector<T> datasets;
  std::vector<T> country_share_prob;
  std::vector<index_t> standard_offsets{0};
  std::vector<T> standard_difficulty;
  std::vector<index_t> resource_offsets{0};
  std::vector<T> resource_share_prob;
  std::vector<index_t> ethics_offsets{0};
  std::vector<T> ethics_difficulty;
};

/**
 * @brief CSR columns of a batch in precision T: a view per column and the
 *        shared owner of the memory they point into (a binary batch's file
 *        mappings, or column_vectors). Copies share that memory, which is
 *        never written; view() lends it to the formula core.
 */
template <class T>
struct batch_columns {
  column<T> activities;
  column<index_t> countries_per_activity;
  column<index_t> country_offsets{detail::zero_offset, 1};
  column<T> datasets;
  column<T> country_share_prob;
  column<index_t> standard_offsets{detail::zero_offset, 1};
  column<T> standard_difficulty;
  column<index_t> resource_offsets{detail::zero_offset, 1};
  column<T> resource_share_prob;
  column<index_t> ethics_offsets{detail::zero_offset, 1};
  column<T> ethics_difficulty;
  std::shared_ptr<const void> storage;  ///< keeps the memory of every column above alive

  batch_columns() = default;
  /// Takes ownership of `v` (its buffers move, so the views stay valid).
  explicit batch_columns(column_vectors<T>&& v) {
    auto owned = std::make_shared<column_vectors<T>>(std::move(v));
    const auto& o = *owned;
    activities = o.activities;
    countries_per_activity = o.countries_per_activity;
    country_offsets = o.country_offsets;
    datasets = o.datasets;
    country_share_prob = o.country_share_prob;
    standard_offsets = o.standard_offsets;
    standard_difficulty = o.standard_difficulty;
    resource_offsets = o.resource_offsets;
    resource_share_prob = o.resource_share_prob;
    ethics_offsets = o.ethics_offsets;
    ethics_difficulty = o.ethics_difficulty;
    storage = std::move(owned);
  }

  index_t num_scenarios() const { return static_cast<index_t>(activities.size()); }

  /// Bytes of every column: what validate_columns reads (and counts as progress).
  std::uint64_t bytes() const {
    const std::size_t reals = activities.size() + datasets.size() + country_share_prob.size() +
                              standard_difficulty.size() + resource_share_prob.size() + ethics_difficulty.size();
    const std::size_t ints = countries_per_activity.size() + country_offsets.size() + standard_offsets.size() +
                             resource_offsets.size() + ethics_offsets.size();
    return reals * sizeof(T) + ints * sizeof(index_t);
  }

  batch_view<T> view() const {
    return batch_view<T>{num_scenarios(),
                         activities.data(),
                         countries_per_activity.data(),
                         country_offsets.data(),
                         datasets.data(),
                         country_share_prob.data(),
                         standard_offsets.data(),
                         standard_difficulty.data(),
                         resource_offsets.data(),
                         resource_share_prob.data(),
                         ethics_offsets.data(),
                         ethics_difficulty.data()};
  }
};

/// Converts every real column to U (double -> float rounds to nearest); offsets are copied.
template <class U, class T>
batch_columns<U> convert_columns(const batch_columns<T>& in) {
  auto cv = [](column<T> v) { return std::vector<U>(v.begin(), v.end()); };
  auto copy = [](column<index_t> v) { return std::vector<index_t>(v.begin(), v.end()); };
  column_vectors<U> out;
  out.activities = cv(in.activities);
  out.countries_per_activity = copy(in.countries_per_activity);
  out.country_offsets = copy(in.country_offsets);
  out.datasets = cv(in.datasets);
  out.country_share_prob = cv(in.country_share_prob);
  out.standard_offsets = copy(in.standard_offsets);
  out.standard_difficulty = cv(in.standard_difficulty);
  out.resource_offsets = copy(in.resource_offsets);
  out.resource_share_prob = cv(in.resource_share_prob);
  out.ethics_offsets = copy(in.ethics_offsets);
  out.ethics_difficulty = cv(in.ethics_difficulty);
  return batch_columns<U>(std::move(out));
}

/// An explicit batch: scenario ids in output order and double-precision columns.
struct batch {
  std::string source;  ///< the directory it was read from
  std::vector<std::string> ids;
  batch_columns<double> columns;

  index_t num_scenarios() const { return static_cast<index_t>(ids.size()); }
};

/**
 * @brief Checks every value against MODEL.md section 1; throws input_error
 *        naming the column file under `what` and the element. Each column is
 *        scanned in parallel chunks on `threads` threads (0: every hardware
 *        thread); the error names the lowest failing element of the first
 *        failing check, as a sequential scan would. `progress` (null: none)
 *        counts the bytes scanned, add_concurrent per chunk, to c.bytes().
 */
void validate_columns(const batch_columns<double>& c, const std::string& what, int threads = 0,
                      progress_meter* progress = nullptr);

}  // namespace coopgrid
