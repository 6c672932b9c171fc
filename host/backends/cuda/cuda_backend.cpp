// The CUDA backend: device tables for grids, resident or streamed explicit
// batches, a double-buffered two-stream pipeline for rows, and the fused
// on-device reduction. Plain C++ over the CUDA runtime API; the kernels are
// reached only through kernels/launch.hpp.
#include "host/backends/cuda/cuda_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include <unistd.h>

#include "kernels/cuda_check.hpp"
#include "kernels/launch.hpp"
#include "host/backends/cuda/memory.hpp"
#include "host/backends/cuda/device_merge.hpp"
#include "host/util/errors.hpp"
#include "host/util/nvtx.hpp"
#include "host/util/parallel.hpp"

namespace coopgrid {
namespace {

constexpr int num_blocks_of_items = 4;  // countries, standards, resources, ethics
constexpr int num_item_arrays = 5;      // datasets, country share_prob, standards, resources, ethics
constexpr int item_block[num_item_arrays] = {0, 0, 1, 2, 3};
/// Scenarios per fused-reduction launch (a multiple of the reduction unit): one progress tick.
constexpr index_t reduce_launch = kernels::reduce_unit * 8192;  // 2^29
/// Share of free device memory the pipeline's buffers may take.
constexpr double memory_share = 0.4;
/// Default scenarios per pipeline chunk for rows (bounded by memory too).
constexpr index_t default_rows_chunk = index_t{1} << 22;

/**
 * @brief memcpy on all cores: one thread copies pageable memory into pinned
 *        staging at ~10 GB/s, well under PCIe's 55 GB/s, so a streamed batch
 *        would wait on the host.
 */
void parallel_memcpy(void* dst, const void* src, std::size_t bytes) {
  constexpr std::size_t piece = std::size_t{8} << 20;
  const auto pieces = static_cast<index_t>((bytes + piece - 1) / piece);
  parallel_for(pieces, hardware_threads(), [&](index_t i) {
    const std::size_t at = static_cast<std::size_t>(i) * piece;
    std::memcpy(static_cast<char*>(dst) + at, static_cast<const char*>(src) + at, std::min(piece, bytes - at));
  });
}

template <class T>
void upload(device_buffer<T>& d, const T* h, std::size_t n, cudaStream_t s) {
  d = device_buffer<T>(n);
  if (n > 0) COOPGRID_CUDA_TRY(cudaMemcpyAsync(d.data(), h, n * sizeof(T), cudaMemcpyHostToDevice, s));
}

bool is_out_of_memory(const cuda_error& e) { return e.code() == cudaErrorMemoryAllocation; }

/// Grid axis tables on the device.
template <class T>
struct device_grid {
  std::array<device_buffer<index_t>, num_grid_fields> ints;
  std::array<device_buffer<T>, num_grid_fields> reals;
  device_buffer<double> standards_log_q, ethics_log_q;
  device_buffer<T> activities_log10;
  grid_view<T> view;

