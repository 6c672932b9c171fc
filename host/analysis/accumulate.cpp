#include "host/analysis/accumulate.hpp"

#include <algorithm>
#include <mutex>

#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/util/simd_clones.hpp"

namespace coopgrid {
namespace {

// The hot loops of the bootstrap: about R * terms multiply-adds per point
// (38k at R = 100, 15 metrics, d = 7), against some 2k flops for its 9 rows.
// Cloned for AVX2 and AVX-512 (run-time dispatch); compiled with
// -ffp-contract=off (CMakeLists.txt), so every clone rounds the same products
// and sums: the same bits on every x86 machine.

/// out[q] += w[0] t0[q] + ... + w[7] t7[q], added one point after another, for q < n.
COOPGRID_SIMD_CLONES
void add_group8(const double* w, const double* terms, int stride, int n, double* out) {
  const double* t0 = terms;
  const double* t1 = t0 + stride;
  const double* t2 = t1 + stride;
  const double* t3 = t2 + stride;
  const double* t4 = t3 + stride;
  const double* t5 = t4 + stride;
  const double* t6 = t5 + stride;
  const double* t7 = t6 + stride;
  const double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7];
  for (int q = 0; q < n; ++q) {
    double a = out[q];
    a += w0 * t0[q];
    a += w1 * t1[q];
    a += w2 * t2[q];
    a += w3 * t3[q];
    a += w4 * t4[q];
    a += w5 * t5[q];
    a += w6 * t6[q];
    a += w7 * t7[q];
    out[q] = a;
  }
}

/// out[q] += w t[q] for q < n.
COOPGRID_SIMD_CLONES
void add_one(double w, const double* t, int n, double* out) {
  for (int q = 0; q < n; ++q) out[q] += w * t[q];
}

/// A pool of states, one per concurrent worker, merged at the end (exactly: any order).
class state_pool {
 public:
  explicit state_pool(std::size_t num_sums) : num_sums_(num_sums) {}
  sensitivity_state take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return sensitivity_state(num_sums_);
    auto s = std::move(free_.back());
    free_.pop_back();
    return s;
  }
  void give(sensitivity_state s) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(s));
  }
  sensitivity_state total() {
    sensitivity_state t(num_sums_);
    for (const auto& s : free_) t.merge(s);
    return t;
  }

 private:
  std::size_t num_sums_;
  std::mutex mutex_;
  std::vector<sensitivity_state> free_;
};

}  // namespace

void bootstrap_weights(std::uint64_t seed, index_t b, int replicates, double* w) {
  // Philox across replicates in SIMD lanes measured no faster than this loop
  // (35 ns a weight either way on a loaded 2-core EPYC: Philox 16 ns, the count 5 ns).
  for (int r = 1; r <= replicates; ++r) w[r - 1] = static_cast<double>(analysis::bootstrap_weight(seed, b, r));
}

unit_accumulator::unit_accumulator(const analysis::sensitivity_view& v)
    : seed_(v.boot_seed),
      replicates_(v.replicates),
      layout_(analysis::layout_of(v)),
      sums_(static_cast<std::size_t>(layout_.unit_sums(v.replicates)), 0.0),
      weights_(static_cast<std::size_t>(accumulate_group) * static_cast<std::size_t>(v.replicates)) {}

void unit_accumulator::add_points(index_t first, int count, const double* terms) {
  const int total = layout_.total;
  const int boot = layout_.boot;
  int i = 0;
  for (; i + accumulate_group <= count; i += accumulate_group) {
    const double* t = terms + static_cast<std::size_t>(i) * total;
    const double ones[accumulate_group] = {1, 1, 1, 1, 1, 1, 1, 1};
    add_group8(ones, t, total, total, sums_.data());
    for (int k = 0; k < accumulate_group; ++k) {
      bootstrap_weights(seed_, first + i + k, replicates_, weights_.data() + static_cast<std::size_t>(k) * replicates_);
    }
    for (int r = 1; r <= replicates_; ++r) {
      double w[accumulate_group];
      for (int k = 0; k < accumulate_group; ++k) w[k] = weights_[static_cast<std::size_t>(k) * replicates_ + (r - 1)];
      add_group8(w, t, total, boot, sums_.data() + total + static_cast<std::size_t>(r - 1) * boot);
    }
  }
  for (; i < count; ++i) {  // the same additions, one point at a time
    const double* t = terms + static_cast<std::size_t>(i) * total;
    add_one(1.0, t, total, sums_.data());
    bootstrap_weights(seed_, first + i, replicates_, weights_.data());
    for (int r = 1; r <= replicates_; ++r) {
      add_one(weights_[static_cast<std::size_t>(r - 1)], t, boot, sums_.data() + total + static_cast<std::size_t>(r - 1) * boot);
    }
  }
  points_ += count;
}

