#pragma once
// Internal to host/reduce/factorized.cpp and factorized_marginal.cpp: the
// factorized reduction's block summaries and its state (factorized_grid::impl).
// The blocks, their fields and their metrics are kernels/block_tables.hpp's.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/reduce/factorized.hpp"
#include "kernels/block_tables.hpp"

namespace coopgrid {
namespace factorized_detail {

/// One metric over a block's selected points: extrema at block points, the exact plain sum.
struct metric_part {
  double min = 0, max = 0;
  index_t argmin = -1, argmax = -1;  ///< block points
  std::array<exact_sum, num_moments> moments;  ///< power sums of the finite values, each once
  bool pos_inf = false, neg_inf = false;
};

/// A block's selected points in an interval of its points, and what the reduction needs of them.
struct block_summary {
  std::vector<index_t> sel;          ///< selected points, ascending
  std::vector<metric_part> metrics;  ///< per metric of the block (impl::metrics_of order)
  std::vector<top_entry> ranked;     ///< (value, point) of --by's block, best first
  histogram_counts hist;             ///< point counts of --histogram's block
};

/// A block's selected points grouped by the marginal fields in it (key: the cell's digits those fields fix).
struct block_groups {
  std::vector<index_t> count;           ///< selected points per key
  std::vector<metric_summary> metrics;  ///< per key, per metric of the block (impl::metrics_of order)
};

/// A sub-product of the grid: an interval of points per block.
struct box {
  index_t lo[num_grid_blocks], hi[num_grid_blocks];
};

/// Grid g's points in block b (the product of its fields' sizes).
index_t block_points(const grid& g, int b);
/// Whether two specs select, rank and bin the same (the cached summaries stay valid).
bool same_spec(const reduce_spec& a, const reduce_spec& b);

}  // namespace factorized_detail

struct factorized_grid::impl {
  using block_summary = factorized_detail::block_summary;
  using block_groups = factorized_detail::block_groups;
  using box = factorized_detail::box;

  index_t total = 0;
  index_t points[num_grid_blocks] = {};
  index_t stride[num_grid_blocks] = {};
  std::vector<int> metrics_of[num_grid_blocks];
  std::vector<double> values[num_grid_blocks];  ///< point-major, metrics_of order, widened from T

  std::optional<reduce_spec> cached_spec;
  std::array<std::optional<block_summary>, num_grid_blocks> whole;  ///< each block's full interval
  index_t field_size[num_grid_fields] = {};

  std::optional<reduce_spec> marginal_spec;  ///< the spec of whole_groups
  std::map<std::string, std::array<std::optional<block_groups>, num_grid_blocks>> whole_groups;  ///< by marginal_key

  bool has_hist(const reduce_spec& spec) const { return spec.hist_metric >= 0 && spec.hist_range_given; }
  /// Block b's points [lo, hi) that pass the block's filters, summarized (factorized.cpp).
  block_summary summarize(int b, index_t lo, index_t hi, const reduce_spec& spec) const;
  /// The reduction of one sub-product.
  reduce_state reduce_box(const box& x, const reduce_spec& spec) const;
  /// The box's best K.
  void add_top(const std::array<const block_summary*, num_grid_blocks>& s, const reduce_spec& spec,
               reduce_state& r) const;
  /// Block b's selected points grouped by the marginal's fields in it (factorized_marginal.cpp).
  block_groups group(int b, index_t lo, index_t hi, const reduce_spec& spec, const marginal& m) const;
  /// The marginal of one sub-product, added to m.
  void marginal_box(const box& x, const reduce_spec& spec, marginal& m,
                    const std::array<std::optional<block_groups>, num_grid_blocks>& whole_g) const;
  /// Cuts [lo, hi) of the sub-space of blocks >= level (prefix fixed in `at`) into boxes, in index order.
  void decompose(int level, index_t lo, index_t hi, box& at, std::vector<box>& out) const;
  void push_full(int level, box& at, std::vector<box>& out) const;
};

}  // namespace coopgrid
