#pragma once
/**
 * @file block_tables.hpp
 * @brief Per-block tables of a grid for the brute-force paths (CPU rows and
 *        reductions, every CUDA grid kernel).
 *
 * Every metric depends on the fields of one block only (MODEL.md), so a grid
 * is the product of its five blocks' sub-grids. Each block's metrics are
 * evaluated once per point of its sub-grid, by evaluate_grid_point itself
 * (the other blocks at point 0), and a scenario becomes five block indices
 * and table lookups: the same bits as evaluating it, for none of the
 * transcendentals (8 per scenario: 4 per consensus block). A block whose
 * sub-grid exceeds block_table_max_points has no table and is evaluated per
 * scenario, as before.
 */
#include "kernels/grid_view.hpp"

namespace coopgrid {

/// The blocks of MODEL.md, in field (and metric) order.
enum class grid_block : int { countries, standards, exchange, resources, ethics };
inline constexpr int num_grid_blocks = 5;

/// Largest block sub-grid given a table: 2^18 points, at most 5 metrics each
/// (10 MiB in f64); realistic grids have a few thousand.
inline constexpr index_t block_table_max_points = index_t{1} << 18;

/// First field of block b (b = num_grid_blocks: the end); grid_field is in block order.
COOPGRID_HOST_DEVICE constexpr int block_field_lo(int b) {
  return b == 0 ? countries_count
       : b == 1 ? standards_count
       : b == 2 ? exchange_activities
       : b == 3 ? resources_count
       : b == 4 ? ethics_count
                : num_grid_fields;
}

/// The block of metric m, from the metric table's block column (its one home).
COOPGRID_HOST_DEVICE constexpr int metric_block(int m) {
  int i = 0;
#define COOPGRID_METRIC_BLOCK(name, blk, field, text) \
  if (m == i) return static_cast<int>(grid_block::blk); \
  ++i;
  COOPGRID_METRIC_TABLE(COOPGRID_METRIC_BLOCK)
#undef COOPGRID_METRIC_BLOCK
  return num_grid_blocks;
}

/// First metric of block b (b = num_grid_blocks: num_metrics).
COOPGRID_HOST_DEVICE constexpr int block_metric_lo(int b) {
  int m = 0;
  while (m < num_metrics && metric_block(m) < b) ++m;
  return m;
}

COOPGRID_HOST_DEVICE constexpr int block_metric_count(int b) { return block_metric_lo(b + 1) - block_metric_lo(b); }

namespace detail {
constexpr bool metrics_in_block_order() {
  for (int m = 1; m < num_metrics; ++m) {
    if (metric_block(m) < metric_block(m - 1)) return false;
  }
  return true;
}
}  // namespace detail
static_assert(detail::metrics_in_block_order(), "a block's metrics are contiguous: a table row is a slice of the row");

/// Points of block b's sub-grid: the product of its fields' sizes.
template <class T>
COOPGRID_HOST_DEVICE inline index_t block_points(const grid_view<T>& g, int b) {
  index_t n = 1;
  for (int f = block_field_lo(b); f < block_field_lo(b + 1); ++f) n *= g.size[f];
  return n;
}

/**
 * @brief A grid with its block tables: values[b] holds block b's metrics
 *        (block_metric_count(b) per point, point-major) or is null (the
 *        block is evaluated per scenario from g). Trivially copyable: passed
 *        to kernels by value; the pointers are device memory there.
 */
template <class T>
struct tabulated_grid_view {
  grid_view<T> g;
  index_t points[num_grid_blocks] = {};
  const T* values[num_grid_blocks] = {};
};

/// Point index of scenario k in each block's sub-grid (last block fastest).
struct block_point {
  index_t i[num_grid_blocks];
};

template <class T>
COOPGRID_HOST_DEVICE inline block_point decode_block_index(const tabulated_grid_view<T>& t, index_t k) {
  block_point q;
#ifdef __CUDACC__
#pragma unroll
#endif
  for (int b = num_grid_blocks - 1; b >= 0; --b) {
    const index_t n = t.points[b];
    if (n == 1) {
      q.i[b] = 0;
    } else {
      q.i[b] = k % n;
      k /= n;
    }
  }
  return q;
}

/// Moves q to the next scenario (k + 1).
template <class T>
COOPGRID_HOST_DEVICE inline void advance_block_point(const tabulated_grid_view<T>& t, block_point& q) {
  for (int b = num_grid_blocks - 1; b >= 0; --b) {
    if (++q.i[b] < t.points[b]) return;
    q.i[b] = 0;
  }
}

/// Sets the fields of block b in p to point q of its sub-grid (last field fastest).
template <class T>
COOPGRID_HOST_DEVICE inline void decode_block_fields(const grid_view<T>& g, int b, index_t q, grid_point& p) {
  for (int f = block_field_lo(b + 1) - 1; f >= block_field_lo(b); --f) {
    const index_t n = g.size[f];
    p.i[f] = q % n;
    q /= n;
  }
}

/**
 * @brief Block b's metrics at point q of its sub-grid into out[0, block_metric_count(b)):
 *        a grid scenario's own evaluation (the other blocks at point 0), so a
 *        table entry has the bits a scenario's evaluation gives.
 */
template <class T>
COOPGRID_HOST_DEVICE inline void tabulate_block_point(const grid_view<T>& g, int b, index_t q, T* out) {
  grid_point p{};
  decode_block_fields(g, b, q, p);
  const metric_row<T> row = evaluate_grid_point(g, p);
  const int lo = block_metric_lo(b), n = block_metric_count(b);
  for (int j = 0; j < n; ++j) out[j] = row.v[lo + j];
}

/// Offset of block b's table in one array holding every tabulated block's, in block order.
template <class T>
COOPGRID_HOST_DEVICE inline index_t block_table_offset(const tabulated_grid_view<T>& t, int b) {
  index_t o = 0;
  for (int c = 0; c < b; ++c) {
    if (t.points[c] <= block_table_max_points) o += t.points[c] * block_metric_count(c);
  }
  return o;
}

/// Total table entries (T values) of the tabulated blocks.
template <class T>
COOPGRID_HOST_DEVICE inline index_t block_table_size(const tabulated_grid_view<T>& t) {
  return block_table_offset(t, num_grid_blocks);
}

/// t with g's sizes and no tables yet: which blocks get one follows from the points alone.
template <class T>
COOPGRID_HOST_DEVICE inline tabulated_grid_view<T> untabulated(const grid_view<T>& g) {
  tabulated_grid_view<T> t;
  t.g = g;
  for (int b = 0; b < num_grid_blocks; ++b) t.points[b] = block_points(g, b);
  return t;
}

/// Points t's tables into `base`, laid out as block_table_offset says.
template <class T>
COOPGRID_HOST_DEVICE inline void attach_block_tables(tabulated_grid_view<T>& t, const T* base) {
  for (int b = 0; b < num_grid_blocks; ++b) {
    t.values[b] = t.points[b] <= block_table_max_points ? base + block_table_offset(t, b) : nullptr;
  }
}

/// Table rows (points) of the tabulated blocks, all blocks together.
template <class T>
COOPGRID_HOST_DEVICE inline index_t block_table_rows(const tabulated_grid_view<T>& t) {
  index_t n = 0;
  for (int b = 0; b < num_grid_blocks; ++b) {
    if (t.points[b] <= block_table_max_points) n += t.points[b];
  }
  return n;
}

/**
 * @brief Row r of all blocks' tables together (block order) into base, laid
 *        out as block_table_offset says: the body of the table builders (a
 *        CPU loop, a CUDA thread per row).
 */
template <class T>
COOPGRID_HOST_DEVICE inline void tabulate_block_row(const tabulated_grid_view<T>& t, index_t r, T* base) {
  for (int b = 0; b < num_grid_blocks; ++b) {
    if (t.points[b] > block_table_max_points) continue;
    if (r < t.points[b]) {
      tabulate_block_point(t.g, b, r, base + block_table_offset(t, b) + r * block_metric_count(b));
      return;
    }
    r -= t.points[b];
  }
}

/**
 * @brief All metrics of the scenario at block point q: table lookups, and the
 *        untabulated blocks (if any) evaluated from their decoded fields.
 */
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_block_point(const tabulated_grid_view<T>& t,
                                                               const block_point& q) {
  metric_row<T> row;
  bool direct = false;
#ifdef __CUDACC__
#pragma unroll
#endif
  for (int b = 0; b < num_grid_blocks; ++b) direct = direct || t.values[b] == nullptr;
  if (direct) {  // today's evaluation; the tabulated blocks are overwritten below with equal bits
    grid_point p{};
    for (int b = 0; b < num_grid_blocks; ++b) {
      if (t.values[b] == nullptr) decode_block_fields(t.g, b, q.i[b], p);
    }
    row = evaluate_grid_point(t.g, p);
  }
#ifdef __CUDACC__
#pragma unroll
#endif
  for (int b = 0; b < num_grid_blocks; ++b) {
    const T* v = t.values[b];
    if (v == nullptr) continue;
    const int lo = block_metric_lo(b), n = block_metric_count(b);
    v += q.i[b] * n;
    for (int j = 0; j < n; ++j) row.v[lo + j] = v[j];
  }
  return row;
}

template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_tabulated_scenario(const tabulated_grid_view<T>& t, index_t k) {
  return evaluate_block_point(t, decode_block_index(t, k));
}

}  // namespace coopgrid
