#include "host/reduce/factorized.hpp"

#include "host/reduce/factorized_impl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "host/reduce/metric_statistics.hpp"
#include "host/util/errors.hpp"
#include "kernels/histogram.hpp"

namespace coopgrid {

namespace factorized_detail {

index_t block_points(const grid& g, int b) {
  index_t n = 1;
  for (int f = block_field_lo(b); f < block_field_lo(b + 1); ++f) n *= g.size(f);
  return n;
}

bool same_spec(const reduce_spec& a, const reduce_spec& b) {
  if (a.where.size() != b.where.size()) return false;
  for (std::size_t i = 0; i < a.where.size(); ++i) {
    const auto &x = a.where[i], &y = b.where[i];
    if (x.metric != y.metric || x.at_least != y.at_least || x.threshold != y.threshold) return false;
  }
  return a.same_as(b) && a.hist_range_given == b.hist_range_given;
}

}  // namespace factorized_detail

using namespace factorized_detail;

/// Block b's points [lo, hi) that pass the block's filters: the selection, each metric's
/// extrema and exact sum, --by's ranking and --histogram's bins.
block_summary factorized_grid::impl::summarize(int b, index_t lo, index_t hi, const reduce_spec& spec) const {
  const auto& ms = metrics_of[b];
  const std::size_t w = ms.size();
  block_summary s;
  s.metrics.resize(w);
  std::vector<const filter*> filters;
  for (const auto& f : spec.where) {
    if (metric_block(f.metric) == b) filters.push_back(&f);
  }
  int by_slot = -1, hist_slot = -1;
  for (std::size_t i = 0; i < w; ++i) {
    if (spec.top_k > 0 && ms[i] == spec.top_by) by_slot = static_cast<int>(i);
    if (has_hist(spec) && ms[i] == spec.hist_metric) hist_slot = static_cast<int>(i);
  }
  if (hist_slot >= 0) s.hist.bins.assign(static_cast<std::size_t>(spec.hist_bins), 0);
  std::vector<int> slot_of(num_metrics, -1);
  for (std::size_t i = 0; i < w; ++i) slot_of[ms[i]] = static_cast<int>(i);
  for (index_t p = lo; p < hi; ++p) {
    const double* v = values[b].data() + static_cast<std::size_t>(p) * w;
    bool pass = true;
    for (const filter* f : filters) {
      if (!f->keeps(v[slot_of[f->metric]])) {
        pass = false;
        break;
      }
    }
    if (!pass) continue;
    s.sel.push_back(p);
    for (std::size_t i = 0; i < w; ++i) {
      auto& m = s.metrics[i];
      const double x = v[i];
      // In point order: the lowest point wins ties, as the lowest index
      // does in the element-wise fold.
      if (takes_min(x, p, m.min, m.argmin)) {
        m.min = x;
        m.argmin = p;
      }
      if (takes_max(x, p, m.max, m.argmax)) {
        m.max = x;
        m.argmax = p;
      }
      if (std::isfinite(x)) {
        for_each_moment_term(x, [&](int j, double t) { m.moments[static_cast<std::size_t>(j)].add(t); });
      } else {
        (x > 0 ? m.pos_inf : m.neg_inf) = true;
      }
    }
    if (by_slot >= 0) s.ranked.emplace_back(v[by_slot], p);
    if (hist_slot >= 0) {
      s.hist.add(histogram_bin(v[hist_slot], spec.hist_lo, spec.hist_hi, spec.hist_bins));
    }
  }
  if (by_slot >= 0) {
    std::sort(s.ranked.begin(), s.ranked.end(),
              [&](const top_entry& a, const top_entry& c) { return top_better(a, c, spec.top_ascending); });
  }
  return s;
}

reduce_state factorized_grid::impl::reduce_box(const box& x, const reduce_spec& spec) const {
  std::array<std::optional<block_summary>, num_grid_blocks> own;
  std::array<const block_summary*, num_grid_blocks> s{};
  index_t scenarios = 1, selected = 1;
  for (int b = 0; b < num_grid_blocks; ++b) {
    if (x.lo[b] == 0 && x.hi[b] == points[b]) {
      s[b] = &*whole[b];
    } else {
      own[b] = summarize(b, x.lo[b], x.hi[b], spec);
      s[b] = &*own[b];
    }
    scenarios *= x.hi[b] - x.lo[b];
    selected *= static_cast<index_t>(s[b]->sel.size());
  }
  reduce_state r(spec);
  r.scenarios = scenarios;
  r.selected = selected;
  if (selected == 0) return r;

  // The lowest selected scenario; a metric's argmin moves its own block's point only.
  index_t base = 0;
  for (int b = 0; b < num_grid_blocks; ++b) base += stride[b] * s[b]->sel.front();
  for (int b = 0; b < num_grid_blocks; ++b) {
    const index_t n_b = static_cast<index_t>(s[b]->sel.size());
    const auto mult = static_cast<std::uint64_t>(selected / n_b);  // scenarios per selected point of b
    const index_t others = base - stride[b] * s[b]->sel.front();
    for (std::size_t i = 0; i < metrics_of[b].size(); ++i) {
      const auto& part = s[b]->metrics[i];
      auto& out = r.metrics[static_cast<std::size_t>(metrics_of[b][i])];
      out.count = selected;
      out.min = part.min;
      out.max = part.max;
      out.argmin = others + stride[b] * part.argmin;
      out.argmax = others + stride[b] * part.argmax;
      out.moments = part.moments;
      out.multiply_sums(mult);
      out.has_pos_inf = part.pos_inf;
      out.has_neg_inf = part.neg_inf;
    }
    if (!s[b]->hist.bins.empty()) {
      r.hist = s[b]->hist;
      r.hist.multiply(static_cast<index_t>(mult));
    }
  }
  if (spec.top_k > 0) add_top(s, spec, r);
  return r;
}

/// The box's best K: tie groups of --by's block in rank order; within a
/// group its scenarios in index order (lexicographic over the blocks'
/// selected points, the group's points standing in for its block's).
void factorized_grid::impl::add_top(const std::array<const block_summary*, num_grid_blocks>& s, const reduce_spec& spec,
             reduce_state& r) const {
  const int tb = metric_block(spec.top_by);
  const auto& ranked = s[tb]->ranked;
  const auto k = static_cast<std::size_t>(spec.top_k);
  std::vector<index_t> group;
  std::vector<double> group_value;
  for (std::size_t i = 0; i < ranked.size() && r.top.size() < k;) {
    std::size_t j = i;
    group.clear();
    group_value.clear();
    while (j < ranked.size() && ranked[j].first == ranked[i].first) {
      group.push_back(ranked[j].second);  // ascending: ties rank by point
      group_value.push_back(ranked[j].first);
      ++j;
    }
    std::array<const std::vector<index_t>*, num_grid_blocks> lists{};
    for (int b = 0; b < num_grid_blocks; ++b) lists[b] = b == tb ? &group : &s[b]->sel;
    std::array<std::size_t, num_grid_blocks> d{};
    while (r.top.size() < k) {
      index_t idx = 0;
      for (int b = 0; b < num_grid_blocks; ++b) idx += stride[b] * (*lists[b])[d[b]];
      r.top.emplace_back(group_value[d[tb]], idx);
      int b = num_grid_blocks - 1;  // odometer step, last block fastest
      for (; b >= 0; --b) {
        if (++d[b] < lists[b]->size()) break;
        d[b] = 0;
      }
      if (b < 0) break;
    }
    i = j;
  }
}

void factorized_grid::impl::decompose(int level, index_t lo, index_t hi, box& at, std::vector<box>& out) const {
  if (lo >= hi) return;
  const index_t st = stride[level];
  const index_t dlo = lo / st, dhi = (hi - 1) / st;  // digits of the first and last scenario
  auto fixed = [&](index_t digit, index_t a, index_t c) {
    at.lo[level] = digit;
    at.hi[level] = digit + 1;
    decompose(level + 1, a, c, at, out);
  };
  if (level + 1 == num_grid_blocks) {  // stride 1: the interval itself
    at.lo[level] = lo;
    at.hi[level] = hi;
    out.push_back(at);
    return;
  }
  if (dlo == dhi && (lo % st != 0 || hi % st != 0)) {  // inside one digit, not all of it
    fixed(dlo, lo - dlo * st, hi - dlo * st);
    return;
  }
  index_t start = dlo, end = dhi + 1;  // whole digits [start, end)
  if (lo % st != 0) {
    fixed(dlo, lo - dlo * st, st);
    start = dlo + 1;
  }
  const bool right = hi % st != 0;
  if (right) end = dhi;
  if (start < end) {
    at.lo[level] = start;
    at.hi[level] = end;
    push_full(level + 1, at, out);
  }
  if (right) fixed(dhi, 0, hi - dhi * st);
}

void factorized_grid::impl::push_full(int level, box& at, std::vector<box>& out) const {
  for (int b = level; b < num_grid_blocks; ++b) {
    at.lo[b] = 0;
    at.hi[b] = points[b];
  }
  out.push_back(at);
}

bool factorized_grid::applicable(const grid& g) {
  for (int b = 0; b < num_grid_blocks; ++b) {
    if (block_points(g, b) > factorized_max_block_points) return false;
  }
  return true;
}

template <class T>
factorized_grid factorized_grid::build(const grid& g) {
  COOPGRID_EXPECTS(applicable(g), "factorized_grid: a block's sub-grid is too large");
  auto p = std::make_unique<impl>();
  p->total = g.num_scenarios;
  for (int f = 0; f < num_grid_fields; ++f) p->field_size[f] = g.size(f);
  for (int m = 0; m < num_metrics; ++m) p->metrics_of[metric_block(m)].push_back(m);
  index_t st = 1;
  for (int b = num_grid_blocks - 1; b >= 0; --b) {
    p->points[b] = block_points(g, b);
    p->stride[b] = st;
    st *= p->points[b];
  }
  COOPGRID_EXPECTS(st == g.num_scenarios, "factorized_grid: block sizes do not multiply to the grid's");
  // Block values from the same formula core in T as the element-wise path:
  // a scenario with the other blocks at point 0 gives this block's bits.
  const grid_tables<T> tables(g);
  const grid_view<T> view = tables.view();
  for (int b = 0; b < num_grid_blocks; ++b) {
    const auto& ms = p->metrics_of[b];
    auto& vals = p->values[b];
    vals.resize(static_cast<std::size_t>(p->points[b]) * ms.size());
    grid_point gp{};
    for (index_t q = 0; q < p->points[b]; ++q) {
      index_t rest = q;
      for (int f = block_field_lo(b + 1) - 1; f >= block_field_lo(b); --f) {
        gp.i[f] = rest % g.size(f);
        rest /= g.size(f);
      }
      const metric_row<T> row = evaluate_grid_point(view, gp);
      for (std::size_t i = 0; i < ms.size(); ++i) {
        vals[static_cast<std::size_t>(q) * ms.size() + i] = static_cast<double>(row.v[ms[i]]);
      }
    }
  }
  return factorized_grid(std::move(p));
}

factorized_grid::factorized_grid(std::unique_ptr<impl> p) : p_(std::move(p)) {}
factorized_grid::factorized_grid(factorized_grid&&) noexcept = default;
factorized_grid& factorized_grid::operator=(factorized_grid&&) noexcept = default;
factorized_grid::~factorized_grid() = default;

reduce_state factorized_grid::reduce(const reduce_spec& spec, index_t first, index_t count) {
  COOPGRID_EXPECTS(first >= 0 && count >= 0 && first + count <= p_->total,
                   "factorized_grid::reduce: range outside the grid");
  reduce_state total(spec);
  if (count == 0) return total;
  if (!p_->cached_spec || !same_spec(*p_->cached_spec, spec)) {
    for (int b = 0; b < num_grid_blocks; ++b) p_->whole[b] = p_->summarize(b, 0, p_->points[b], spec);
    p_->cached_spec = spec;
  }
  std::vector<box> boxes;
  box at{};
  p_->decompose(0, first, first + count, at, boxes);
  for (const auto& x : boxes) total.merge(spec, p_->reduce_box(x, spec));  // index order
  total.finish(spec);
  return total;
}

bool factorized_agrees(const reduce_state& f, const reduce_state& b) {
  auto bits = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  if (f.scenarios != b.scenarios || f.selected != b.selected || f.top != b.top || f.hist != b.hist) {
    return false;
  }
  for (int m = 0; m < num_metrics; ++m) {
    const auto &x = f.metrics[m], &y = b.metrics[m];
    if (x.count != y.count || x.argmin != y.argmin || x.argmax != y.argmax || !bits(x.min, y.min) ||
        !bits(x.max, y.max) || x.has_pos_inf != y.has_pos_inf || x.has_neg_inf != y.has_neg_inf) {
      return false;
    }
    for (const auto& stat : metric_statistics) {
      const double sx = stat.of(x), sy = stat.of(y);
      if (std::isnan(sy) || std::isinf(sy)) {
        if (!(bits(sx, sy) || (std::isnan(sx) && std::isnan(sy)))) return false;
        continue;
      }
      const double scale = std::max({std::abs(sy), std::isfinite(y.min) ? std::abs(y.min) : 0.0,
                                     std::isfinite(y.max) ? std::abs(y.max) : 0.0});
      if (!(std::abs(sx - sy) <= 1e-12 * scale)) return false;
    }
  }
  return true;
}

template <class T>
reduce_state factorized_grid_reduce(const grid& g, const reduce_spec& spec, index_t first, index_t count) {
  auto f = factorized_grid::build<T>(g);
  return f.reduce(spec, first, count);
}

template factorized_grid factorized_grid::build<float>(const grid&);
template factorized_grid factorized_grid::build<double>(const grid&);
template reduce_state factorized_grid_reduce<float>(const grid&, const reduce_spec&, index_t, index_t);
template reduce_state factorized_grid_reduce<double>(const grid&, const reduce_spec&, index_t, index_t);

}  // namespace coopgrid
