#pragma once
/**
 * @file grid_block_tables.hpp
 * @brief A grid's per-block tables (kernels/block_tables.hpp) built on the
 *        host, for the CPU backend's brute-force paths.
 */
#include <vector>

#include "kernels/block_tables.hpp"

namespace coopgrid {

/// Owns the tables a tabulated_grid_view points at; the grid_view's tables must outlive it.
template <class T>
class grid_block_tables {
 public:
  /// Evaluates every tabulated block's sub-grid once (the sum of the blocks' points, not their product).
  explicit grid_block_tables(const grid_view<T>& g);
  grid_block_tables(const grid_block_tables&) = delete;
  grid_block_tables& operator=(const grid_block_tables&) = delete;
  grid_block_tables(grid_block_tables&&) noexcept = default;
  grid_block_tables& operator=(grid_block_tables&&) noexcept = default;
  ~grid_block_tables() = default;

  const tabulated_grid_view<T>& view() const { return view_; }
  /// Every tabulated block's table, in block order (block_table_offset's layout).
  const std::vector<T>& values() const { return values_; }

 private:
  std::vector<T> values_;  // the vector's buffer does not move with it: view_ stays valid
  tabulated_grid_view<T> view_;
};

extern template class grid_block_tables<float>;
extern template class grid_block_tables<double>;

}  // namespace coopgrid