  device_grid(const grid_tables<T>& t, cudaStream_t s) {
    view.num_scenarios = t.num_scenarios;
    for (int f = 0; f < num_grid_fields; ++f) {
      upload(ints[f], t.ints[f].data(), t.ints[f].size(), s);
      upload(reals[f], t.reals[f].data(), t.reals[f].size(), s);
      view.size[f] = static_cast<index_t>(grid_field_is_integer(f) ? t.ints[f].size() : t.reals[f].size());
      view.ints[f] = ints[f].data();
      view.reals[f] = reals[f].data();
    }
    upload(standards_log_q, t.standards_log_q.data(), t.standards_log_q.size(), s);
    upload(ethics_log_q, t.ethics_log_q.data(), t.ethics_log_q.size(), s);
    upload(activities_log10, t.activities_log10.data(), t.activities_log10.size(), s);
    view.standards_log_q = standards_log_q.data();
    view.ethics_log_q = ethics_log_q.data();
    view.activities_log10 = activities_log10.data();
    COOPGRID_CUDA_TRY(cudaStreamSynchronize(s));  // the host tables may go away after this
  }
};

/// Host-side accessors of a batch's columns by block.
template <class T>
struct host_columns {
  const batch_columns<T>* c;
  const std::vector<index_t>& offsets(int b) const {
    switch (b) {
      case 0: return c->country_offsets;
      case 1: return c->standard_offsets;
      case 2: return c->resource_offsets;
      default: return c->ethics_offsets;
    }
  }
  const std::vector<T>& items(int a) const {
    switch (a) {
      case 0: return c->datasets;
      case 1: return c->country_share_prob;
      case 2: return c->standard_difficulty;
      case 3: return c->resource_share_prob;
      default: return c->ethics_difficulty;
    }
  }
};

/// A contiguous range of scenarios with its item ranges.
struct chunk {
  index_t first = 0, count = 0;
  std::array<index_t, num_blocks_of_items> item_lo{}, item_hi{};
  index_t items() const {
    index_t n = 0;
    for (int b = 0; b < num_blocks_of_items; ++b) n += item_hi[b] - item_lo[b];
    return n;
  }
};

/**
 * @brief Which host columns of a batch are page-locked: those are copied to
 *        the device directly, the others through pinned staging.
 */
struct host_pins {
  bool activities = false, cpa = false;
  std::array<bool, num_blocks_of_items> offsets{};
  std::array<bool, num_item_arrays> items{};
  /// Every column direct: resident uploads copy straight from pageable memory.
  static host_pins all() {
    host_pins p;
    p.activities = p.cpa = true;
    p.offsets.fill(true);
    p.items.fill(true);
    return p;
  }
};

/**
 * @brief The columns of one chunk in `Buffer` memory (device or pinned),
 *        offsets rebased to the chunk. Columns marked in `skip` get no memory
 *        (pinned staging is not needed for page-locked host columns).
 */
template <class T, template <class> class Buffer>
struct batch_arrays {
  Buffer<T> activities;
  Buffer<index_t> cpa;
  std::array<Buffer<index_t>, num_blocks_of_items> offsets;
  std::array<Buffer<T>, num_item_arrays> items;

  batch_arrays(index_t scenarios, const std::array<index_t, num_blocks_of_items>& item_caps,
               const host_pins& skip = host_pins{}) {
    const auto n = static_cast<std::size_t>(scenarios);
    if (!skip.activities) activities = Buffer<T>(n);
    if (!skip.cpa) cpa = Buffer<index_t>(n);
    for (int b = 0; b < num_blocks_of_items; ++b) {
      if (!skip.offsets[b]) offsets[b] = Buffer<index_t>(n + 1);
    }
    for (int a = 0; a < num_item_arrays; ++a) {
      if (!skip.items[a]) items[a] = Buffer<T>(static_cast<std::size_t>(item_caps[item_block[a]]));
    }
  }
  batch_view<T> view(index_t num_scenarios) const {
    return batch_view<T>{num_scenarios,       activities.data(), cpa.data(),
                         offsets[0].data(),   items[0].data(),   items[1].data(),
                         offsets[1].data(),   items[2].data(),   offsets[2].data(),
                         items[3].data(),     offsets[3].data(), items[4].data()};
  }
};

template <class T>
using device_batch = batch_arrays<T, device_buffer>;

/// n elements host to device on s, through `staging` (pinned) unless it is null.
template <class V>
void copy_to_device(V* d, const V* h, std::size_t n, V* staging, cudaStream_t s) {
  if (n == 0) return;
  if (staging != nullptr) {
    parallel_memcpy(staging, h, n * sizeof(V));
    h = staging;
  }
  COOPGRID_CUDA_TRY(cudaMemcpyAsync(d, h, n * sizeof(V), cudaMemcpyHostToDevice, s));
}

/// Pinned staging of one chunk's inputs, for the host columns that are not page-locked.
template <class T>
struct batch_staging : batch_arrays<T, pinned_buffer> {
  using base = batch_arrays<T, pinned_buffer>;
  using base::activities;
  using base::cpa;
  using base::offsets;
  using base::items;

  batch_staging(index_t scenarios, const std::array<index_t, num_blocks_of_items>& item_caps,
                const host_pins& pins)
      : base(scenarios, item_caps, pins), pins_(pins) {}

