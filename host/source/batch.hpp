#pragma once
/**
 * @file batch.hpp
 * @brief Explicit batches: the host data model (CSR columns) and its checks.
 *        host/io/csv_batch.hpp and host/io/binary_batch.hpp read them.
 */
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <limits>
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

// A column's initial value: offsets start as those of an empty batch ({0}).
#define COOPGRID_BATCH_VECTOR_INIT_real
#define COOPGRID_BATCH_VECTOR_INIT_count
#define COOPGRID_BATCH_VECTOR_INIT_offsets {0}
#define COOPGRID_BATCH_COLUMN_INIT_real
#define COOPGRID_BATCH_COLUMN_INIT_count
#define COOPGRID_BATCH_COLUMN_INIT_offsets {detail::zero_offset, 1}

/// Owning CSR columns of a batch, for readers that build a batch value by value (CSV, tests, conversions).
template <class T>
struct column_vectors {
#define COOPGRID_X(name, kind, file) std::vector<COOPGRID_BATCH_TYPE(kind, T)> name COOPGRID_BATCH_VECTOR_INIT_##kind;
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
};

/**
 * @brief CSR columns of a batch in precision T: a view per column and the
 *        shared owner of the memory they point into (a binary batch's file
 *        mappings, or column_vectors). Copies share that memory, which is
 *        never written; view() lends it to the formula core.
 */
template <class T>
struct batch_columns {
#define COOPGRID_X(name, kind, file) column<COOPGRID_BATCH_TYPE(kind, T)> name COOPGRID_BATCH_COLUMN_INIT_##kind;
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
  std::shared_ptr<const void> storage;  ///< keeps the memory of every column above alive

  batch_columns() = default;
  /// Takes ownership of `v` (its buffers move, so the views stay valid).
  explicit batch_columns(column_vectors<T>&& v) {
    auto owned = std::make_shared<column_vectors<T>>(std::move(v));
    const auto& o = *owned;
#define COOPGRID_X(name, kind, file) name = o.name;
    COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
    storage = std::move(owned);
  }

  index_t num_scenarios() const { return static_cast<index_t>(activities.size()); }

  /// Bytes of every column: what validate_columns reads (and counts as progress).
  std::uint64_t bytes() const {
    std::uint64_t total = 0;
#define COOPGRID_X(name, kind, file) total += name.size() * sizeof(COOPGRID_BATCH_TYPE(kind, T));
    COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
    return total;
  }

  batch_view<T> view() const {
    batch_view<T> v;
    v.num_scenarios = num_scenarios();
#define COOPGRID_X(name, kind, file) v.name = name.data();
    COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
    return v;
  }
};

/// Converts every real column to U (double -> float rounds to nearest); offsets are copied.
template <class U, class T>
batch_columns<U> convert_columns(const batch_columns<T>& in) {
  column_vectors<U> out;
#define COOPGRID_X(name, kind, file) \
  out.name = std::vector<COOPGRID_BATCH_TYPE(kind, U)>(in.name.begin(), in.name.end());
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
  return batch_columns<U>(std::move(out));
}

/**
 * @brief A batch's scenario ids in output order: names (a CSV batch, ids.txt, Python),
 *        or the row numbers "0", "1", ... made when asked for (a binary batch without
 *        ids.txt: no string per scenario, where names took 32 bytes a scenario, 32 MB
 *        at 10^6, beside mapped columns that allocate nothing).
 */
class scenario_ids {
 public:
  scenario_ids() = default;
  scenario_ids(std::vector<std::string> names) : names_(std::move(names)) {}  // NOLINT: a list of names is ids
  /// Ids 0 .. n - 1.
  static scenario_ids numbered(index_t n) {
    scenario_ids s;
    s.numbered_ = n;
    return s;
  }
  bool is_numbered() const { return numbered_ >= 0; }
  std::size_t size() const { return is_numbered() ? static_cast<std::size_t>(numbered_) : names_.size(); }
  bool empty() const { return size() == 0; }
  /// Scenario k's id.
  std::string operator[](std::size_t k) const { return is_numbered() ? std::to_string(k) : names_[k]; }
  /// The names, to fill or read in place (ids that are names: not numbered).
  std::vector<std::string>& names() { return names_; }
  const std::vector<std::string>& names() const { return names_; }
  void push_back(std::string id) { names_.push_back(std::move(id)); }

  friend bool operator==(const scenario_ids& a, const scenario_ids& b) {
    if (a.size() != b.size()) return false;
    if (!a.is_numbered() && !b.is_numbered()) return a.names_ == b.names_;
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (a[k] != b[k]) return false;
    }
    return true;
  }

 private:
  std::vector<std::string> names_;
  index_t numbered_ = -1;  ///< >= 0: that many numbered ids, names_ empty
};

/// An explicit batch: scenario ids in output order and double-precision columns.
struct batch {
  std::string source;  ///< the directory it was read from
  scenario_ids ids;
  batch_columns<double> columns;
  /// False for a binary batch read with its value checks left to the evaluation
  /// pass (source_options::checks_in_pass): its shape is checked, its values not
  /// yet. The cpu backend checks each chunk before it evaluates it; make_backend
  /// checks the whole batch first for every other backend.
  bool checked = true;

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

/// validate_columns's size checks alone (column lengths, offsets' count and ends): O(1); validate_columns
/// runs them first, as a binary batch's load does before checking in the evaluation pass.
void check_batch_shape(const batch_columns<double>& c, const std::string& what);

/// p[lo, hi) all in [+0, 1] (probability) or [+0, DBL_MAX] (not NaN): branch-free, on the bits.
bool batch_values_in_range(const double* p, index_t lo, index_t hi, bool probability);
inline bool batch_value_in_range(double v, bool probability) {
  return v >= 0 && v <= (probability ? 1.0 : std::numeric_limits<double>::max());
}
/// The one form of a bad value's message, "WHAT/FIELD.npy[I]: value V RULE"; validate_columns and
/// throw_bad_scenario both throw it.
[[noreturn]] void throw_bad_value(const std::string& what, const char* field, index_t i, double v, const char* rule);
/// throw_bad_value for a real column's value v outside its range: the rule it breaks first.
[[noreturn]] void throw_bad_real(const std::string& what, const char* field, index_t i, double v);

/**
 * @brief The lowest scenario of [lo, hi) with a value that validate_columns
 *        refuses, or -1. Reads only what evaluating [lo, hi) reads (its
 *        scalars, offsets lo..hi and the items they delimit), after
 *        check_batch_shape; no offset outside [0, item count] is followed.
 */
index_t first_bad_scenario(const batch_columns<double>& c, index_t lo, index_t hi);

/// Throws input_error for scenario s's first bad value (columns in validate_columns's order).
[[noreturn]] void throw_bad_scenario(const batch_columns<double>& c, const std::string& what, index_t s);

}  // namespace coopgrid
