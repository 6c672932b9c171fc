#include "host/backends/cpu_backend.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <variant>

#include "kernels/batch_view.hpp"
#include "kernels/design/design_view.hpp"
#include "kernels/grid_view.hpp"
#include "host/util/overloaded.hpp"
#include "host/util/parallel.hpp"
#include "host/backends/cpu_simd.hpp"
#include "host/backends/reference.hpp"
#include "host/backends/factorized_backend.hpp"
#include "host/reduce/filtered_fold.hpp"
#include "host/source/grid_block_tables.hpp"

namespace coopgrid {
namespace {

/// Scenarios one task evaluates in evaluate(): large enough to amortise the hand-out.
constexpr index_t evaluate_block = 4096;

/// Rows a plain fold takes at a time from fold_tabulated (16 KiB: stays in L1).
constexpr index_t fold_batch = 128;

/// Copies block b's entry v (widened) into its metrics' lanes of row r.
template <int b, class T>
inline void copy_block(const T* v, double* r) {
  for (int j = 0; j < block_metric_count(b); ++j) r[block_metric_lo(b) + j] = static_cast<double>(v[j]);
}

/// Per metric: whether its block's table holds finite values only (the fold then skips its masks).
template <class T>
std::array<bool, num_metrics> finite_metrics(const tabulated_grid_view<T>& t) {
  std::array<bool, num_metrics> finite;
  finite.fill(true);
  for (int b = 0; b < num_grid_blocks; ++b) {
    const int lo = block_metric_lo(b), n = block_metric_count(b);
    for (index_t e = 0; t.values[b] != nullptr && e < t.points[b] * n; ++e) {
      if (!std::isfinite(static_cast<double>(t.values[b][e]))) finite[lo + e % n] = false;
    }
  }
  return finite;
}

/**
 * @brief Scenarios [first, first + count) of a grid with every block tabulated,
 *        straight from the tables into `fold` (plain_unit_fold's add(rows,
 *        count, finite_lanes); the caller finishes the unit): no metric_row.
 *        Each row is copied from its blocks' table entries (which the odometer
 *        moves), never from a row just written: a wide load of narrow stores
 *        would stall on store forwarding. A buffer row keeps what it held in
 *        the last batch, so only the blocks whose entry differs are copied;
 *        batches span whole periods of the fastest block, whose entries then
 *        stay put.
 */
template <class T, class Fold>
void fold_tabulated(const tabulated_grid_view<T>& t, const std::array<bool, num_metrics>& finite, index_t first,
                    index_t count, Fold& fold) {
  alignas(64) double buf[fold_batch * plain_lanes] = {};  // the pad lane stays 0
  const T* held[num_grid_blocks][fold_batch] = {};       // the entry each row holds, per block
  index_t batch = fold_batch;
  for (int b = num_grid_blocks - 1; b >= 0; --b) {
    if (t.points[b] == 1) continue;
    if (t.points[b] <= fold_batch) batch = fold_batch / t.points[b] * t.points[b];
    break;
  }
  const block_point q = decode_block_index(t, first);
  // The odometer in scalars (block 4 fastest): an array indexed by a variable
  // block would live on the stack, every row waiting on its own stores.
  index_t q0 = q.i[0], q1 = q.i[1], q2 = q.i[2], q3 = q.i[3], q4 = q.i[4];
  const T* e0 = t.values[0] + q0 * block_metric_count(0);
  const T* e1 = t.values[1] + q1 * block_metric_count(1);
  const T* e2 = t.values[2] + q2 * block_metric_count(2);
  const T* e3 = t.values[3] + q3 * block_metric_count(3);
  const T* e4 = t.values[4] + q4 * block_metric_count(4);
  auto step = [&](index_t& qb, const T*& eb, int b) {  // true: block b wrapped, carry on
    if (++qb < t.points[b]) {
      eb += block_metric_count(b);
      return false;
    }
    qb = 0;
    eb = t.values[b];
    return true;
  };
  auto refresh = [&](auto block, const T* e, index_t i, double* r) {
    constexpr int b = decltype(block)::value;
    if (held[b][i] == e) return;
    copy_block<b>(e, r);
    held[b][i] = e;
  };
  for (index_t lo = 0; lo < count; lo += batch) {
    const index_t n = std::min(batch, count - lo);
    for (index_t i = 0; i < n; ++i) {
      double* r = buf + i * plain_lanes;
      refresh(std::integral_constant<int, 0>{}, e0, i, r);
      refresh(std::integral_constant<int, 1>{}, e1, i, r);
      refresh(std::integral_constant<int, 2>{}, e2, i, r);
      refresh(std::integral_constant<int, 3>{}, e3, i, r);
      refresh(std::integral_constant<int, 4>{}, e4, i, r);
      if (step(q4, e4, 4) && step(q3, e3, 3) && step(q2, e2, 2) && step(q1, e1, 1)) step(q0, e0, 0);
    }
    fold.add(buf, n, finite.data());
  }
}

template <class T>
class cpu_backend final : public backend<T> {
 public:
  cpu_backend(const source& src, const backend_options& opt)
      : threads_(opt.threads > 0 ? opt.threads : hardware_threads()), simd_(selected_simd_target()) {
    src.visit(
        [&](const grid& g) {
          tables_.emplace(g);
          // Lookups, not 8 transcendentals per scenario: grid_main --brute-force 20 s -> 12 s CPU (bench/RESULTS.md);
          // with the plain fold straight from the tables (fold_tabulated), 1.7 s.
          block_tables_.emplace(tables_->view());
          view_ = block_tables_->view();
          finite_ = finite_metrics(block_tables_->view());
        },
        [&](const batch& b) {
          if (!b.checked) unchecked_ = &b;
          if constexpr (std::is_same_v<T, double>) {
            view_ = b.columns.view();  // no copy in double
          } else {
            columns_ = convert_columns<T>(b.columns);
            view_ = columns_->view();
          }
        },
        [&](const design_source& d) { view_ = d.view(); });
  }