void unit_accumulator::flush_into(sensitivity_state& s) {
  s.add_unit(sums_.data(), points_);
  std::fill(sums_.begin(), sums_.end(), 0.0);
  points_ = 0;
}

template <class T>
sensitivity_state sensitivity_by_rows(const analysis::sensitivity_view& v, index_t first, index_t count,
                                      const std::function<void(index_t, index_t, metric_row<T>*)>& rows_of,
                                      const std::function<void(index_t)>& progress) {
  unit_accumulator acc(v);
  const auto& t = acc.layout();
  const int rpp = analysis::rows_per_point(v);
  sensitivity_state state(static_cast<std::size_t>(t.unit_sums(v.replicates)));
  std::vector<metric_row<T>> rows;
  std::vector<double> terms(static_cast<std::size_t>(accumulate_group) * t.total);
  for_each_unit(first, count, [&](index_t lo, index_t n) {
    rows.resize(static_cast<std::size_t>(n * rpp));
    rows_of(lo * rpp, n * rpp, rows.data());
    for (index_t g = 0; g < n; g += accumulate_group) {
      const int m = static_cast<int>(std::min<index_t>(accumulate_group, n - g));
      for (int i = 0; i < m; ++i) {
        analysis::point_terms(v, t, lo + g + i, rows.data() + (g + i) * rpp, terms.data() + static_cast<std::size_t>(i) * t.total);
      }
      acc.add_points(lo + g, m, terms.data());
    }
    acc.flush_into(state);
    if (progress) progress(n * rpp);
  });
  return state;
}

template <class T>
sensitivity_state sensitivity_fused(const analysis::sensitivity_view& v, index_t first, index_t count, int threads,
                                    const std::function<void(index_t)>& progress) {
  const auto t = analysis::layout_of(v);
  const int rpp = analysis::rows_per_point(v);
  std::vector<std::pair<index_t, index_t>> units;
  for_each_unit(first, count, [&](index_t lo, index_t n) { units.emplace_back(lo, n); });
  state_pool pool(static_cast<std::size_t>(t.unit_sums(v.replicates)));
  // Waves of units give progress ticks from the calling thread.
  const auto num_units = static_cast<index_t>(units.size());
  const index_t wave = static_cast<index_t>(std::max(threads, 1)) * 2;
  for (index_t w0 = 0; w0 < num_units; w0 += wave) {
    const index_t w1 = std::min(num_units, w0 + wave);
    parallel_for(w1 - w0, threads, [&](index_t u) {
      const auto [lo, n] = units[static_cast<std::size_t>(w0 + u)];
      std::vector<double> terms(static_cast<std::size_t>(accumulate_group) * t.total, 0.0);
      metric_row<T> rows[analysis::max_rows_per_point];
      unit_accumulator acc(v);
      for (index_t g = 0; g < n; g += accumulate_group) {
        const int m = static_cast<int>(std::min<index_t>(accumulate_group, n - g));
        for (int i = 0; i < m; ++i) {
          analysis::point_rows(v, lo + g + i, rows);
          analysis::point_terms(v, t, lo + g + i, rows, terms.data() + static_cast<std::size_t>(i) * t.total);
        }
        acc.add_points(lo + g, m, terms.data());
      }
      auto s = pool.take();
      acc.flush_into(s);
      pool.give(std::move(s));
    });
    if (progress) {
      index_t done = 0;
      for (index_t u = w0; u < w1; ++u) done += units[static_cast<std::size_t>(u)].second * rpp;
      progress(done);
    }
  }
  return pool.total();
}

#define COOPGRID_INSTANTIATE(T)                                                                                  \
  template sensitivity_state sensitivity_by_rows<T>(                                                             \
      const analysis::sensitivity_view&, index_t, index_t,                                                       \
      const std::function<void(index_t, index_t, metric_row<T>*)>&, const std::function<void(index_t)>&);        \
  template sensitivity_state sensitivity_fused<T>(const analysis::sensitivity_view&, index_t, index_t, int,      \
                                                  const std::function<void(index_t)>&);
COOPGRID_INSTANTIATE(float)
COOPGRID_INSTANTIATE(double)
#undef COOPGRID_INSTANTIATE

}  // namespace coopgrid
