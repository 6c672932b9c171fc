// The factorized reduction's marginals (--marginal on a grid): each block's selected points
// grouped by the marginal's fields in it, then every cell a product of per-block groups.
#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "host/reduce/factorized_impl.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {
namespace {
using namespace factorized_detail;

int block_of_field(int f) {
  int b = 0;
  while (f >= block_field_lo(b + 1)) ++b;
  return b;
}

/// Which of the marginal's axes lie in block b: bit a set for axis a.
unsigned axes_in(const marginal& m, int b) {
  unsigned bits = 0;
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    if (block_of_field(m.axes[a].input) == b) bits |= 1u << a;
  }
  return bits;
}

/// The group key of block b for cell digits (j0, j1).
index_t group_key(const marginal& m, unsigned bits, index_t j0, index_t j1) {
  switch (bits) {
    case 1: return j0;
    case 2: return j1;
    case 3: return m.cell_of(j0, j1);
    default: return 0;
  }
}

}  // namespace

block_groups factorized_grid::impl::group(int b, index_t lo, index_t hi, const reduce_spec& spec,
                                          const marginal& m) const {
  const auto& ms = metrics_of[b];
  const std::size_t w = ms.size();
  const unsigned bits = axes_in(m, b);
  const index_t keys = bits == 3 ? m.num_cells() : bits == 1 ? m.axes[0].cells() : bits == 2 ? m.axes[1].cells() : 1;
  block_groups g;
  g.count.assign(static_cast<std::size_t>(keys), 0);
  g.metrics.assign(static_cast<std::size_t>(keys) * w, metric_summary{});
  std::vector<int> slot_of(num_metrics, -1);
  for (std::size_t i = 0; i < w; ++i) slot_of[ms[i]] = static_cast<int>(i);
  index_t digit[num_grid_fields] = {};
  for (index_t p = lo; p < hi; ++p) {
    const double* v = values[b].data() + static_cast<std::size_t>(p) * w;
    bool pass = true;
    for (const auto& f : spec.where) {
      if (metric_block(f.metric) != b) continue;
      if (!f.keeps(v[slot_of[f.metric]])) {
        pass = false;
        break;
      }
    }
    if (!pass) continue;
    index_t rest = p;
    for (int f = block_field_lo(b + 1) - 1; f >= block_field_lo(b); --f) {
      digit[f] = rest % field_size[f];
      rest /= field_size[f];
    }
    const index_t j0 = digit[m.axes[0].input];
    const index_t j1 = m.axes.size() == 2 ? digit[m.axes[1].input] : 0;
    const index_t key = group_key(m, bits, j0, j1);
    ++g.count[static_cast<std::size_t>(key)];
    for (std::size_t i = 0; i < w; ++i) g.metrics[static_cast<std::size_t>(key) * w + i].add(v[i], 0);
  }
  return g;
}

void factorized_grid::impl::marginal_box(const box& x, const reduce_spec& spec, marginal& m,
                  const std::array<std::optional<block_groups>, num_grid_blocks>& whole_g) const {
  std::array<std::optional<block_groups>, num_grid_blocks> own;
  std::array<const block_groups*, num_grid_blocks> g{};
  std::array<unsigned, num_grid_blocks> bits{};
  for (int b = 0; b < num_grid_blocks; ++b) {
    bits[b] = axes_in(m, b);
    if (x.lo[b] == 0 && x.hi[b] == points[b]) {
      g[b] = &*whole_g[b];
    } else {
      own[b] = group(b, x.lo[b], x.hi[b], spec, m);
      g[b] = &*own[b];
    }
  }
  std::vector<std::pair<int, std::size_t>> where_of(m.metrics.size());  // (block, slot in block)
  for (std::size_t s = 0; s < m.metrics.size(); ++s) {
    const int b = metric_block(m.metrics[s]);
    const auto& ms = metrics_of[b];
    where_of[s] = {b, static_cast<std::size_t>(std::find(ms.begin(), ms.end(), m.metrics[s]) - ms.begin())};
  }
  const index_t n1 = m.axes.size() == 2 ? m.axes[1].cells() : 1;
  for (index_t c = 0; c < m.num_cells(); ++c) {
    const index_t j0 = c / n1, j1 = c % n1;
    index_t key[num_grid_blocks];
    index_t count = 1;
    for (int b = 0; b < num_grid_blocks; ++b) {
      key[b] = group_key(m, bits[b], j0, j1);
      count *= g[b]->count[static_cast<std::size_t>(key[b])];
    }
    if (count == 0) continue;
    for (std::size_t s = 0; s < m.metrics.size(); ++s) {
      const auto [b, i] = where_of[s];
      const index_t n_b = g[b]->count[static_cast<std::size_t>(key[b])];
      metric_summary part = g[b]->metrics[static_cast<std::size_t>(key[b]) * metrics_of[b].size() + i];
      part.count = count;
      part.multiply_sums(static_cast<std::uint64_t>(count / n_b));  // scenarios per point of the group
      m.at(c, s).merge(part);
    }
  }
}

void factorized_grid::add_marginal(const reduce_spec& spec, marginal& m, index_t first, index_t count) {
  COOPGRID_EXPECTS(first >= 0 && count >= 0 && first + count <= p_->total,
                   "factorized_grid::add_marginal: range outside the grid");
  COOPGRID_EXPECTS(!m.axes.empty() && m.axes.size() <= 2, "factorized_grid::add_marginal: one or two axes");
  if (count == 0) return;
  if (!p_->marginal_spec || !same_spec(*p_->marginal_spec, spec)) {
    p_->whole_groups.clear();
    p_->marginal_spec = spec;
  }
  std::string key;
  for (const auto& a : m.axes) key += fmt::format("{} ", a.input);
  auto& whole_g = p_->whole_groups[key];
  for (int b = 0; b < num_grid_blocks; ++b) {
    if (!whole_g[b]) whole_g[b] = p_->group(b, 0, p_->points[b], spec, m);
  }
  std::vector<box> boxes;
  box at{};
  p_->decompose(0, first, first + count, at, boxes);
  for (const auto& x : boxes) p_->marginal_box(x, spec, m, whole_g);
}

}  // namespace coopgrid
