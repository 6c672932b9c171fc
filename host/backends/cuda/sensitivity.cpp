// The CUDA backend's fused Sobol'/Morris pass (sensitivity.hpp).
#include "host/backends/cuda/sensitivity.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "host/backends/cuda/inputs.hpp"
#include "host/backends/cuda/memory.hpp"
#include "host/util/nvtx.hpp"
#include "host/util/parallel.hpp"
#include "kernels/cuda_check.hpp"
#include "kernels/launch.hpp"

namespace coopgrid::cuda_impl {
namespace {

/// Unit sums per host thread's slice of the exact adds.
constexpr index_t add_slice = 2048;

/// One slot's device buffers and the pinned copy of its unit sums, for `units` units.
template <class T>
struct analysis_slot {
  device_buffer<metric_row<T>> d_rows;  ///< the chunk's rows, read once by the terms kernel
  device_buffer<double> d_terms;
  device_buffer<unsigned char> d_weights;
  device_buffer<double> d_sums;
  pinned_buffer<double> h_sums;
  analysis_slot(index_t units, int rows_per_point, const analysis::term_layout& t, int replicates)
      : d_rows(static_cast<std::size_t>(units * analysis::analysis_unit * rows_per_point)),
        d_terms(static_cast<std::size_t>(units * analysis::analysis_unit * t.total)),
        d_weights(static_cast<std::size_t>(units * analysis::analysis_unit * replicates)),
        d_sums(static_cast<std::size_t>(units * t.unit_sums(replicates))),
        h_sums(static_cast<std::size_t>(units * t.unit_sums(replicates))) {}
};

/**
 * Device bytes of one slot per unit (4096 points): rows, terms, weights, sums.
 * Counted at the timing run (second-order Sobol', 6 groups: 14 rows, 661 terms;
 * R = 100; f64): 8.3 + 21.7 + 0.4 + 0.5 = 30.9 MB, so a chunk of 32 units is
 * ~1 GB a slot; at 64 units and the largest layout (24 rows, 18 metrics, 11
 * groups second order: 1,873 terms) 64 x (14 + 61 + 0.4 + 1.5) MB = ~5 GB a slot.
 */
template <class T>
std::size_t slot_bytes_per_unit(int rows_per_point, const analysis::term_layout& t, int replicates) {
  const auto per_point = static_cast<std::size_t>(rows_per_point) * sizeof(metric_row<T>) +
                         static_cast<std::size_t>(t.total) * sizeof(double) + static_cast<std::size_t>(replicates);
  return static_cast<std::size_t>(analysis::analysis_unit) * per_point +
         static_cast<std::size_t>(t.unit_sums(replicates)) * sizeof(double);
}

/// [first, first + count) cut at absolute unit multiples into chunks of at most `units` units.
std::vector<std::pair<index_t, index_t>> plan_chunks(index_t first, index_t count, index_t units) {
  std::vector<std::pair<index_t, index_t>> out;
  const index_t end = first + count;
  for (index_t lo = first; lo < end;) {
    const index_t hi = std::min(end, (lo / analysis::analysis_unit + units) * analysis::analysis_unit);
    out.emplace_back(lo, hi - lo);
    lo = hi;
  }
  return out;
}

}  // namespace

template <class T>
sensitivity_state device_sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                     index_t chunk_points, const progress_fn& progress, pipeline_streams& ps) {
  const auto t = analysis::layout_of(v);
  const int rpp = analysis::rows_per_point(v);
  const index_t per_unit = t.unit_sums(v.replicates);
  sensitivity_state state(static_cast<std::size_t>(per_unit));
  if (count <= 0) return state;
  index_t units = max_chunk_units;
  if (chunk_points > 0) {
    units = std::clamp<index_t>(chunk_points / analysis::analysis_unit, 1, max_chunk_units);
  } else {
    std::size_t free_bytes = 0, total_bytes = 0;
    COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    const double budget = memory_share * static_cast<double>(free_bytes) / 2.0;  // two slots
    const auto fit = static_cast<index_t>(budget / static_cast<double>(slot_bytes_per_unit<T>(rpp, t, v.replicates)));
    units = std::clamp<index_t>(fit, 1, max_chunk_units);
  }
  units = std::min(units, kernels::analysis_units_in(first, count));
  std::array<std::optional<analysis_slot<T>>, 2> slots;
  for (;;) {  // out of memory: halve the chunk down to one unit
    try {
      refill_slots(slots, [&] { return analysis_slot<T>(units, rpp, t, v.replicates); });
      break;
    } catch (const cuda_out_of_memory&) {
      if (units <= 1) throw;
      units /= 2;
    }
  }
  const auto chunks = plan_chunks(first, count, units);
  const int add_threads = static_cast<int>(std::min<index_t>(hardware_threads(), (per_unit + add_slice - 1) / add_slice));
  std::array<std::optional<std::pair<index_t, index_t>>, 2> pending;
  auto finish = [&](int slot) {
    if (!pending[slot]) return;
    const nvtx_range range("merge");
    ps.events[slot].synchronize();
    const auto [lo, n] = *pending[slot];
    const double* h = slots[slot]->h_sums.data();
    const index_t units_here = kernels::analysis_units_in(lo, n);
    // The exact adds (~9 per point at R = 100, several times the device's time
    // per point) spread over host threads by sum index: exact, so the split
    // cannot change the bits (sensitivity_state::add_unit, one slice each).
    const index_t slices = (per_unit + add_slice - 1) / add_slice;
    parallel_for(slices, add_threads, [&](index_t k) {
      const index_t i1 = std::min(per_unit, (k + 1) * add_slice);
      for (index_t u = 0; u < units_here; ++u) {
        for (index_t i = k * add_slice; i < i1; ++i) state.sums[static_cast<std::size_t>(i)].add(h[u * per_unit + i]);
      }
    });
    state.points += n;
    pending[slot].reset();
    if (progress) progress(n * rpp);
  };
  for (std::size_t j = 0; j < chunks.size(); ++j) {
    const int slot = static_cast<int>(j % 2);
    finish(slot);  // the chunk that used this slot two steps ago
    const auto [lo, n] = chunks[j];
    const stream_view s = ps.streams[slot].view();
    analysis_slot<T>& b = *slots[slot];
    kernels::launch_sensitivity_rows_async<T>(v, lo, n, b.d_rows.data(), s);
    kernels::launch_sensitivity_terms_async<T>(v, lo, n, b.d_rows.data(), b.d_terms.data(), s);
    kernels::launch_bootstrap_weights_async(v, lo, n, b.d_weights.data(), s);
    kernels::launch_unit_sums_async(v, lo, n, b.d_terms.data(), b.d_weights.data(), b.d_sums.data(), s);
    const auto bytes = static_cast<std::size_t>(kernels::analysis_units_in(lo, n) * per_unit) * sizeof(double);
    COOPGRID_CUDA_TRY(cudaMemcpyAsync(b.h_sums.data(), b.d_sums.data(), bytes, cudaMemcpyDeviceToHost, s.value()));
    ps.events[slot].record(s);
    pending[slot] = chunks[j];
  }
  finish(static_cast<int>(chunks.size() % 2));
  finish(static_cast<int>((chunks.size() + 1) % 2));
  return state;
}

template sensitivity_state device_sensitivity<float>(const analysis::sensitivity_view&, index_t, index_t, index_t,
                                                     const progress_fn&, pipeline_streams&);
template sensitivity_state device_sensitivity<double>(const analysis::sensitivity_view&, index_t, index_t, index_t,
                                                      const progress_fn&, pipeline_streams&);

}  // namespace coopgrid::cuda_impl