  /**
   * @brief Copies chunk `c` of `h` into `d` on stream s (asynchronous): page-locked
   *        columns directly, the others packed into this staging first. Offsets
   *        end up relative to the chunk's first item either way.
   */
  void stage(const host_columns<T>& h, const chunk& c, device_batch<T>& d, cudaStream_t s) {
    const auto n = static_cast<std::size_t>(c.count);
    copy_to_device(d.activities.data(), h.c->activities.data() + c.first, n,
                   pins_.activities ? nullptr : activities.data(), s);
    copy_to_device(d.cpa.data(), h.c->countries_per_activity.data() + c.first, n,
                   pins_.cpa ? nullptr : cpa.data(), s);
    for (int b = 0; b < num_blocks_of_items; ++b) {
      // Raw offsets, staged or direct like any column, rebased on the device.
      copy_to_device(d.offsets[b].data(), h.offsets(b).data() + c.first, n + 1,
                     pins_.offsets[b] ? nullptr : offsets[b].data(), s);
      kernels::launch_rebase_offsets_async(d.offsets[b].data(), static_cast<index_t>(n + 1), c.item_lo[b], s);
    }
    for (int a = 0; a < num_item_arrays; ++a) {
      const int b = item_block[a];
      copy_to_device(d.items[a].data(), h.items(a).data() + c.item_lo[b],
                     static_cast<std::size_t>(c.item_hi[b] - c.item_lo[b]),
                     pins_.items[a] ? nullptr : items[a].data(), s);
    }
  }

 private:
  host_pins pins_;
};

/// Output staging of one pipeline slot: device rows and their pinned copy.
template <class T>
struct row_slot {
  device_buffer<metric_row<T>> d_rows;
  pinned_buffer<metric_row<T>> h_rows;
  explicit row_slot(index_t n)
      : d_rows(static_cast<std::size_t>(n)), h_rows(static_cast<std::size_t>(n)) {}
};

/// Device outputs of one fused-reduction launch and their pinned copies.
struct reduce_slot {
  device_buffer<kernels::block_result> d_blocks;
  device_buffer<kernels::top_entry_dev> d_top;
  device_buffer<kernels::unit_sums> d_units;
  pinned_buffer<kernels::block_result> h_blocks;
  pinned_buffer<kernels::top_entry_dev> h_top;
  pinned_buffer<kernels::unit_sums> h_units;
  reduce_slot(int blocks, int top_k, index_t units)
      : d_blocks(static_cast<std::size_t>(blocks)),
        d_top(static_cast<std::size_t>(blocks) * static_cast<std::size_t>(std::max(top_k, 1))),
        d_units(static_cast<std::size_t>(units)),
        h_blocks(static_cast<std::size_t>(blocks)),
        h_top(static_cast<std::size_t>(blocks) * static_cast<std::size_t>(std::max(top_k, 1))),
        h_units(static_cast<std::size_t>(units)) {}
};

/// Runs fn; a CUDA failure inside is re-raised naming the pipeline stage.
template <class Fn>
auto in_stage(const char* stage, Fn&& fn) {
  try {
    return fn();
  } catch (const cuda_error& e) {
    throw cuda_error(fmt::format("cuda backend, {} stage: {}", stage, e.what()), e.code());
  }
}

template <class T>
class cuda_backend final : public backend<T> {
 public:
  /// make_cuda_backend() has checked and selected the device: the members below already use it.
  cuda_backend(const source& src, const backend_options& opt)
      : device_(opt.device), chunk_(opt.chunk), pin_host_(opt.pin_host) {
    in_stage("upload", [&] { upload_source(src); });
  }

  std::string name() const override { return "cuda"; }

  void evaluate(index_t first, index_t count, metric_row<T>* rows) override {
    // Each host thread selects the device: a multi-device run calls from several.
    COOPGRID_CUDA_TRY(cudaSetDevice(device_));
    in_stage("evaluate", [&] { evaluate_impl(first, count, rows); });
  }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    COOPGRID_CUDA_TRY(cudaSetDevice(device_));
    return in_stage("reduce", [&] { return reduce_impl(spec, first, count, progress); });
  }

