#include "host/prim/grid_prim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "host/prim/search.hpp"
#include "host/source/grid.hpp"
#include "kernels/block_tables.hpp"

namespace coopgrid::prim {

double ema_quantile_repeated(const std::vector<double>& sorted, std::int64_t repeat, double q) {
  COOPGRID_EXPECTS(!sorted.empty() && repeat > 0 && q > 0 && q < 1, "ema_quantile_repeated: no data");
  const std::int64_t n = static_cast<std::int64_t>(sorted.size()) * repeat;
  auto at = [&](std::int64_t x) { return sorted[static_cast<std::size_t>(x / repeat)]; };
  const double i = static_cast<double>(n - 1) * q;
  auto lo = static_cast<std::int64_t>(std::floor(i)), hi = static_cast<std::int64_t>(std::ceil(i));
  if (at(lo) == at(hi)) {  // EMA steps past the tie, away from the median: to the next distinct value
    const double v = at(hi);
    if (q > 0.5) {
      const auto first = static_cast<std::int64_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
      lo = first * repeat > 0 ? first * repeat - 1 : 0;
    } else {
      const auto end = static_cast<std::int64_t>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
      hi = std::min(end * repeat, n - 1);
    }
  }
  return (at(lo) + at(hi)) / 2;
}

namespace {

class grid_space {
 public:
  grid_space(const grid& g, const std::vector<int>& inputs, const std::vector<filter>& where, bool f32)
      : g_(g), inputs_(inputs) {
    for (std::size_t j = 0; j < inputs.size(); ++j) {
      const int f = inputs[j];
      double lo = g.value(f, 0), hi = lo;
      for (index_t p = 1; p < g.size(f); ++p) lo = std::min(lo, g.value(f, p)), hi = std::max(hi, g.value(f, p));
      initial_.lower.push_back(lo);
      initial_.upper.push_back(hi);
    }
    if (f32) tabulate<float>(where);
    else tabulate<double>(where);
    total_ = count(initial_, {}, false);
    current_ = initial_;
  }
  std::int64_t columns() const { return static_cast<std::int64_t>(inputs_.size()); }
  box_limits initial() const { return initial_; }
  std::int64_t total_rows() const { return total_.rows; }
  std::int64_t total_cases() const { return total_.cases; }

  counts count(const box_limits& b, const std::vector<std::int64_t>& dims, bool) const {
    std::array<std::vector<std::uint8_t>, num_grid_fields> in;
    std::array<std::int64_t, num_grid_fields> n{};
    for (int f = 0; f < num_grid_fields; ++f) {
      in[f].assign(static_cast<std::size_t>(g_.size(f)), 1);
      n[f] = g_.size(f);
    }
    for (std::int64_t j : dims) {
      const int f = inputs_[j];
      n[f] = 0;
      for (index_t p = 0; p < g_.size(f); ++p) {
        const double v = g_.value(f, p);
        in[f][p] = b.lower[j] <= v && v <= b.upper[j];
        n[f] += in[f][p];
      }
    }
    counts c{1, 1};
    for (int f = 0; f < num_grid_fields; ++f) c.rows *= n[f];
    for (int blk = 0; blk < num_grid_blocks; ++blk) c.cases *= block_cases(blk, in, n);
    return c;
  }
  double quantile(std::int64_t j, double q, bool) const { return values_quantile(current_, j, q).value(); }
  std::optional<double> slab_quantile(const box_limits& slab, const std::vector<std::int64_t>&, std::int64_t j,
                                      double q, bool) const {
    return values_quantile(slab, j, q);
  }
  void enter(const box_limits& b) { current_ = b; }

 private:
  // Block blk's cases: its points in the box that pass its conditions (all
  // of them when it has none), as a product of per-axis counts where it can.
  std::int64_t block_cases(int blk, const std::array<std::vector<std::uint8_t>, num_grid_fields>& in,
                           const std::array<std::int64_t, num_grid_fields>& n) const {
    const int lo = block_field_lo(blk), hi = block_field_lo(blk + 1);
    if (pass_[blk].empty()) {
      std::int64_t c = 1;
      for (int f = lo; f < hi; ++f) c *= n[f];
      return c;
    }
    std::int64_t c = 0;
    for (std::size_t q = 0; q < pass_[blk].size(); ++q) {
      if (!pass_[blk][q]) continue;
      auto rest = static_cast<index_t>(q);
      bool inside = true;
      for (int f = hi - 1; f >= lo && inside; --f) {  // last field fastest, as decode_block_fields
        inside = in[f][static_cast<std::size_t>(rest % g_.size(f))] != 0;
        rest /= g_.size(f);
      }
      c += inside;
    }
    return c;
  }

  // Input j's values over the rows of box b: its in-box points, each repeated
  // rows / points times; none when the box is empty.
  std::optional<double> values_quantile(const box_limits& b, std::int64_t j, double q) const {
    std::vector<std::int64_t> dims = search_detail::restricted_dims(b, initial_);
    const counts c = count(b, dims, false);
    const int f = inputs_[j];
    std::vector<double> v;
    for (index_t p = 0; p < g_.size(f); ++p)
      if (b.lower[j] <= g_.value(f, p) && g_.value(f, p) <= b.upper[j]) v.push_back(g_.value(f, p));
    if (c.rows == 0 || v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    return ema_quantile_repeated(v, c.rows / static_cast<std::int64_t>(v.size()), q);
  }

  template <class T>
  void tabulate(const std::vector<filter>& where) {
    const grid_tables<T> tables(g_);
    const grid_view<T> view = tables.view();
    for (int blk = 0; blk < num_grid_blocks; ++blk) {
      reduce_spec spec;
      for (const filter& f : where)
        if (metric_block(f.metric) == blk) spec.where.push_back(f);
      if (spec.where.empty()) continue;
      const index_t points = block_points(view, blk);
      if (points > grid_prim_max_block_points)
        throw input_error(fmt::format("prim: {}: block {} has {} points, more than the grid path tabulates ({}); "
                                      "use --brute-force",
                                      g_.source, blk, points, grid_prim_max_block_points));
      pass_[blk].resize(static_cast<std::size_t>(points));
      std::array<T, num_metrics> out{};
      std::array<double, num_metrics> v{};
      for (index_t q = 0; q < points; ++q) {
        tabulate_block_point(view, blk, q, out.data());
        for (int m = 0; m < block_metric_count(blk); ++m) v[block_metric_lo(blk) + m] = static_cast<double>(out[m]);
        pass_[blk][static_cast<std::size_t>(q)] = spec.passes(v.data());
      }
    }
  }

  const grid& g_;
  std::vector<int> inputs_;
  box_limits initial_, current_;
  std::array<std::vector<std::uint8_t>, num_grid_blocks> pass_;  // per block point; empty: no condition
  counts total_;
};

}  // namespace

prim_result find_box_grid(const grid& g, const std::vector<int>& inputs, const std::vector<filter>& where,
                          const prim_options& options, bool f32) {
  check_options(options);
  if (inputs.empty()) throw input_error("prim: no inputs: the grid has no axis to search");
  grid_space space(g, inputs, where, f32);
  return search_detail::search(space, options);
}

}  // namespace coopgrid::prim
