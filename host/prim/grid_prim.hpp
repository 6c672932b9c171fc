#pragma once
// PRIM over a grid without its rows. A box on the grid's axes is a product of
// per-axis sets of points, and every metric depends on one block's fields
// (MODEL.md), so the rows in a box are a product of per-axis counts and its
// cases of interest a product of per-block counts (each block's sub-grid
// points that pass that block's --where conditions, tabulated once). The
// values of an axis inside a box are its in-box points, each repeated equally
// often, so EMA's quantile of them is found from the sorted points alone. A
// step costs about (sum of the block sub-grids) x (candidates) instead of the
// grid's size, and gives the trajectory PRIM over the grid's rows gives
// (python/tests/test_prim.py compares them).
#include <vector>

#include "host/prim/prim.hpp"
#include "host/reduce/spec.hpp"

namespace coopgrid {
struct grid;
}

namespace coopgrid::prim {

// Block sub-grids up to this many points are tabulated for the search (an
// axis of 1,000 values in a block of three such axes is 10^9: use the rows).
inline constexpr std::int64_t grid_prim_max_block_points = std::int64_t{1} << 24;

// inputs: the grid fields searched (axes), in output order; where: the
// conditions whose conjunction marks a case of interest; f32: the metrics
// evaluated in float, as an f32 run's rows are.
prim_result find_box_grid(const grid& g, const std::vector<int>& inputs, const std::vector<filter>& where,
                          const prim_options& options, bool f32);

// EMA's quantile (ema_quantile) of `sorted` with every value repeated
// `repeat` times, without building the repeated data.
double ema_quantile_repeated(const std::vector<double>& sorted, std::int64_t repeat, double q);

}  // namespace coopgrid::prim
