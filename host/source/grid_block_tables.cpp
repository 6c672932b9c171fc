#include "host/source/grid_block_tables.hpp"

namespace coopgrid {

template <class T>
grid_block_tables<T>::grid_block_tables(const grid_view<T>& g) : view_(untabulated(g)) {
  values_.resize(static_cast<std::size_t>(block_table_size(view_)));
  const index_t rows = block_table_rows(view_);
  for (index_t r = 0; r < rows; ++r) tabulate_block_row(view_, r, values_.data());
  attach_block_tables(view_, values_.data());
}

template class grid_block_tables<float>;
template class grid_block_tables<double>;

}  // namespace coopgrid