  std::string name() const override { return backend_kind_name(backend_kind::cpu); }

  void evaluate(index_t first, index_t count, metric_row<T>* rows) override {
    const index_t blocks = (count + evaluate_block - 1) / evaluate_block;
    parallel_for(blocks, threads_, [&](index_t b) {
      const index_t lo = b * evaluate_block;
      const index_t hi = std::min(count, lo + evaluate_block);
      if (checked(first + lo, first + hi)) evaluate_range(first + lo, hi - lo, rows + lo);
    });
    throw_if_bad();
  }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    reduce_state total(spec);
    // The brute-force case of a fully tabulated grid: straight from the tables
    // into the plain fold (grid_main 1.7 s CPU), or the filtered one with the
    // same bits as metric_row and add_rows_generic (--where, --top 5 or
    // --histogram 10-11 s -> 2.0-2.2 s; all three 11 s -> 2.9 s).
    const bool plain = is_plain(spec);
    const tabulated_grid_view<T>* tabulated = fully_tabulated();
    if (tabulated == nullptr) return reduce_rows(spec, first, count, progress);
    const index_t chunks = (count + cpu_reduce_chunk - 1) / cpu_reduce_chunk;
    // Waves bound the memory held by per-chunk states and give progress ticks.
    const index_t wave = static_cast<index_t>(threads_) * 8;
    for (index_t w0 = 0; w0 < chunks; w0 += wave) {
      const index_t w1 = std::min(chunks, w0 + wave);
      std::vector<reduce_state> states(static_cast<std::size_t>(w1 - w0), reduce_state(spec));
      parallel_for(w1 - w0, threads_, [&](index_t j) {
        const index_t lo = first + (w0 + j) * cpu_reduce_chunk;
        const index_t n = std::min(first + count, lo + cpu_reduce_chunk) - lo;
        auto& st = states[static_cast<std::size_t>(j)];
        if (plain) {
          plain_unit_fold fold(st, lo);
          fold_tabulated(*tabulated, finite_, lo, n, fold);
          fold.finish();
        } else {
          filtered_unit_fold fold(st, spec, lo);
          fold_tabulated(*tabulated, finite_, lo, n, fold);
          fold.finish();
        }
      });
      merge_in_order(total, spec, states, progress);
    }
    total.finish(spec);
    return total;
  }

  sensitivity_state sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                const progress_fn& progress) override {
    return sensitivity_fused<T>(v, first, count, threads_, progress);
  }

