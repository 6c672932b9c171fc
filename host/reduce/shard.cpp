#include "host/reduce/shard.hpp"

#include <algorithm>

namespace coopgrid {

std::pair<index_t, index_t> shard_range(index_t num_scenarios, const shard_spec& s) {
  return shard_range(num_scenarios, s, reduce_unit);
}

std::pair<index_t, index_t> shard_range(index_t num_scenarios, const shard_spec& s, index_t unit) {
  const index_t units = (num_scenarios + unit - 1) / unit;
  auto at = [&](index_t k) {
    const auto u = static_cast<index_t>(static_cast<__int128>(units) * k / s.n);
    return std::min(num_scenarios, u * unit);
  };
  return {at(s.k), at(s.k + 1)};
}

}  // namespace coopgrid
