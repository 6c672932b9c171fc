#pragma once
/**
 * @file statistics.hpp
 * @brief The rules every --reduce fold shares (the host's plain, SIMD and
 *        factorized folds, the fused kernel and its merge): which power sums
 *        a metric keeps and the terms a value adds to them, the --where
 *        filter, the --top order, the extrema's tie rule (lowest index) and
 *        the fields of --top and --histogram. What is reported from them is
 *        host/reduce/metric_statistics.hpp's.
 *
 * Each power sum is kept as the mean's sum always was: Neumaier over one
 * reduction unit in a fixed order, the unit's (sum, compensation) pair added
 * exactly (host/reduce/exact_sum.hpp), so shards, checkpoints, threads and
 * devices merge to the same bits. A power's terms are exact (a square is its
 * rounded value and its rounding error), so only the unit's rounding remains.
 */
#include <cmath>
#include <type_traits>

#include "kernels/config.hpp"

namespace coopgrid {

/// Power sums kept per metric: sum x (the mean), sum x^2 (sd). The one bound: a statistic of a
/// higher power raises it, and saved states (which give the count on every line) follow.
inline constexpr int num_moments = 2;

/// The rounding error e of p = x * x for GCC vectors, which have no fma: Veltkamp's split and
/// Dekker's product, exact where x * x neither overflows nor underflows (as an fma). The file
/// must not contract products into sums (plain_fold.cpp: -ffp-contract=off).
struct dekker_square_error {
  template <class V>
  void operator()(const V& x, const V& p, V& e) const {
    const V c = x * 134217729.0;  // 2^27 + 1
    const V hi = c - (c - x);
    const V lo = x - hi;
    e = ((hi * hi - p) + 2.0 * hi * lo) + lo * lo;
  }
};

/**
 * @brief Calls add(j, term) for every term a finite x adds to power sum j
 *        (j = 0: x itself), and correct(j, e) for an exact correction e
 *        smaller than half an ulp of the term before it: a compensated sum
 *        adds it to its compensation (where Neumaier keeps such corrections;
 *        one add where a second TwoSum cost six), an exact sum adds it. V is
 *        double (the square's error by one fma, host and device alike), or a
 *        GCC vector of doubles (host/reduce/plain_fold.cpp, whose zeroed NaN
 *        lanes add zeros; the error by `square_error`, the same bits).
 */
template <class V, class Add, class Correct, class SquareError = dekker_square_error>
COOPGRID_HOST_DEVICE inline void for_each_moment_term(const V& x, Add&& add, Correct&& correct,
                                                      SquareError square_error = {}) {
  add(0, x);
  if constexpr (std::is_same_v<V, double>) {  // x^2 as p and its rounding error: the square exactly
#ifdef __CUDA_ARCH__
    const double p = __dmul_rn(x, x);  // never fused into the sum it enters (nvcc contracts a * b + c)
#else
    const double p = x * x;
#endif
    add(1, p);
    correct(1, ::fma(x, x, -p));
  } else {
    const V p = x * x;
    V e;
    square_error(x, p, e);
    add(1, p);
    correct(1, e);
  }
}

/// The same into exact sums, which take a correction as any term.
template <class V, class Add>
COOPGRID_HOST_DEVICE inline void for_each_moment_term(const V& x, Add&& add) {
  for_each_moment_term(x, add, add);
}

/// What --top and --histogram ask of a fold: one definition, for the host's reduce_spec
/// (host/reduce/spec.hpp) and the fused kernel's reduce_params (kernels/launch.hpp) alike.
struct top_and_histogram {
  index_t top_k = 0;
  int top_by = 0;
  bool top_ascending = false;  ///< false: the K largest values
  int hist_metric = -1;        ///< -1: no histogram
  index_t hist_bins = 0;
  double hist_lo = 0, hist_hi = 0;

  bool same_as(const top_and_histogram& o) const {
    return top_k == o.top_k && top_by == o.top_by && top_ascending == o.top_ascending &&
           hist_metric == o.hist_metric && hist_bins == o.hist_bins && hist_lo == o.hist_lo && hist_hi == o.hist_hi;
  }
};

/// Whether x passes a --where filter: x >= threshold (at_least) or x <= threshold; NaN passes none.
COOPGRID_HOST_DEVICE inline bool passes_filter(double x, bool at_least, double threshold) {
  return at_least ? x >= threshold : x <= threshold;
}

/// Whether (va, ia) ranks before (vb, ib) in a --top list: the better value (smaller when
/// ascending), then the lower index.
COOPGRID_HOST_DEVICE inline bool ranks_before(double va, index_t ia, double vb, index_t ib, bool ascending) {
  if (va != vb) return ascending ? va < vb : va > vb;
  return ia < ib;
}

/// Whether (x, i) becomes the minimum (min, argmin): smaller, or equal at a lower index; an empty one (argmin < 0) takes anything.
COOPGRID_HOST_DEVICE inline bool takes_min(double x, index_t i, double min, index_t argmin) {
  return argmin < 0 || x < min || (x == min && i < argmin);
}
/// Whether (x, i) becomes the maximum: larger, or equal at a lower index; an empty one takes anything.
COOPGRID_HOST_DEVICE inline bool takes_max(double x, index_t i, double max, index_t argmax) {
  return argmax < 0 || x > max || (x == max && i < argmax);
}

}  // namespace coopgrid
