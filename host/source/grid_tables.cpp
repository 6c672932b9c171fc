// The parsed grid: scenario decoding and the tables the backends read (no
// toml++ here: grid.cpp alone parses).
#include "host/source/grid.hpp"

namespace coopgrid {

std::vector<int> grid::axes() const {
  std::vector<int> out;
  for (int f = 0; f < num_grid_fields; ++f) {
    if (is_axis[f]) out.push_back(f);
  }
  return out;
}

std::array<index_t, num_grid_fields> grid::decode(index_t k) const {
  std::array<index_t, num_grid_fields> p{};
  for (int f = num_grid_fields - 1; f >= 0; --f) {
    const index_t n = size(f);
    p[f] = k % n;
    k /= n;
  }
  return p;
}

template <class T>
grid_tables<T>::grid_tables(const grid& g) : num_scenarios(g.num_scenarios) {
  for (int f = 0; f < num_grid_fields; ++f) {
    ints[f] = g.ints[f];
    reals[f].assign(g.reals[f].begin(), g.reals[f].end());
  }
  for (index_t m : ints[standards_count]) standards_log_q.push_back(consensus_log_q(m));
  for (index_t l : ints[ethics_count]) ethics_log_q.push_back(consensus_log_q(l));
  for (T a : reals[exchange_activities]) activities_log10.push_back(coopgrid::log10_activities(a));
}

template <class T>
grid_view<T> grid_tables<T>::view() const {
  grid_view<T> v;
  v.num_scenarios = num_scenarios;
  for (int f = 0; f < num_grid_fields; ++f) {
    v.size[f] = static_cast<index_t>(grid_field_is_integer(f) ? ints[f].size() : reals[f].size());
    v.ints[f] = ints[f].empty() ? nullptr : ints[f].data();
    v.reals[f] = reals[f].empty() ? nullptr : reals[f].data();
  }
  v.standards_log_q = standards_log_q.data();
  v.ethics_log_q = ethics_log_q.data();
  v.activities_log10 = activities_log10.data();
  return v;
}

template struct grid_tables<float>;
template struct grid_tables<double>;

}  // namespace coopgrid
