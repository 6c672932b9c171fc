#pragma once
/**
 * @file backend.hpp
 * @brief The interface every evaluation backend implements, bound to one
 *        source and one precision at construction.
 */
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/analysis/accumulate.hpp"
#include "kernels/analysis/sensitivity.hpp"
#include "kernels/metrics.hpp"
#include "host/reduce/state.hpp"
#include "host/source/source.hpp"
#include "host/util/name_table.hpp"

namespace coopgrid {

class factorized_grid;

enum class backend_kind { automatic, reference, cpu, cuda };

/// A backend's name: --backend's values, Python's backend=, a backend's name() in reports.
struct backend_kind_entry {
  backend_kind kind;
  const char* name;
};
/// Every backend_kind, once: the one home of their names (auto resolves to cuda or cpu: resolve_backend).
inline constexpr backend_kind_entry backend_kinds[] = {
    {backend_kind::automatic, "auto"}, {backend_kind::reference, "reference"}, {backend_kind::cpu, "cpu"},
    {backend_kind::cuda, "cuda"}};

inline const char* backend_kind_name(backend_kind kind) { return name_in(backend_kinds, kind); }

/// Called with the number of scenarios just finished; used for progress reports.
using progress_fn = std::function<void(index_t)>;

struct backend_options {
  int threads = 0;        ///< CPU threads; 0 = all hardware threads
  int device = 0;         ///< CUDA device ordinal
  index_t chunk = 0;      ///< scenarios per pipeline chunk; 0 = sized from memory
  std::vector<int> devices;  ///< --devices: several CUDA devices (overrides `device`)
  /// CUDA, streamed batches: page-lock the host columns (cudaHostRegister) so
  /// chunks are copied straight from them; false stages every chunk through
  /// pinned buffers (the fallback wherever pinning fails).
  bool pin_host = true;
  /// --brute-force: reduce a grid scenario by scenario (on the backend itself);
  /// the cpu, cuda and multi-device backends otherwise reduce grids factorized on
  /// the host (host/backends/factorized_backend.hpp). The reference always folds every scenario.
  bool brute_force = false;
};

/**
 * @brief A backend evaluating a source in precision T. All member functions
 *        are synchronous: results are complete when they return.
 */
template <class T>
class backend {
 public:
  virtual ~backend() = default;
  virtual std::string name() const = 0;
  /// Evaluates scenarios [first, first + count) into rows[0, count).
  virtual void evaluate(index_t first, index_t count, metric_row<T>* rows) = 0;
  /**
   * @brief Evaluates scenarios [first, first + count) and reduces them under
   *        spec; rows are never stored. `progress` (may be empty) is called
   *        from the calling thread as work completes.
   */
  virtual reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                              const progress_fn& progress) = 0;
  /**
   * @brief Sums the analysis terms of design points [first, first + count) of
   *        v (a Sobol' or Morris analysis of this backend's design source;
   *        kernels/analysis/sensitivity.hpp), unit by unit; rows are never
   *        kept beyond a unit. `progress` counts rows. This default evaluates
   *        each unit's rows with evaluate() and sums them on the host; the cpu
   *        and cuda backends fuse the two.
   */
  virtual sensitivity_state sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                        const progress_fn& progress) {
    return sensitivity_by_rows<T>(
        v, first, count, [this](index_t lo, index_t n, metric_row<T>* rows) { evaluate(lo, n, rows); }, progress);
  }
  /**
   * @brief The block tables reduce() takes its grid reductions from, or null
   *        when it folds scenario by scenario; marginals and compare use the
   *        same (host/backends/factorized_backend.hpp sets it). Not thread-safe.
   */
  virtual factorized_grid* factorized() { return nullptr; }
};

}  // namespace coopgrid
