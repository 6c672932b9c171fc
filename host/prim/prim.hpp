#pragma once
// PRIM, the patient rule induction method (Friedman and Fisher 1999) as EMA
// Workbench runs it for scenario discovery (ema_workbench.analysis.prim.Prim,
// 2.5.3; Bryant and Lempert 2010 for coverage, density and quasi-p-values):
// one box, found by peeling then pasting, over rows held in memory.
//
// Every input is real-valued (EMA's float path: `_real_peel`, `_real_paste`,
// the `lenient1` objective, threshold type ABOVE, the default update). Cuts
// are EMA's `get_quantile` of the values in the box, so the trajectory, the
// limits and the quasi-p-values are EMA's own on the same rows
// (python/tests/test_prim.py runs both).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace coopgrid::prim {

struct prim_options {
  double peel_alpha = 0.05;   // share of the box's rows peeled per step, per side
  double paste_alpha = 0.05;  // share of the rows beside the box pasted per step
  double mass_min = 0.05;     // the smallest box, as a share of all rows
  double threshold = 0.8;     // the density a box must reach to be returned
};

// Rows by columns: `columns[j][r]` is input j of row r; `interest[r]` is 1
// for a case of interest. The caller keeps the storage alive.
struct prim_data_view {
  std::vector<const double*> columns;
  const std::uint8_t* interest = nullptr;
  std::int64_t rows = 0;
};

struct box_limits {
  std::vector<double> lower, upper;  // per input
};

// One box of the peeling and pasting trajectory, with EMA's statistics.
struct box_entry {
  box_limits limits;
  double coverage = 0;       // cases of interest in the box / all cases of interest
  double density = 0;        // cases of interest in the box / rows in the box (= the mean)
  double mass = 0;           // rows in the box / all rows
  std::int64_t rows = 0;     // n
  std::int64_t cases = 0;    // k
  std::int64_t restricted = 0;  // inputs whose limits differ from the initial box
  // Per input, the quasi-p-value of its lower and upper limit (one-sided
  // binomial test with that limit removed); -1 where the limit is not set.
  std::vector<std::array<double, 2>> quasi_p;
};

struct prim_result {
  box_limits initial;              // the inputs' ranges over all rows
  std::vector<box_entry> trajectory;  // entry 0 is the initial box; the last is the box found
  std::int64_t peel_steps = 0;     // entries 1 .. peel_steps come from peeling, the rest from pasting
  std::int64_t total_rows = 0;
  std::int64_t total_cases = 0;
  bool threshold_met = false;      // the last box's density >= options.threshold
};

// Finds one box. Throws input_error for empty data, a column count of 0, a
// value that is not finite, no case of interest, or options out of range.
prim_result find_box(const prim_data_view& data, const prim_options& options);

// Throws input_error naming the option when one is out of range: alphas in
// (0, 0.5), mass_min and threshold in [0, 1].
void check_options(const prim_options& options);

// EMA's `get_quantile` (prim_util.py): the midpoint of the order statistics
// around (n - 1) q, widened past ties away from the median. `sorted` is sorted.
double ema_quantile(const std::vector<double>& sorted, double q);

// ema_quantile of `values` in any order, by selection (O(n), where sorting first is
// O(n log n): 31% of a 2e5-row design's search was sorting); reorders `values`.
double ema_quantile_unsorted(std::vector<double>& values, double q);

// P(X >= cases) for X ~ Binomial(rows, p): scipy's binomtest(..., "greater").
double binomial_upper_tail(std::int64_t cases, std::int64_t rows, double p);

}  // namespace coopgrid::prim