 private:
  void upload_source(const source& src) {
    nvtx_range range("upload");
    if (const grid* g = std::get_if<grid>(&src.input)) {
      const grid_tables<T> tables(*g);
      grid_.emplace(tables, streams_[0].get());
      return;
    }
    const batch& b = std::get<batch>(src.input);
    if constexpr (std::is_same_v<T, double>) {
      host_.c = &b.columns;
    } else {
      converted_ = convert_columns<T>(b.columns);
      host_.c = &*converted_;
    }
    // Resident when the whole batch fits comfortably: upload once, evaluate many times.
    std::size_t free_bytes = 0, total_bytes = 0;
    COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    const index_t scenarios = host_.c->num_scenarios();
    std::array<index_t, num_blocks_of_items> items{};
    std::size_t bytes = static_cast<std::size_t>(scenarios) * (sizeof(T) + 5 * sizeof(index_t));
    for (int b = 0; b < num_blocks_of_items; ++b) items[b] = host_.offsets(b).back();
    for (int a = 0; a < num_item_arrays; ++a) bytes += static_cast<std::size_t>(items[item_block[a]]) * sizeof(T);
    budget_ = static_cast<std::size_t>(memory_share * static_cast<double>(free_bytes));
    if (chunk_ == 0 && bytes <= budget_ / 2) {
      try {
        resident_.emplace(scenarios, items);
        // One copy per column straight from pageable memory: no staging as
        // large as the batch, and the driver pipelines pageable copies itself.
        batch_staging<T> direct(0, {}, host_pins::all());
        chunk all;
        all.count = scenarios;
        for (int b = 0; b < num_blocks_of_items; ++b) all.item_hi[b] = items[b];
        direct.stage(host_, all, *resident_, streams_[0].get());
        streams_[0].synchronize();
        return;
      } catch (const cuda_error& e) {
        if (!is_out_of_memory(e)) throw;
        (void)cudaGetLastError();
        resident_.reset();  // stream it through the pipeline instead
      }
    }
    if (pin_host_) pin_host_columns(bytes);
  }

  /**
   * @brief Streamed batches: page-locks the host columns that are worth it,
   *        so each chunk is one DMA per column at full PCIe speed with no
   *        host copy. Skipped when the batch would lock more than half of the
   *        host's memory; columns that fail to pin are staged instead.
   */
  void pin_host_columns(std::size_t batch_bytes) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return;
    if (batch_bytes > static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 2) return;
    constexpr std::size_t worth_it = std::size_t{64} << 10;  // smaller columns stage as fast as they pin
    auto pin = [&](const auto& v) {
      const std::size_t b = v.size() * sizeof(v[0]);
      if (b < worth_it) return false;
      host_registration r(v.data(), b);
      if (!r.pinned()) return false;
      registrations_.push_back(std::move(r));
      return true;
    };
    pins_.activities = pin(host_.c->activities);
    pins_.cpa = pin(host_.c->countries_per_activity);
    for (int b = 0; b < num_blocks_of_items; ++b) pins_.offsets[b] = pin(host_.offsets(b));
    for (int a = 0; a < num_item_arrays; ++a) pins_.items[a] = pin(host_.items(a));
  }

