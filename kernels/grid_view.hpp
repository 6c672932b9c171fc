#pragma once
/**
 * @file grid_view.hpp
 * @brief Non-owning view of a parameter grid and the decoding of scenario k
 *        from its 64-bit index alone (the grid is never materialised).
 */
#include "kernels/formulas.hpp"

namespace coopgrid {

/// The grid's fields, in axis order: the last one varies fastest.
enum grid_field : int {
  countries_count,
  countries_datasets,
  countries_share_prob,
  standards_count,
  standards_difficulty,
  exchange_activities,
  exchange_countries_per_activity,
  resources_count,
  resources_share_prob,
  ethics_count,
  ethics_difficulty,
};
inline constexpr int num_grid_fields = 11;

inline constexpr const char* grid_field_names[num_grid_fields] = {
    "countries.count",      "countries.datasets",   "countries.share_prob",
    "standards.count",      "standards.difficulty", "exchange.activities",
    "exchange.countries_per_activity",              "resources.count",
    "resources.share_prob", "ethics.count",         "ethics.difficulty",
};

/// Integer-valued fields (counts and G) are held as index_t, the rest as T.
COOPGRID_HOST_DEVICE constexpr bool grid_field_is_integer(int f) {
  return f == countries_count || f == standards_count || f == exchange_countries_per_activity ||
         f == resources_count || f == ethics_count;
}

/**
 * @brief Axis tables of a grid. Field f has size[f] >= 1 points (1 = scalar);
 *        exactly one of ints[f] / reals[f] is set. The per-point invariants
 *        (log1p(-1/M), log1p(-1/L), log10 T) are computed once per axis
 *        point on the host, not once per scenario.
 */
template <class T>
struct grid_view {
  index_t num_scenarios = 0;
  index_t size[num_grid_fields] = {};
  const index_t* ints[num_grid_fields] = {};
  const T* reals[num_grid_fields] = {};
  const double* standards_log_q = nullptr;  ///< per standards.count point (double: see consensus_base)
  const double* ethics_log_q = nullptr;     ///< per ethics.count point
  const T* activities_log10 = nullptr;  ///< per exchange.activities point
};

/// Point indices of scenario k on each axis (last field fastest).
struct grid_point {
  index_t i[num_grid_fields];
};

template <class T>
COOPGRID_HOST_DEVICE inline grid_point decode_grid_index(const grid_view<T>& g, index_t k) {
  grid_point p;
#ifdef __CUDACC__
#pragma unroll
#endif
  for (int f = num_grid_fields - 1; f >= 0; --f) {
    const index_t n = g.size[f];
    if (n == 1) {
      p.i[f] = 0;
    } else {
      p.i[f] = k % n;
      k /= n;
    }
  }
  return p;
}

/// Moves p to the next scenario (k + 1): an odometer step, cheaper than decoding k + 1.
template <class T>
COOPGRID_HOST_DEVICE inline void advance_grid_point(const grid_view<T>& g, grid_point& p) {
  for (int f = num_grid_fields - 1; f >= 0; --f) {
    if (++p.i[f] < g.size[f]) return;
    p.i[f] = 0;
  }
}

/**
 * @brief One scenario whose blocks are uniform (every item of a block takes the
 *        block's value), with the per-block invariants already taken: a grid
 *        point reads them from its axis tables, a design sample computes them.
 */
template <class T>
struct uniform_blocks {
  index_t countries;
  T datasets, share_prob;
  consensus_base<T> standards;
  T standards_difficulty;
  T activities_log10;
  index_t countries_per_activity;
  index_t resources;
  T resources_share_prob;
  consensus_base<T> ethics;
  T ethics_difficulty;
};

/// All metrics of a scenario of uniform blocks: the closed forms of MODEL.md per block.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_uniform_blocks(const uniform_blocks<T>& s) {
  const T nn = T(s.countries);
  const T d = s.datasets, q = s.share_prob;
  // n equal integers: their product is their exact sum, as the loop over the items gives.
  const double quota =
      static_cast<double>(s.countries) * share_quota(static_cast<double>(d), static_cast<double>(q));
  return make_row(scenario_result<T>{
      countries_result<T>{nn * d, nn * (q * d), nn * (d * q * (T(1) - q)), static_cast<T>(quota)},
      uniform_consensus(s.standards, s.standards_difficulty),
      exchange_logs(s.activities_log10, s.countries_per_activity),
      resources_result<T>{T(s.resources) * s.resources_share_prob},
      uniform_consensus(s.ethics, s.ethics_difficulty)});
}

/// All metrics of the grid point p.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_grid_point(const grid_view<T>& g,
                                                              const grid_point& p) {
  return evaluate_uniform_blocks(uniform_blocks<T>{
      g.ints[countries_count][p.i[countries_count]],
      g.reals[countries_datasets][p.i[countries_datasets]],
      g.reals[countries_share_prob][p.i[countries_share_prob]],
      consensus_base<T>{g.ints[standards_count][p.i[standards_count]], g.standards_log_q[p.i[standards_count]]},
      g.reals[standards_difficulty][p.i[standards_difficulty]],
      g.activities_log10[p.i[exchange_activities]],
      g.ints[exchange_countries_per_activity][p.i[exchange_countries_per_activity]],
      g.ints[resources_count][p.i[resources_count]],
      g.reals[resources_share_prob][p.i[resources_share_prob]],
      consensus_base<T>{g.ints[ethics_count][p.i[ethics_count]], g.ethics_log_q[p.i[ethics_count]]},
      g.reals[ethics_difficulty][p.i[ethics_difficulty]]});
}

template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_grid_scenario(const grid_view<T>& g,
                                                                 index_t k) {
  return evaluate_grid_point(g, decode_grid_index(g, k));
}

}  // namespace coopgrid
