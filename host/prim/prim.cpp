#include "host/prim/prim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>

#include "host/prim/search.hpp"
#include "host/util/errors.hpp"

namespace coopgrid::prim {
namespace {

// Rows in memory: the current box's rows kept as a list, so that a peel
// scans only them (EMA's `box.yi`).
class rows_space {
 public:
  explicit rows_space(const prim_data_view& data) : data_(data) {
    for (const double* column : data.columns) {
      auto [lo, hi] = std::minmax_element(column, column + data.rows);
      initial_.lower.push_back(*lo);
      initial_.upper.push_back(*hi);
    }
    all_.resize(static_cast<std::size_t>(data.rows));
    for (std::int64_t r = 0; r < data.rows; ++r) all_[r] = r, total_cases_ += data.interest[r] != 0;
  }
  std::int64_t columns() const { return static_cast<std::int64_t>(data_.columns.size()); }
  box_limits initial() const { return initial_; }
  std::int64_t total_rows() const { return data_.rows; }
  std::int64_t total_cases() const { return total_cases_; }

  counts count(const box_limits& b, const std::vector<std::int64_t>& dims, bool within_box) const {
    counts c;
    for (std::int64_t r : within_box ? current_ : all_)
      if (inside(b, dims, r)) ++c.rows, c.cases += data_.interest[r] != 0;
    return c;
  }
  double quantile(std::int64_t j, double q, bool) const {
    scratch_.resize(current_.size());
    for (std::size_t i = 0; i < current_.size(); ++i) scratch_[i] = data_.columns[j][current_[i]];
    return ema_quantile_unsorted(scratch_, q);
  }
  std::optional<double> slab_quantile(const box_limits& slab, const std::vector<std::int64_t>& dims, std::int64_t j,
                                      double q, bool) const {
    scratch_.clear();
    for (std::int64_t r : all_)
      if (inside(slab, dims, r)) scratch_.push_back(data_.columns[j][r]);
    if (scratch_.empty()) return std::nullopt;
    return ema_quantile_unsorted(scratch_, q);
  }
  void enter(const box_limits& b) {
    std::vector<std::int64_t> dims = search_detail::restricted_dims(b, initial_);
    current_.clear();
    for (std::int64_t r : all_)
      if (inside(b, dims, r)) current_.push_back(r);
  }

 private:
  bool inside(const box_limits& b, const std::vector<std::int64_t>& dims, std::int64_t r) const {
    for (std::int64_t j : dims) {
      const double v = data_.columns[j][r];
      if (!(b.lower[j] <= v && v <= b.upper[j])) return false;
    }
    return true;
  }
  const prim_data_view& data_;
  box_limits initial_;
  std::vector<std::int64_t> all_, current_;
  mutable std::vector<double> scratch_;  // a column's values in the box, reordered by selection
  std::int64_t total_cases_ = 0;
};

}  // namespace

void check_options(const prim_options& o) {
  auto open = [](double v, double lo, double hi) { return v > lo && v < hi; };
  if (!open(o.peel_alpha, 0, 0.5))
    throw input_error(fmt::format("prim: --peel-alpha must be in (0, 0.5) (got {})", o.peel_alpha));
  if (!open(o.paste_alpha, 0, 0.5))
    throw input_error(fmt::format("prim: --paste-alpha must be in (0, 0.5) (got {})", o.paste_alpha));
  if (!(o.mass_min >= 0 && o.mass_min <= 1))
    throw input_error(fmt::format("prim: --mass-min must be in [0, 1] (got {})", o.mass_min));
  if (!(o.threshold >= 0 && o.threshold <= 1))
    throw input_error(fmt::format("prim: --threshold must be in [0, 1] (got {})", o.threshold));
}

double ema_quantile(const std::vector<double>& sorted, double q) {
  COOPGRID_EXPECTS(!sorted.empty() && q > 0 && q < 1, "ema_quantile: no data or q outside (0, 1)");
  const double i = static_cast<double>(sorted.size() - 1) * q;
  auto lo = static_cast<std::int64_t>(std::floor(i)), hi = static_cast<std::int64_t>(std::ceil(i));
  const auto last = static_cast<std::int64_t>(sorted.size()) - 1;
  if (q > 0.5) {
    while (sorted[lo] == sorted[hi] && lo > 0) --lo;
  } else {
    while (sorted[lo] == sorted[hi] && hi < last) ++hi;
  }
  return (sorted[lo] + sorted[hi]) / 2;
}

double ema_quantile_unsorted(std::vector<double>& v, double q) {
  COOPGRID_EXPECTS(!v.empty() && q > 0 && q < 1, "ema_quantile: no data or q outside (0, 1)");
  const double i = static_cast<double>(v.size() - 1) * q;
  const auto lo = static_cast<std::ptrdiff_t>(std::floor(i)), hi = static_cast<std::ptrdiff_t>(std::ceil(i));
  std::nth_element(v.begin(), v.begin() + lo, v.end());
  double a = v[static_cast<std::size_t>(lo)];
  double b = hi == lo ? a : *std::min_element(v.begin() + lo + 1, v.end());  // v[hi] of the sorted order
  if (a != b) return (a + b) / 2;
  // A tie: as ema_quantile's walk, the nearest different value below (upper side) or above.
  bool found = false;
  if (q > 0.5) {
    for (auto it = v.begin(); it != v.begin() + lo; ++it)
      if (*it < b && (!found || *it > a)) a = *it, found = true;
  } else {
    for (auto it = v.begin() + lo + 1; it != v.end(); ++it)
      if (*it > a && (!found || *it < b)) b = *it, found = true;
  }
  return (a + b) / 2;
}

double binomial_upper_tail(std::int64_t cases, std::int64_t rows, double p) {
  if (cases <= 0) return 1.0;
  if (cases > rows) return 0.0;
  boost::math::binomial_distribution<double> d(static_cast<double>(rows), p);
  return boost::math::cdf(boost::math::complement(d, static_cast<double>(cases - 1)));
}

prim_result find_box(const prim_data_view& data, const prim_options& options) {
  check_options(options);
  if (data.rows <= 0) throw input_error("prim: no rows");
  if (data.columns.empty()) throw input_error("prim: no inputs");
  for (std::size_t j = 0; j < data.columns.size(); ++j)
    for (std::int64_t r = 0; r < data.rows; ++r)
      if (!std::isfinite(data.columns[j][r]))
        throw input_error(fmt::format("prim: input {} of row {} is not finite ({})", j, r, data.columns[j][r]));
  rows_space space(data);
  return search_detail::search(space, options);
}

}  // namespace coopgrid::prim
