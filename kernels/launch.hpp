#pragma once
/**
 * @file launch.hpp
 * @brief Host-callable launchers of the CUDA kernels. No CUDA syntax here, so
 *        host code including this stays plain C++ (compiled by g++); the
 *        definitions and template instantiations live in the kernels' .cu files.
 *
 * Every launcher is asynchronous (`_async`): it enqueues work on `stream`
 * and returns; errors in the launch configuration throw cuda_error at once,
 * errors during execution surface at the next synchronising call.
 */
#include "kernels/analysis/sensitivity.hpp"
#include "kernels/batch_view.hpp"
#include "kernels/block_tables.hpp"
#include "kernels/design/design_view.hpp"
#include "kernels/grid_view.hpp"
#include "kernels/metrics.hpp"
#include "kernels/statistics.hpp"
#include "kernels/stream_view.hpp"

namespace coopgrid::kernels {

/**
 * How an explicit batch is mapped onto threads: 1, 4, 8 or 32 lanes per
 * scenario, or `balanced`: a warp per 32 scenarios whose lanes share every
 * list's fixed-length segments (no lane waits for the longest list).
 */
enum class batch_schedule {
  thread_per_scenario,
  lanes4_per_scenario,
  lanes8_per_scenario,
  warp_per_scenario,
  balanced
};

inline constexpr batch_schedule all_batch_schedules[] = {
    batch_schedule::thread_per_scenario, batch_schedule::lanes4_per_scenario,
    batch_schedule::lanes8_per_scenario, batch_schedule::warp_per_scenario, batch_schedule::balanced};

/// "thread", "lanes4", "lanes8", "warp", "balanced" (benchmark tables, logs).
const char* schedule_name(batch_schedule s);

// Mean items per scenario (all four lists) from which 4, 8 and 32 lanes per
// scenario are chosen. Counted, not yet measured: a lane group pays for
// log2(G) merge rounds of ~26 shuffles each, shared by 32 / G scenarios
// (warp: ~144 shuffles per scenario, so it only pays for very long lists),
// and a warp waits for the longest list among its 32 / G scenarios.
inline constexpr double lanes4_schedule_threshold = 12.0;
inline constexpr double lanes8_schedule_threshold = 48.0;
inline constexpr double warp_schedule_threshold = 512.0;

/// Picks the schedule from the data: the mean item-list length. The CUDA
/// backend asks once per batch (all of it), so chunking never changes the bits.
batch_schedule choose_schedule(index_t num_scenarios, index_t num_items);

/**
 * @brief rows[i] = all metrics of batch scenario first + i, i in [0, count).
 *        Pointers of `b` and `d_rows` are device memory.
 */
template <class T>
void launch_batch_rows_async(const batch_view<T>& b, index_t first, index_t count,
                             metric_row<T>* d_rows, batch_schedule schedule, stream_view stream);

/**
 * @brief Fills the block tables of t into d_values (block_table_size(t)
 *        entries, laid out as block_table_offset says); t.g's pointers are
 *        device memory. attach_block_tables(t, d_values) then lends them.
 */
template <class T>
void launch_block_tables_async(const tabulated_grid_view<T>& t, T* d_values, stream_view stream);

/// rows[i] = all metrics of grid scenario first + i (decoded on the device, read from t's tables).
template <class T>
void launch_grid_rows_async(const tabulated_grid_view<T>& t, index_t first, index_t count,
                            metric_row<T>* d_rows, stream_view stream);

/// The same evaluated from g's fields, without tables: the per-scenario
/// evaluation the tables replace, the yardstick their bits are tested against.
template <class T>
void launch_grid_direct_rows_async(const grid_view<T>& g, index_t first, index_t count,
                                   metric_row<T>* d_rows, stream_view stream);

/// rows[i] = all metrics of design sample first + i (decoded on the device; d's
/// `choices` are device memory).
template <class T>
void launch_design_rows_async(const design::design_view& d, index_t first, index_t count,
                              metric_row<T>* d_rows, stream_view stream);

/**
 * @brief d_offsets[i] -= base for i in [0, n): CSR offsets copied raw from a
 *        batch's host columns become relative to the chunk's first item.
 */
void launch_rebase_offsets_async(index_t* d_offsets, index_t n, index_t base, stream_view stream);

// ---- Fused evaluate-and-reduce (no per-scenario rows ever reach memory) ----

inline constexpr int max_device_filters = 16;
inline constexpr int max_device_top_k = 1024;
/// Histogram bins kept in shared memory; more go straight to global atomics.
inline constexpr index_t max_shared_hist_bins = 2048;

/// The host's reduce_spec as the fused kernel reads it: its filters in arrays, the histogram only
/// with a range (host/backends/cuda/device_merge.cpp, device_reduce_params).
struct reduce_params : top_and_histogram {
  int num_filters = 0;
  int filter_metric[max_device_filters] = {};
  int filter_at_least[max_device_filters] = {};
  double filter_threshold[max_device_filters] = {};
};

/// Extrema of one metric over a block's selected scenarios (order-independent to merge).
struct metric_extrema {
  double min, max;
  index_t argmin, argmax;
  int has_pos_inf, has_neg_inf;
};

struct block_result {
  index_t selected;
  metric_extrema m[num_metrics];
};

/// Neumaier sums of one reduction tile (the fused kernel's d_tiles) or of one
/// reduction unit (its tiles merged in tile order on the device: d_units). A
/// unit's pair is added exactly on the host, so the mean does not depend on the
/// grid size, the chunking or the device.
struct unit_sums {
  double sum[num_metrics][num_moments];   ///< each metric's power sums (kernels/statistics.hpp)
  double comp[num_metrics][num_moments];
};

struct top_entry_dev {
  double value;
  index_t index;  ///< -1: empty slot
};

/// Device buffers the fused reduction writes.
struct reduce_outputs {
  block_result* d_blocks = nullptr;         ///< [num_blocks]
  top_entry_dev* d_top = nullptr;           ///< [num_blocks * top_k]
  unit_sums* d_tiles = nullptr;             ///< [reduce_tiles_in(count)]: scratch, device only
  unit_sums* d_units = nullptr;             ///< [ceil(count / reduce_unit)]
  unsigned long long* d_hist = nullptr;     ///< [hist_bins + 2]: bins, below, above (accumulated)
};

using coopgrid::reduce_unit;  // kernels/config.hpp
inline constexpr int reduce_threads = 256;
/**
 * Scenarios a block folds at a time (4 per thread) and sums as one Neumaier
 * pair; blocks take tiles round-robin. A unit (2^16) per block gave 16 blocks
 * of work to a 2^20-scenario chunk on 132 SMs; tiles give it 1024 (7.8 per SM).
 * Exact host adds per tile would cost 64 x 32 adds per unit (~0.4 s on the
 * 1.01e10 grid), so a second kernel merges a unit's tiles in tile order.
 */
inline constexpr index_t reduce_tile = 1024;
static_assert(reduce_unit % reduce_tile == 0 && reduce_tile % reduce_threads == 0, "units hold whole tiles");
/// Tiles (of the d_tiles scratch) in a launch of `count` scenarios.
COOPGRID_HOST_DEVICE inline index_t reduce_tiles_in(index_t count) { return (count + reduce_tile - 1) / reduce_tile; }

/// Dynamic shared memory the fused reduction needs for these parameters.
template <class T>
std::size_t reduce_shared_bytes(const reduce_params& p);

/**
 * @brief Evaluates grid scenarios [first, first + count) and reduces them into
 *        `out` with `num_blocks` persistent blocks. `first` must be a
 *        multiple of reduce_unit relative to the start of the reduction.
 */
template <class T>
void launch_grid_reduce_async(const tabulated_grid_view<T>& t, index_t first, index_t count,
                              const reduce_params& p, const reduce_outputs& out, int num_blocks,
                              stream_view stream);

/// The same over batch scenarios [first, first + count) of `b`; reported
/// indices are shifted by `index_offset` (chunks of a streamed batch).
template <class T>
void launch_batch_reduce_async(const batch_view<T>& b, index_t first, index_t count,
                               index_t index_offset, const reduce_params& p,
                               const reduce_outputs& out, int num_blocks, stream_view stream);

/// The same over design samples [first, first + count) of `d` (its `choices` in device memory).
template <class T>
void launch_design_reduce_async(const design::design_view& d, index_t first, index_t count,
                                const reduce_params& p, const reduce_outputs& out, int num_blocks,
                                stream_view stream);

/**
 * @brief Blocks of the fused reduction over a grid (a batch, a design) that
 *        fit on the device at once: the persistent grid of
 *        launch_grid_reduce_async (launch_batch_reduce_async,
 *        launch_design_reduce_async). Each asks its own kernel's occupancy:
 *        the instantiations use different numbers of registers.
 */
template <class T>
int grid_reduce_blocks_per_device(const reduce_params& p, int device);
template <class T>
int batch_reduce_blocks_per_device(const reduce_params& p, int device);
template <class T>
int design_reduce_blocks_per_device(const reduce_params& p, int device);

// ---- The fused Sobol'/Morris pass (kernels/analysis_kernels.cuh) ----
// Points [first, first + count) of a chunk: whole analysis units, the first and
// last possibly partial, cut at absolute multiples of analysis_unit. v's design
// has its `choices` in device memory.

/// Analysis units (absolute multiples of analysis_unit) that [first, first + count) touches.
index_t analysis_units_in(index_t first, index_t count);

/// d_rows[i * rows_per_point(v) + r]: row r of point first + i in precision T.
template <class T>
void launch_sensitivity_rows_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                                   metric_row<T>* d_rows, stream_view stream);

/// d_terms[i * layout_of(v).total + q]: the terms of point first + i from its rows (d_rows, as above).
template <class T>
void launch_sensitivity_terms_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                                    const metric_row<T>* d_rows, double* d_terms, stream_view stream);

/// d_weights[(u R + r - 1) analysis_unit + b % analysis_unit]: the bootstrap weight of
/// point b in replicate r (1..R), u its unit's index in the chunk ([units x R x analysis_unit] bytes).
void launch_bootstrap_weights_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                                    unsigned char* d_weights, stream_view stream);

/// d_sums[u * unit_sums(R) + e]: the sums of the chunk's unit u, in the host's
/// unit order and rounding (host/analysis/accumulate.cpp, unit_accumulator).
void launch_unit_sums_async(const analysis::sensitivity_view& v, index_t first, index_t count,
                            const double* d_terms, const unsigned char* d_weights, double* d_sums,
                            stream_view stream);

}  // namespace coopgrid::kernels
