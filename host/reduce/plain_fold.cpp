#include "host/reduce/plain_fold.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "host/util/simd_clones.hpp"

namespace coopgrid {
namespace {

// GCC vector extensions, cloned for AVX2 and AVX-512 with run-time dispatch;
// compiled with -ffp-contract=off (CMakeLists.txt) like
// host/analysis/accumulate.cpp, though there is no product to fuse: every
// clone gives add_rows' bits.

// 4-lane vectors: AVX2's registers (two SSE2 ones in the default clone; the
// avx512f clone gets AVX-512's encodings at this width). 8-lane ones, which
// AVX-512 would want, GCC lowers to scalar code for the other clones.
typedef double v4d __attribute__((vector_size(32)));
typedef std::int64_t v4l __attribute__((vector_size(32)));
constexpr int group = 4;                       // lanes per vector
constexpr int per_pass = 2;                    // vectors folded together: two independent chains
constexpr int passes = plain_lanes / (group * per_pass);
static_assert(plain_lanes == group * per_pass * passes && per_pass == 2, "fold_rows' switch takes 2 bits a pass");

/// Lanes p * 8 .. p * 8 + 7 of every row, in row order; masked0/1: whether
/// vector 0/1 of the pass may hold a NaN or infinity (else no masks: the same bits).
template <class SquareError, bool masked0, bool masked1>
__attribute__((always_inline)) inline void fold_pass(const double* rows, index_t count, plain_unit_fold::lanes* l,
                                                     int p) {
  constexpr bool masked[per_pass] = {masked0, masked1};
  const v4d vinf = v4d{} + std::numeric_limits<double>::infinity();
  const v4l magnitude = v4l{} + std::numeric_limits<std::int64_t>::max();  // & clears the sign: std::fabs
  v4d mn[per_pass], mx[per_pass], s[per_pass][num_moments], c[per_pass][num_moments];
  v4l finite_rows[per_pass];
  for (int g = 0; g < per_pass; ++g) {
    const int o = (p * per_pass + g) * group;
    std::memcpy(&mn[g], l->min + o, sizeof(v4d));
    std::memcpy(&mx[g], l->max + o, sizeof(v4d));
    for (int j = 0; j < num_moments; ++j) {
      std::memcpy(&s[g][j], l->sum[j] + o, sizeof(v4d));
      std::memcpy(&c[g][j], l->comp[j] + o, sizeof(v4d));
    }
    std::memcpy(&finite_rows[g], l->finite + o, sizeof(v4l));
  }
  for (index_t i = 0; i < count; ++i) {
    for (int g = 0; g < per_pass; ++g) {
      v4d x;
      std::memcpy(&x, rows + i * plain_lanes + (p * per_pass + g) * group, sizeof x);
      mn[g] = x < mn[g] ? x : mn[g];
      mx[g] = x > mx[g] ? x : mx[g];
      v4d xf = x;
      if (masked[g]) {
        const v4l finite = (v4d)((v4l)x & magnitude) < vinf;  // false for NaN too
        finite_rows[g] -= finite;                              // true is -1
        xf = (v4d)((v4l)x & finite);
      } else {
        finite_rows[g] += 1;
      }
      // TwoSum's error term: the exact rounding error of s + x, which is what
      // Neumaier's branch (Fast2Sum on the larger operand) computes too, so
      // the same bits; a zero error is +0 in both. Only an overflowed unit
      // (s = inf) differs, in its compensation (NaN, not -inf), and exact_sum
      // adds neither.
      for_each_moment_term(
          xf,
          [&](int j, const v4d& term) {
            const v4d t = s[g][j] + term;
            const v4d bp = t - s[g][j];
            const v4d ap = t - bp;
            c[g][j] += (s[g][j] - ap) + (term - bp);
            s[g][j] = t;
          },
          [&](int j, const v4d& e) { c[g][j] += e; }, SquareError{});
    }
  }
  for (int g = 0; g < per_pass; ++g) {
    const int o = (p * per_pass + g) * group;
    std::memcpy(l->min + o, &mn[g], sizeof(v4d));
    std::memcpy(l->max + o, &mx[g], sizeof(v4d));
    for (int j = 0; j < num_moments; ++j) {
      std::memcpy(l->sum[j] + o, &s[g][j], sizeof(v4d));
      std::memcpy(l->comp[j] + o, &c[g][j], sizeof(v4d));
    }
    std::memcpy(l->finite + o, &finite_rows[g], sizeof(v4l));
  }
}

/**
 * The running extrema and compensated_sum::add of every lane, row after row:
 * strict comparisons (x < min ? x : min, one vminpd: NaN never replaces a
 * value, nor is replaced once it is the first) and Neumaier's steps,
 * branch-free (TwoSum, fold_pass). A NaN or infinity is summed as +0,
 * which leaves the sum and compensation as skipping it does but for the sign
 * of a zero and an overflowed unit's (infinite) compensation, neither of
 * which exact_sum::add ever adds: the same exact sums. Lanes are folded 8 at
 * a time over the whole batch (rows in order per lane) so that their state
 * stays in registers (16 on AVX2). Bit g of `masked`: vector g (lanes 4g ..
 * 4g + 3) may hold a NaN or infinity; the others skip the masks.
 */
template <class SquareError>
__attribute__((always_inline)) inline void fold_rows_with(const double* rows, index_t count,
                                                          plain_unit_fold::lanes* l, unsigned masked) {
  for (int p = 0; p < passes; ++p) {
    switch ((masked >> (p * per_pass)) & 3u) {
      case 0: fold_pass<SquareError, false, false>(rows, count, l, p); break;
      case 1: fold_pass<SquareError, true, false>(rows, count, l, p); break;
      case 2: fold_pass<SquareError, false, true>(rows, count, l, p); break;
      default: fold_pass<SquareError, true, true>(rows, count, l, p); break;
    }
  }
}

COOPGRID_SIMD_CLONES
void fold_rows(const double* rows, index_t count, plain_unit_fold::lanes* l, unsigned masked) {
  fold_rows_with<dekker_square_error>(rows, count, l, masked);
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
/// A square's rounding error by one fma a lane: Dekker's product (10 operations) took the
/// fold of grid_main's 86.4M rows from 0.97 s to 1.22 s on one Zen 1 core.
struct fma_square_error {
  void operator()(const v4d& x, const v4d& p, v4d& e) const {
    for (int k = 0; k < group; ++k) e[k] = __builtin_fma(x[k], x[k], -p[k]);
  }
};

/// fold_rows where the CPU has AVX2 and FMA: the same bits (both errors are exact).
__attribute__((target("avx2,fma"))) void fold_rows_fma(const double* rows, index_t count,
                                                       plain_unit_fold::lanes* l, unsigned masked) {
  fold_rows_with<fma_square_error>(rows, count, l, masked);
}

void fold_rows_best(const double* rows, index_t count, plain_unit_fold::lanes* l, unsigned masked) {
  static const bool fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  fma ? fold_rows_fma(rows, count, l, masked) : fold_rows(rows, count, l, masked);
}
#else
void fold_rows_best(const double* rows, index_t count, plain_unit_fold::lanes* l, unsigned masked) {
  fold_rows(rows, count, l, masked);
}
#endif

}  // namespace

plain_unit_fold::plain_unit_fold(reduce_state& st, index_t first) : st_(st), first_(first), next_(first), l_{} {
  for (int m = 0; m < plain_lanes; ++m) {
    const bool metric = m < num_metrics;
    l_.min[m] = metric ? st.metrics[m].min : 0;
    l_.max[m] = metric ? st.metrics[m].max : 0;
    argmin_[m] = metric ? st.metrics[m].argmin : -1;
    argmax_[m] = metric ? st.metrics[m].argmax : -1;
    pos_inf_[m] = neg_inf_[m] = false;
  }
}

void plain_unit_fold::add(const double* rows, index_t count, const bool* finite_lanes) {
  if (count <= 0) return;
  fold(rows, nullptr, count, finite_lanes);
  selected_ += count;
  next_ += count;
}

void plain_unit_fold::add_selected(const double* rows, const index_t* offset, index_t count, index_t scenarios,
                                   const bool* finite_lanes) {
  if (count > 0) fold(rows, offset, count, finite_lanes);
  selected_ += count;
  next_ += scenarios;
}

void plain_unit_fold::fold(const double* rows, const index_t* offset, index_t count, const bool* finite_lanes) {
  const auto scenario = [&](index_t i) { return next_ + (offset != nullptr ? offset[i] : i); };
  // add_extrema: the state's first row sets both extrema, whatever it holds (NaN, -inf).
  for (int m = 0; m < num_metrics; ++m) {
    if (argmin_[m] < 0) {
      l_.min[m] = rows[m];
      argmin_[m] = scenario(0);
    }
    if (argmax_[m] < 0) {
      l_.max[m] = rows[m];
      argmax_[m] = scenario(0);
    }
  }
  double before_min[plain_lanes], before_max[plain_lanes];
  std::memcpy(before_min, l_.min, sizeof before_min);
  std::memcpy(before_max, l_.max, sizeof before_max);
  unsigned masked = 0;
  for (int m = 0; m < num_metrics; ++m) {
    if (finite_lanes == nullptr || !finite_lanes[m]) masked |= 1u << (m / group);
  }
  std::fill(std::begin(l_.finite), std::end(l_.finite), 0);
  fold_rows_best(rows, count, &l_, masked);
  for (int m = 0; m < num_metrics; ++m) {
    // A running minimum that fell took its final value at the first row holding it
    // (rows before it are larger, or NaN), as add_extrema's strict comparisons do.
    if (l_.min[m] < before_min[m]) {
      index_t i = 0;
      while (!(rows[i * plain_lanes + m] == l_.min[m])) ++i;
      argmin_[m] = scenario(i);
    }
    if (l_.max[m] > before_max[m]) {
      index_t i = 0;
      while (!(rows[i * plain_lanes + m] == l_.max[m])) ++i;
      argmax_[m] = scenario(i);
    }
    // A running maximum is +inf once a value was, unless it is NaN (the state's
    // first value: nothing replaces it); then the batch tells.
    const double inf = std::numeric_limits<double>::infinity();
    if (l_.finite[m] != count && (std::isnan(l_.max[m]) || std::isnan(l_.min[m]))) {
      for (index_t i = 0; i < count; ++i) {
        const double x = rows[i * plain_lanes + m];
        pos_inf_[m] = pos_inf_[m] || x == inf;
        neg_inf_[m] = neg_inf_[m] || x == -inf;
      }
    }
    pos_inf_[m] = pos_inf_[m] || l_.max[m] == inf;
    neg_inf_[m] = neg_inf_[m] || l_.min[m] == -inf;
  }
}

void plain_unit_fold::finish() {
  st_.scenarios += next_ - first_;
  st_.selected += selected_;
  for (int m = 0; m < num_metrics; ++m) {
    metric_summary& s = st_.metrics[m];
    s.count += selected_;
    s.min = l_.min[m];
    s.max = l_.max[m];
    s.argmin = argmin_[m];
    s.argmax = argmax_[m];
    s.has_pos_inf = s.has_pos_inf || pos_inf_[m];
    s.has_neg_inf = s.has_neg_inf || neg_inf_[m];
    // add_rows' unit sums: (sum, compensation) added exactly, both of them, always.
    for (int j = 0; j < num_moments; ++j) s.add_unit_sum(j, l_.sum[j][m], l_.comp[j][m]);
    pos_inf_[m] = neg_inf_[m] = false;
  }
  for (int j = 0; j < num_moments; ++j) {  // the next unit starts afresh
    std::fill(std::begin(l_.sum[j]), std::end(l_.sum[j]), 0.0);
    std::fill(std::begin(l_.comp[j]), std::end(l_.comp[j]), 0.0);
  }
  first_ = next_;
  selected_ = 0;
}

}  // namespace coopgrid