  void evaluate_impl(index_t first, index_t count, metric_row<T>* rows) {
    if (count <= 0) return;
    nvtx_range range("evaluate");
    std::vector<chunk> chunks;
    std::array<std::optional<row_slot<T>>, 2> slots;
    std::array<std::optional<staging_pair>, 2> staging;
    with_backoff(rows_chunk_cap(), [&](index_t cap) {
      chunks = plan(first, count, cap);
      index_t most = 0;
      for (const auto& c : chunks) most = std::max(most, c.count);
      for (auto& s : slots) s.reset();
      for (auto& s : staging) s.reset();
      for (auto& s : slots) s.emplace(most);
      staging = make_staging(chunks);
    });
    std::array<std::optional<chunk>, 2> pending;
    auto finish = [&](int s) {
      if (!pending[s]) return;
      nvtx_range download("download");
      events_[s].synchronize();
      parallel_memcpy(rows + (pending[s]->first - first), slots[s]->h_rows.data(),
                      static_cast<std::size_t>(pending[s]->count) * sizeof(metric_row<T>));
      pending[s].reset();
    };
    for (std::size_t j = 0; j < chunks.size(); ++j) {
      const int s = static_cast<int>(j % 2);
      finish(s);  // the chunk that used this slot two steps ago; chunks finish in order
      const auto& c = chunks[j];
      const cudaStream_t st = streams_[s].get();
      if (grid_) {
        kernels::launch_grid_rows_async(grid_->view, c.first, c.count, slots[s]->d_rows.data(), st);
      } else if (resident_) {
        kernels::launch_batch_rows_async(resident_->view(host_.c->num_scenarios()), c.first, c.count,
                                         slots[s]->d_rows.data(),
                                         kernels::choose_schedule(c.count, c.items()), st);
      } else {
        staging[s]->second.stage(host_, c, staging[s]->first, st);
        kernels::launch_batch_rows_async(staging[s]->first.view(c.count), 0, c.count,
                                         slots[s]->d_rows.data(),
                                         kernels::choose_schedule(c.count, c.items()), st);
      }
      COOPGRID_CUDA_TRY(cudaMemcpyAsync(slots[s]->h_rows.data(), slots[s]->d_rows.data(),
                                        static_cast<std::size_t>(c.count) * sizeof(metric_row<T>),
                                        cudaMemcpyDeviceToHost, st));
      events_[s].record(st);
      pending[s] = c;
    }
    finish(static_cast<int>(chunks.size() % 2));
    finish(static_cast<int>((chunks.size() + 1) % 2));
  }

  reduce_state reduce_impl(const reduce_spec& spec, index_t first, index_t count,
                           const progress_fn& progress) {
    nvtx_range range("reduce");
    const auto p = device_reduce_params(spec);
    reduce_state total(spec);
    const int blocks = kernels::reduce_blocks_per_device<T>(p, device_);
    // Launch ranges are whole units, so the sums' order never depends on them.
    const index_t launch = chunk_ > 0 ? std::max<index_t>(kernels::reduce_unit,
                                                          chunk_ / kernels::reduce_unit * kernels::reduce_unit)
                                      : reduce_launch;
    std::vector<chunk> chunks;
    std::array<std::optional<reduce_slot>, 2> slots;
    std::array<std::optional<staging_pair>, 2> staging;
    const bool streamed = !grid_ && !resident_;
    with_backoff(streamed ? std::min(launch, rows_chunk_cap()) : launch, [&](index_t cap) {
      chunks.clear();
      if (streamed) {
        chunks = plan(first, count, cap);
      } else {
        cap = std::max(kernels::reduce_unit, cap / kernels::reduce_unit * kernels::reduce_unit);
        for (index_t lo = 0; lo < count; lo += cap) {
          chunk c;
          c.first = first + lo;
          c.count = std::min(cap, count - lo);
          chunks.push_back(c);
        }
      }
      index_t max_units = 0;
      for (const auto& c : chunks) {
        max_units = std::max(max_units, (c.count + kernels::reduce_unit - 1) / kernels::reduce_unit);
      }
      for (auto& s : slots) s.reset();
      for (auto& s : staging) s.reset();
      for (auto& s : slots) s.emplace(blocks, p.top_k, max_units);
      staging = make_staging(chunks);
    });
    const index_t hist_len = p.hist_metric >= 0 ? p.hist_bins + 2 : 1;
    device_buffer<unsigned long long> d_hist(static_cast<std::size_t>(hist_len));
    COOPGRID_CUDA_TRY(cudaMemsetAsync(d_hist.data(), 0, static_cast<std::size_t>(hist_len) * 8, streams_[0].get()));
    COOPGRID_CUDA_TRY(cudaStreamSynchronize(streams_[0].get()));

    std::array<std::optional<chunk>, 2> pending;
    auto finish = [&](int s) {
      if (!pending[s]) return;
      events_[s].synchronize();
      const auto& slot = *slots[s];
      merge_device_launch(spec, slot.h_blocks.data(), blocks, slot.h_top.data(), p.top_k, slot.h_units.data(),
                          pending[s]->count, total);
      if (progress) progress(pending[s]->count);
      pending[s].reset();
    };
    for (std::size_t j = 0; j < chunks.size(); ++j) {
      const int s = static_cast<int>(j % 2);
      finish(s);
      const auto& c = chunks[j];
      const cudaStream_t st = streams_[s].get();
      kernels::reduce_outputs out{slots[s]->d_blocks.data(), slots[s]->d_top.data(),
                                  slots[s]->d_units.data(), d_hist.data()};
      if (grid_) {
        kernels::launch_grid_reduce_async(grid_->view, c.first, c.count, p, out, blocks, st);
      } else if (resident_) {
        kernels::launch_batch_reduce_async(resident_->view(host_.c->num_scenarios()), c.first, c.count,
                                           0, p, out, blocks, st);
      } else {
        staging[s]->second.stage(host_, c, staging[s]->first, st);
        kernels::launch_batch_reduce_async(staging[s]->first.view(c.count), 0, c.count, c.first, p,
                                           out, blocks, st);
      }
      const index_t units = (c.count + kernels::reduce_unit - 1) / kernels::reduce_unit;
      auto d2h = [&](auto* h, auto* d, std::size_t n) {
        COOPGRID_CUDA_TRY(cudaMemcpyAsync(h, d, n * sizeof(*h), cudaMemcpyDeviceToHost, st));
      };
      d2h(slots[s]->h_blocks.data(), slots[s]->d_blocks.data(), static_cast<std::size_t>(blocks));
      if (p.top_k > 0) {
        d2h(slots[s]->h_top.data(), slots[s]->d_top.data(),
            static_cast<std::size_t>(blocks) * static_cast<std::size_t>(p.top_k));
      }
      d2h(slots[s]->h_units.data(), slots[s]->d_units.data(), static_cast<std::size_t>(units));
      events_[s].record(st);
      pending[s] = c;
    }
    finish(static_cast<int>(chunks.size() % 2));
    finish(static_cast<int>((chunks.size() + 1) % 2));
    if (p.hist_metric >= 0) {
      std::vector<unsigned long long> h(static_cast<std::size_t>(hist_len));
      COOPGRID_CUDA_TRY(cudaMemcpy(h.data(), d_hist.data(), h.size() * 8, cudaMemcpyDeviceToHost));
      apply_device_histogram(h, total);
    }
    total.finish(spec);
    return total;
  }