 private:
  /// Sources folded from rows (batches, designs, grids without every block table): a wave's units
  /// evaluated in blocks on every thread, then folded a unit a thread (the same bits: each unit's
  /// rows in order). A unit a thread for both took a third longer on 2e5 scenarios and 2 threads
  /// (four units, the last a sliver: one thread evaluated a whole unit alone), 2026-12-06.
  reduce_state reduce_rows(const reduce_spec& spec, index_t first, index_t count, const progress_fn& progress) {
    reduce_state total(spec);
    const index_t units = (count + cpu_reduce_chunk - 1) / cpu_reduce_chunk;
    const index_t wave = std::min<index_t>(std::max(threads_, 1), 32);  // rows of 32 units: 252 MB in f64
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(std::min(wave, units) * cpu_reduce_chunk));
    for (index_t w0 = 0; w0 < units; w0 += wave) {
      const index_t lo = first + w0 * cpu_reduce_chunk;
      const index_t n = std::min(first + count, lo + wave * cpu_reduce_chunk) - lo;
      parallel_for((n + evaluate_block - 1) / evaluate_block, threads_, [&](index_t b) {
        const index_t blo = b * evaluate_block, bn = std::min(n, blo + evaluate_block) - blo;
        if (checked(lo + blo, lo + blo + bn)) evaluate_range(lo + blo, bn, rows.data() + blo);
      });
      throw_if_bad();  // every block of the wave checked: the lowest bad one is the first in the file
      std::vector<reduce_state> states(static_cast<std::size_t>((n + cpu_reduce_chunk - 1) / cpu_reduce_chunk),
                                       reduce_state(spec));
      parallel_for(static_cast<index_t>(states.size()), threads_, [&](index_t j) {
        const index_t ulo = j * cpu_reduce_chunk;
        states[static_cast<std::size_t>(j)].add_rows(spec, rows.data() + ulo, lo + ulo,
                                                     std::min(n, ulo + cpu_reduce_chunk) - ulo);
      });
      merge_in_order(total, spec, states, progress);
    }
    total.finish(spec);
    return total;
  }

  /// A wave's unit states into total in unit order (bit-identical for any thread count), then progress.
  static void merge_in_order(reduce_state& total, const reduce_spec& spec, const std::vector<reduce_state>& states,
                             const progress_fn& progress) {
    index_t done = 0;
    for (const auto& st : states) {
      done += st.scenarios;
      total.merge(spec, st);
    }
    if (progress) progress(done);
  }

  /// An unchecked batch's scenarios [lo, hi) before they are evaluated (batch::checked): false,
  /// and the lowest bad one noted, if any is bad. Chunks past a noted one are still checked, so
  /// that the lowest bad scenario of a pass is found whatever the schedule.
  bool checked(index_t lo, index_t hi) {
    if (unchecked_ == nullptr) return true;
    const index_t s = first_bad_scenario(unchecked_->columns, lo, hi);
    if (s < 0) return true;
    index_t seen = first_bad_.load(std::memory_order_relaxed);
    while (s < seen && !first_bad_.compare_exchange_weak(seen, s, std::memory_order_relaxed)) {
    }
    return false;
  }
  void throw_if_bad() const {
    const index_t s = first_bad_.load();
    if (s != no_bad) throw_bad_scenario(unchecked_->columns, unchecked_->source, s);
  }

  /// The grid's view when every block has a table (else null).
  const tabulated_grid_view<T>* fully_tabulated() const {
    const auto* t = std::get_if<tabulated_grid_view<T>>(&view_);
    if (t == nullptr) return nullptr;
    for (int b = 0; b < num_grid_blocks; ++b) {
      if (t->values[b] == nullptr) return nullptr;
    }
    return t;
  }

  void evaluate_range(index_t first, index_t count, metric_row<T>* rows) const {
    std::visit(overloaded{[&](const tabulated_grid_view<T>& g) {
                            if (count == 0) return;
                            block_point q = decode_block_index(g, first);
                            for (index_t i = 0; i < count; ++i) {
                              rows[i] = evaluate_block_point(g, q);
                              advance_block_point(g, q);
                            }
                          },
                          [&](const batch_view<T>& b) { simd_batch_rows(simd_, b, first, count, rows); },
                          [&](const design::design_view& d) {
                            for (index_t i = 0; i < count; ++i) {
                              rows[i] = design::evaluate_design_sample<T>(d, first + i);
                            }
                          }},
               view_);
  }

  static constexpr index_t no_bad = std::numeric_limits<index_t>::max();
  const batch* unchecked_ = nullptr;  ///< the source batch when its values are checked here
  std::atomic<index_t> first_bad_{no_bad};
  int threads_;
  simd_target simd_;  // batch rows: read once (COOPGRID_SIMD; unset: the best available)
  std::optional<grid_tables<T>> tables_;      // owns what a grid view points at
  std::optional<grid_block_tables<T>> block_tables_;  // the grid's per-block metric tables
  std::array<bool, num_metrics> finite_{};            // per metric: its block table is all finite
  std::optional<batch_columns<T>> columns_;   // owns a batch converted to f32
  std::variant<tabulated_grid_view<T>, batch_view<T>, design::design_view> view_;
};

class reference_backend final : public backend<double> {
 public:
  explicit reference_backend(const source& src) : src_(src) {}
  std::string name() const override { return backend_kind_name(backend_kind::reference); }

  void evaluate(index_t first, index_t count, metric_row<double>* rows) override {
    for (index_t i = 0; i < count; ++i) {
      const auto r = reference::evaluate(scenario(first + i));
      for (int m = 0; m < num_metrics; ++m) rows[i].v[m] = r[m];
    }
  }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    reduce_state total(spec);
    std::vector<metric_row<double>> rows;
    for (index_t lo = first; lo < first + count; lo += reduce_unit) {  // one unit at a time
      const index_t n = std::min(reduce_unit, first + count - lo);
      rows.resize(static_cast<std::size_t>(n));
      evaluate(lo, n, rows.data());
      total.add_rows(spec, rows.data(), lo, n);
      if (progress) progress(n);
    }
    total.finish(spec);
    return total;
  }

 private:
  reference::scenario scenario(index_t k) const {
    return reference::source_scenario(src_, k, false);
  }
  const source& src_;
};

}  // namespace

template <class T>
std::unique_ptr<backend<T>> make_cpu_backend(const source& src, const backend_options& opt) {
  return with_factorized_grid<T>(std::make_unique<cpu_backend<T>>(src, opt), src, opt);
}

template std::unique_ptr<backend<float>> make_cpu_backend<float>(const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_cpu_backend<double>(const source&, const backend_options&);

std::unique_ptr<backend<double>> make_reference_backend(const source& src) {
  return std::make_unique<reference_backend>(src);
}

}  // namespace coopgrid
