#include "host/backends/cpu_backend.hpp"

#include <optional>
#include <variant>

#include "kernels/batch_view.hpp"
#include "kernels/design/design_view.hpp"
#include "kernels/grid_view.hpp"
#include "host/util/overloaded.hpp"
#include "host/util/parallel.hpp"
#include "host/backends/cpu_simd.hpp"
#include "host/backends/reference.hpp"
#include "host/reduce/factorized.hpp"
#include "host/source/grid_block_tables.hpp"

namespace coopgrid {
namespace {

/// Scenarios one task evaluates in evaluate(): large enough to amortise the hand-out.
constexpr index_t evaluate_block = 4096;

template <class T>
class cpu_backend final : public backend<T> {
 public:
  cpu_backend(const source& src, const backend_options& opt)
      : threads_(opt.threads > 0 ? opt.threads : hardware_threads()), simd_(selected_simd_target()) {
    src.visit(
        [&](const grid& g) {
          if (!opt.brute_force && factorized_grid::applicable(g)) grid_ = &g;
          tables_.emplace(g);
          // Lookups, not 8 transcendentals per scenario: grid_main --brute-force 20 s -> 12 s CPU (bench/RESULTS.md).
          block_tables_.emplace(tables_->view());
          view_ = block_tables_->view();
        },
        [&](const batch& b) {
          if constexpr (std::is_same_v<T, double>) {
            view_ = b.columns.view();  // no copy in double
          } else {
            columns_ = convert_columns<T>(b.columns);
            view_ = columns_->view();
          }
        },
        [&](const design_source& d) { view_ = d.view(); });
  }

  std::string name() const override { return "cpu"; }

  void evaluate(index_t first, index_t count, metric_row<T>* rows) override {
    const index_t blocks = (count + evaluate_block - 1) / evaluate_block;
    parallel_for(blocks, threads_, [&](index_t b) {
      const index_t lo = b * evaluate_block;
      const index_t hi = std::min(count, lo + evaluate_block);
      evaluate_range(first + lo, hi - lo, rows + lo);
    });
  }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    if (grid_ != nullptr) {  // exact and in time of the blocks' sub-grids
      if (!factorized_) factorized_.emplace(factorized_grid::build<T>(*grid_));
      auto r = factorized_->reduce(spec, first, count);
      if (progress) progress(count);
      return r;
    }
    reduce_state total(spec);
    const index_t chunks = (count + cpu_reduce_chunk - 1) / cpu_reduce_chunk;
    // Waves bound the memory held by per-chunk states and give progress ticks.
    const index_t wave = static_cast<index_t>(threads_) * 8;
    std::vector<metric_row<T>> scratch_rows;
    for (index_t w0 = 0; w0 < chunks; w0 += wave) {
      const index_t w1 = std::min(chunks, w0 + wave);
      std::vector<reduce_state> states(static_cast<std::size_t>(w1 - w0), reduce_state(spec));
      parallel_for(w1 - w0, threads_, [&](index_t j) {
        const index_t lo = first + (w0 + j) * cpu_reduce_chunk;
        const index_t n = std::min(first + count, lo + cpu_reduce_chunk) - lo;
        thread_local std::vector<metric_row<T>> rows;
        rows.resize(static_cast<std::size_t>(n));
        evaluate_range(lo, n, rows.data());
        states[static_cast<std::size_t>(j)].add_rows(spec, rows.data(), lo, n);
      });
      index_t done = 0;
      for (auto& s : states) {  // fixed chunk order: bit-identical for any thread count
        done += s.scenarios;
        total.merge(spec, s);
      }
      if (progress) progress(done);
    }
    total.finish(spec);
    return total;
  }

  sensitivity_state sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                const progress_fn& progress) override {
    return sensitivity_fused<T>(v, first, count, threads_, progress);
  }

 private:
  void evaluate_range(index_t first, index_t count, metric_row<T>* rows) const {
    std::visit(overloaded{[&](const tabulated_grid_view<T>& g) {
                            if (count == 0) return;
                            block_point q = decode_block_index(g, first);
                            for (index_t i = 0; i < count; ++i) {
                              rows[i] = evaluate_block_point(g, q);
                              advance_block_point(g, q);
                            }
                          },
                          [&](const batch_view<T>& b) {
                            if constexpr (std::is_same_v<T, double>) {
                              simd_batch_rows(simd_, b, first, count, rows);  // f32 stays scalar (cpu_simd.hpp)
                            } else {
                              for (index_t i = 0; i < count; ++i) rows[i] = evaluate_scenario(b, first + i);
                            }
                          },
                          [&](const design::design_view& d) {
                            for (index_t i = 0; i < count; ++i) {
                              rows[i] = design::evaluate_design_sample<T>(d, first + i);
                            }
                          }},
               view_);
  }

  int threads_;
  simd_target simd_;  // batch rows in f64: read once (COOPGRID_SIMD; unset: scalar)
  const grid* grid_ = nullptr;                // set: grid reductions are factorized
  std::optional<factorized_grid> factorized_;  // built on the first reduce()
  std::optional<grid_tables<T>> tables_;      // owns what a grid view points at
  std::optional<grid_block_tables<T>> block_tables_;  // the grid's per-block metric tables
  std::optional<batch_columns<T>> columns_;   // owns a batch converted to f32
  std::variant<tabulated_grid_view<T>, batch_view<T>, design::design_view> view_;
};

class reference_backend final : public backend<double> {
 public:
  explicit reference_backend(const source& src) : src_(src) {}
  std::string name() const override { return "reference"; }

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
  return std::make_unique<cpu_backend<T>>(src, opt);
}

template std::unique_ptr<backend<float>> make_cpu_backend<float>(const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_cpu_backend<double>(const source&, const backend_options&);

std::unique_ptr<backend<double>> make_reference_backend(const source& src) {
  return std::make_unique<reference_backend>(src);
}

}  // namespace coopgrid