  using staging_pair = std::pair<device_batch<T>, batch_staging<T>>;

  /**
   * @brief Runs allocate(cap), halving cap after each out-of-memory failure:
   *        a pipeline that does not fit shrinks its chunks instead of failing.
   */
  template <class Allocate>
  static void with_backoff(index_t cap, Allocate&& allocate) {
    for (;;) {
      try {
        allocate(cap);
        return;
      } catch (const cuda_error& e) {
        if (!is_out_of_memory(e) || cap <= 1024) throw;
        (void)cudaGetLastError();  // clear the sticky allocation error
        cap /= 2;
      }
    }
  }

  /// Scenarios per rows chunk: the option, else a default bounded by the memory budget.
  index_t rows_chunk_cap() const {
    if (chunk_ > 0) return chunk_;
    std::size_t free_bytes = 0, total_bytes = 0;
    COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    const std::size_t per_scenario = 2 * sizeof(metric_row<T>) + sizeof(T) + 5 * sizeof(index_t);
    const auto by_memory = static_cast<index_t>(memory_share * static_cast<double>(free_bytes) /
                                                static_cast<double>(2 * per_scenario));
    return std::max<index_t>(1024, std::min(default_rows_chunk, by_memory));
  }

  /// Cuts [first, first + count) into chunks of at most `cap` scenarios; a streamed
  /// batch also bounds each chunk's items by the memory budget (at least one scenario).
  std::vector<chunk> plan(index_t first, index_t count, index_t cap) const {
    std::vector<chunk> out;
    const bool streamed = !grid_ && !resident_;
    const auto item_budget = static_cast<index_t>(budget_ / 4 / (2 * sizeof(T) + 1));
    for (index_t lo = first; lo < first + count;) {
      chunk c;
      c.first = lo;
      index_t hi = std::min(first + count, lo + cap);
      if (streamed) {
        // Shrink until every block's items fit, keeping at least one scenario.
        for (int b = 0; b < num_blocks_of_items; ++b) {
          const auto& off = host_.offsets(b);
          while (hi > lo + 1 && off[hi] - off[lo] > item_budget) hi = lo + std::max<index_t>(1, (hi - lo) / 2);
        }
        for (int b = 0; b < num_blocks_of_items; ++b) {
          c.item_lo[b] = host_.offsets(b)[lo];
          c.item_hi[b] = host_.offsets(b)[hi];
        }
      } else if (resident_) {
        for (int b = 0; b < num_blocks_of_items; ++b) {
          c.item_lo[b] = host_.offsets(b)[lo];
          c.item_hi[b] = host_.offsets(b)[hi];
        }
      }
      c.count = hi - lo;
      out.push_back(c);
      lo = hi;
    }
    return out;
  }

