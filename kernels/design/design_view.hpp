#pragma once
/**
 * @file design_view.hpp
 * @brief A design (DESIGNS.md section 2) as a scenario source: sample i is decoded
 *        from its index, the problem and the seed alone, on host and device alike,
 *        as grid_view.hpp decodes grid point k. Nothing is materialised.
 *
 * Three steps, each a function below: the unit point u in [0, 1)^d of sample i
 * (integer arithmetic and exact conversions: bit-identical everywhere), the field
 * values (each parameter's inverse CDF, in double), and the metrics (the grid's
 * closed form of uniform blocks in precision T).
 */
#include "kernels/design/inverse_cdf.hpp"
#include "kernels/design/permutation.hpp"
#include "kernels/design/philox.hpp"
#include "kernels/design/sobol.hpp"
#include "kernels/grid_view.hpp"

namespace coopgrid::design {

/// `samples` is the user's own matrix (run --samples): its rows are the values, not unit points.
enum class design_kind : int { mc, lhs, sobol, saltelli, morris, samples };
inline constexpr int num_design_kinds = 6;  ///< their names: host/source/design.hpp (design_kinds)

/// A problem varies at most every field once.
inline constexpr int max_parameters = num_grid_fields;

/// Philox counter streams (philox_stream): coordinates, Morris trajectories, bootstrap weights.
inline constexpr std::uint32_t coordinate_stream = 0;
inline constexpr std::uint32_t morris_stream = 1;
inline constexpr std::uint32_t bootstrap_stream = 2;

struct parameter_view {
  int field = 0;
  distribution dist;
  const double* choices = nullptr;  ///< dist.kind == choice: dist.i0 values (device memory on the device)
};

/**
 * Trivially copyable: kernels take it by value. `num_points` is the number of
 * design points (Saltelli base points, Morris trajectories, else samples);
 * each gives `rows_per_point` samples, so num_samples = num_points * rows_per_point.
 */
struct design_view {
  design_kind kind = design_kind::mc;
  index_t num_points = 0;
  int rows_per_point = 1;
  index_t num_samples = 0;
  std::uint64_t seed = 0;
  int num_parameters = 0;
  /// saltelli: AB_g and BA_g swap every coordinate of group g together (SALib's groups);
  /// without groups every parameter is its own (group_of[j] = j).
  int num_groups = 0;
  int group_of[max_parameters] = {};
  bool scramble = false;      ///< sobol, saltelli: Owen-scrambled Sobol' points
  bool second_order = false;  ///< saltelli: the BA_j rows too
  bool mc_base = false;       ///< saltelli: Philox base points instead of Sobol'
  int levels = 4;             ///< morris: p (even)
  parameter_view params[max_parameters] = {};
  index_t fixed_ints[num_grid_fields] = {};  ///< every field's fixed value (varied ones are overwritten)
  double fixed_reals[num_grid_fields] = {};
  /// kind samples: num_samples x num_parameters values, row-major, checked on reading (device memory on the device).
  const double* samples = nullptr;
};

/// Rows per design point: Saltelli's A, AB_1..AB_G, [BA_1..BA_G,] B over its G groups (G = d
/// without groups); Morris's d + 1 points; else 1.
COOPGRID_HOST_DEVICE inline int design_rows_per_point(design_kind kind, int d, bool second_order, int groups) {
  switch (kind) {
    case design_kind::saltelli:
      return second_order ? 2 * groups + 2 : groups + 2;
    case design_kind::morris:
      return d + 1;
    default:
      return 1;
  }
}

/// Coordinate j of the Sobol' point i, scrambled or not.
COOPGRID_HOST_DEVICE inline double sobol_coordinate(const design_view& v, index_t i, int j) {
  return v.scramble ? sobol_scrambled_coordinate(i, j, v.seed) : sobol_point_coordinate(i, j);
}

/// Coordinate j (< 2d) of Saltelli base point b: A is the first d, B the last d.
COOPGRID_HOST_DEVICE inline double saltelli_base_coordinate(const design_view& v, index_t b, int j) {
  return v.mc_base ? mc_coordinate(v.seed, b, j) : sobol_coordinate(v, b, j);
}

/// The four draws of one Morris trajectory that matter per coordinate (SALib's x*, D*, P*).
struct morris_trajectory {
  int start_level[max_parameters];  ///< x*_j = start_level / (p - 1), start_level < p / 2
  int direction[max_parameters];    ///< D*_j = +1 or -1
  int step_of[max_parameters];      ///< P*: coordinate j moves at step step_of[j] + 1
};

/**
 * Trajectory t's draws, from the morris stream at counter (t, j): start levels
 * (j < d), directions (d + j), and a Fisher-Yates shuffle of the coordinate order
 * (2d + m).
 */
COOPGRID_HOST_DEVICE inline morris_trajectory draw_morris_trajectory(const design_view& v, index_t t) {
  morris_trajectory m;
  const int d = v.num_parameters;
  const int half = v.levels / 2;
  int order[max_parameters];
  for (int j = 0; j < d; ++j) {
    const double a = mc_coordinate(v.seed, t, static_cast<index_t>(philox_stream(morris_stream, j)));
    const double b = mc_coordinate(v.seed, t, static_cast<index_t>(philox_stream(morris_stream, d + j)));
    m.start_level[j] = static_cast<int>(discrete_offset(a, static_cast<std::uint64_t>(half - 1)));
    m.direction[j] = b < 0.5 ? -1 : 1;
    order[j] = j;
  }
  for (int k = d - 1; k >= 1; --k) {
    const double c = mc_coordinate(v.seed, t, static_cast<index_t>(philox_stream(morris_stream, 2 * d + k)));
    const int r = static_cast<int>(discrete_offset(c, static_cast<std::uint64_t>(k)));
    const int tmp = order[k];
    order[k] = order[r];
    order[r] = tmp;
  }
  for (int k = 0; k < d; ++k) m.step_of[order[k]] = k;
  return m;
}

/**
 * Level (0 .. p - 1) of coordinate j at step s of a trajectory: SALib's
 * B* = (J x* + Delta / 2 ((2B - J) D* + J)) P*, Delta = p / 2 levels. A coordinate
 * going down starts Delta above x*; it moves (by D* Delta) at its step.
 */
COOPGRID_HOST_DEVICE inline int morris_level(const morris_trajectory& m, int levels, int j, int s) {
  const int half = levels / 2;
  int level = m.start_level[j] + (m.direction[j] < 0 ? half : 0);
  if (m.step_of[j] < s) level += m.direction[j] * half;
  return level;
}

/// The unit point of sample i (0 <= i < num_samples): u[0 .. d).
COOPGRID_HOST_DEVICE inline void design_unit_point(const design_view& v, index_t i, double* u) {
  const int d = v.num_parameters;
  switch (v.kind) {
    case design_kind::mc:
      for (int j = 0; j < d; ++j) u[j] = mc_coordinate(v.seed, i, j);
      return;
    case design_kind::lhs:
      for (int j = 0; j < d; ++j) u[j] = lhs_coordinate(i, j, v.num_samples, v.seed);
      return;
    case design_kind::sobol:
      for (int j = 0; j < d; ++j) u[j] = sobol_coordinate(v, i, j);
      return;
    case design_kind::saltelli: {
      const index_t b = i / v.rows_per_point;
      const int r = static_cast<int>(i % v.rows_per_point);
      const int groups = v.num_groups;
      // Row r takes B's coordinates when it is B, or AB_g in group g, or BA_g away from group g.
      const bool is_b = r == v.rows_per_point - 1;
      const int ab = (r >= 1 && r <= groups) ? r - 1 : -1;
      const int ba = (v.second_order && r > groups && !is_b) ? r - groups - 1 : -1;
      for (int j = 0; j < d; ++j) {
        const int g = v.group_of[j];
        const bool from_b = is_b || g == ab || (ba >= 0 && g != ba);
        u[j] = saltelli_base_coordinate(v, b, from_b ? d + j : j);
      }
      return;
    }
    case design_kind::morris: {
      const index_t t = i / v.rows_per_point;
      const int s = static_cast<int>(i % v.rows_per_point);
      const morris_trajectory m = draw_morris_trajectory(v, t);
      const double top = static_cast<double>(v.levels - 1);
      for (int j = 0; j < d; ++j) u[j] = static_cast<double>(morris_level(m, v.levels, j, s)) / top;
      return;
    }
    case design_kind::samples:  // values, not unit points: design_sample_field_values reads them
      for (int j = 0; j < d; ++j) u[j] = 0.0;
      return;
  }
}

/// Parameter p's value at unit coordinate u, in double (integers and choices exact).
COOPGRID_HOST_DEVICE inline double parameter_value(const parameter_view& p, double u) {
  if (p.dist.kind == distribution_kind::choice) return p.choices[discrete_inverse_cdf(p.dist, u)];
  return inverse_cdf(p.dist, u);
}

/// Every field's value of a sample: the fixed values with the parameters' set.
struct field_values {
  index_t ints[num_grid_fields];
  double reals[num_grid_fields];
};

COOPGRID_HOST_DEVICE inline field_values design_field_values(const design_view& v, const double* u) {
  field_values f;
  for (int k = 0; k < num_grid_fields; ++k) {
    f.ints[k] = v.fixed_ints[k];
    f.reals[k] = v.fixed_reals[k];
  }
  for (int j = 0; j < v.num_parameters; ++j) {
    const parameter_view& p = v.params[j];
    if (grid_field_is_integer(p.field)) {
      // integers keep their exact value beyond 2^53; a choice of counts is integral (checked on reading).
      f.ints[p.field] = p.dist.kind == distribution_kind::integers
                            ? discrete_inverse_cdf(p.dist, u[j])
                            : static_cast<index_t>(parameter_value(p, u[j]));
    } else {
      f.reals[p.field] = parameter_value(p, u[j]);
    }
  }
  return f;
}

/// Every field's value of sample i: decoded from its unit point, or row i of the user's matrix.
COOPGRID_HOST_DEVICE inline field_values design_sample_field_values(const design_view& v, index_t i) {
  if (v.kind != design_kind::samples) {
    double u[max_parameters];
    design_unit_point(v, i, u);
    return design_field_values(v, u);
  }
  field_values f;
  for (int k = 0; k < num_grid_fields; ++k) {
    f.ints[k] = v.fixed_ints[k];
    f.reals[k] = v.fixed_reals[k];
  }
  const double* row = v.samples + i * v.num_parameters;
  for (int j = 0; j < v.num_parameters; ++j) {
    const int field = v.params[j].field;
    // Integer fields' values were checked integral and below 2^63 on reading.
    if (grid_field_is_integer(field)) f.ints[field] = static_cast<index_t>(row[j]);
    else f.reals[field] = row[j];
  }
  return f;
}

/// The metrics of a scenario given by its field values (uniform blocks), in precision T.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_field_values(const field_values& f) {
  return evaluate_uniform_blocks(uniform_blocks<T>{
      f.ints[countries_count], static_cast<T>(f.reals[countries_datasets]),
      static_cast<T>(f.reals[countries_share_prob]), make_consensus_base<T>(f.ints[standards_count]),
      static_cast<T>(f.reals[standards_difficulty]), log10_activities(static_cast<T>(f.reals[exchange_activities])),
      f.ints[exchange_countries_per_activity], f.ints[resources_count], static_cast<T>(f.reals[resources_share_prob]),
      make_consensus_base<T>(f.ints[ethics_count]), static_cast<T>(f.reals[ethics_difficulty])});
}

/// All metrics of design sample i.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_design_sample(const design_view& v, index_t i) {
  return evaluate_field_values<T>(design_sample_field_values(v, i));
}

}  // namespace coopgrid::design