  /// Double-buffered input staging sized for the largest chunk (streamed batches only).
  std::array<std::optional<staging_pair>, 2> make_staging(const std::vector<chunk>& chunks) const {
    std::array<std::optional<staging_pair>, 2> out;
    if (grid_ || resident_) return out;
    index_t scen = 1;
    std::array<index_t, num_blocks_of_items> items{};
    for (const auto& c : chunks) {
      scen = std::max(scen, c.count);
      for (int b = 0; b < num_blocks_of_items; ++b) items[b] = std::max(items[b], c.item_hi[b] - c.item_lo[b]);
    }
    for (auto& s : out) {
      s.emplace(std::piecewise_construct, std::forward_as_tuple(scen, items),
                std::forward_as_tuple(scen, items, pins_));
    }
    return out;
  }

  int device_;
  index_t chunk_;
  std::size_t budget_ = 0;
  std::array<cuda_stream, 2> streams_;
  std::array<cuda_event, 2> events_;
  std::optional<device_grid<T>> grid_;
  std::optional<batch_columns<T>> converted_;
  host_columns<T> host_{nullptr};
  std::optional<device_batch<T>> resident_;
  bool pin_host_;
  host_pins pins_;
  /// After converted_: unpinned before the columns they lock are freed.
  std::vector<host_registration> registrations_;
};

}  // namespace

bool cuda_compiled() { return true; }

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // no driver or no device: not an error for callers
    return 0;
  }
  return n;
}

std::vector<cuda_device_info> cuda_devices() {
  std::vector<cuda_device_info> out;
  const int n = cuda_device_count();
  if (n == 0) return out;
  int current = 0;
  COOPGRID_CUDA_TRY(cudaGetDevice(&current));
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp prop{};
    COOPGRID_CUDA_TRY(cudaGetDeviceProperties(&prop, d));
    cuda_device_info info;
    info.ordinal = d;
    info.name = prop.name;
    info.multiprocessors = prop.multiProcessorCount;
    info.major = prop.major;
    info.minor = prop.minor;
    info.total_memory = prop.totalGlobalMem;
    COOPGRID_CUDA_TRY(cudaSetDevice(d));
    std::size_t free_bytes = 0, total_bytes = 0;
    COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    info.free_memory = free_bytes;
    out.push_back(info);
  }
  if (n > 0) COOPGRID_CUDA_TRY(cudaSetDevice(current));
  return out;
}

template <class T>
std::unique_ptr<backend<T>> make_cuda_backend(const source& src, const backend_options& opt) {
  const int n = cuda_device_count();
  if (n == 0) {
    throw std::runtime_error("--backend cuda: no CUDA device found (see 'coopgrid info'); use --backend cpu");
  }
  if (opt.device < 0 || opt.device >= n) {
    throw std::runtime_error(
        fmt::format("--device {}: only {} CUDA device(s) present (0..{})", opt.device, n, n - 1));
  }
  COOPGRID_CUDA_TRY(cudaSetDevice(opt.device));
  return std::make_unique<cuda_backend<T>>(src, opt);
}

template std::unique_ptr<backend<float>> make_cuda_backend<float>(const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_cuda_backend<double>(const source&, const backend_options&);

}  // namespace coopgrid
