// The CUDA backend's input kinds (inputs.hpp): uploads, chunk plans and the
// staging of streamed chunks.
#include "host/backends/cuda/inputs.hpp"

#include "host/util/parallel.hpp"

#include <unistd.h>

#include <algorithm>
#include <type_traits>

#include "kernels/launch.hpp"

namespace coopgrid::cuda_impl {
namespace {

template <class V>
void upload_async(device_buffer<V>& d, const std::vector<V>& h, stream_view s) {
  d = device_buffer<V>(h.size());
  if (h.empty()) return;
  COOPGRID_CUDA_TRY(cudaMemcpyAsync(d.data(), h.data(), h.size() * sizeof(V), cudaMemcpyHostToDevice, s));
}

/// n elements host to device on s, through `staging` (pinned) unless it is null.
template <class V>
void copy_to_device_async(V* d, const V* h, std::size_t n, V* staging, stream_view s) {
  if (n == 0) return;
  if (staging != nullptr) {
    parallel_memcpy(staging, h, n * sizeof(V));
    h = staging;
  }
  COOPGRID_CUDA_TRY(cudaMemcpyAsync(d, h, n * sizeof(V), cudaMemcpyHostToDevice, s));
}

/**
 * @brief Copies chunk c of h into d on s: the columns in `direct` straight
 *        from the host, the others packed into `staging` first. Offsets are
 *        copied raw and rebased on the device to the chunk's first items.
 */
template <class T>
void stage_chunk_async(const host_batch<T>& h, const chunk& c, const host_pins& direct, pinned_batch<T>& staging,
                       device_batch<T>& d, stream_view s) {
  const auto n = static_cast<std::size_t>(c.count);
  const auto& cols = h.columns();
  copy_to_device_async(d.activities.data(), cols.activities.data() + c.first, n,
                       direct.activities ? nullptr : staging.activities.data(), s);
  copy_to_device_async(d.cpa.data(), cols.countries_per_activity.data() + c.first, n,
                       direct.cpa ? nullptr : staging.cpa.data(), s);
  for (int list = 0; list < num_lists; ++list) {
    copy_to_device_async(d.offsets[list].data(), h.offsets(list).data() + c.first, n + 1,
                         direct.offsets[list] ? nullptr : staging.offsets[list].data(), s);
    kernels::launch_rebase_offsets_async(d.offsets[list].data(), static_cast<index_t>(n + 1), c.item_lo[list], s);
  }
  for (int a = 0; a < num_item_arrays; ++a) {
    const int list = item_list[a];
    copy_to_device_async(d.items[a].data(), h.items(a).data() + c.item_lo[list],
                         static_cast<std::size_t>(c.item_hi[list] - c.item_lo[list]),
                         direct.items[a] ? nullptr : staging.items[a].data(), s);
  }
}

}  // namespace

std::vector<chunk> cut(index_t first, index_t count, index_t cap) {
  std::vector<chunk> out;
  for (index_t lo = first; lo < first + count; lo += cap) {
    chunk c;
    c.first = lo;
    c.count = std::min(cap, first + count - lo);
    out.push_back(c);
  }
  return out;
}

// ---- grid_input ----

template <class T>
grid_input<T>::grid_input(const grid& g, stream_view s) {
  const grid_tables<T> t(g);
  grid_view<T> axes;
  axes.num_scenarios = t.num_scenarios;
  for (int f = 0; f < num_grid_fields; ++f) {
    upload_async(ints_[f], t.ints[f], s);
    upload_async(reals_[f], t.reals[f], s);
    axes.size[f] = static_cast<index_t>(grid_field_is_integer(f) ? t.ints[f].size() : t.reals[f].size());
    axes.ints[f] = ints_[f].data();
    axes.reals[f] = reals_[f].data();
  }
  upload_async(standards_log_q_, t.standards_log_q, s);
  upload_async(ethics_log_q_, t.ethics_log_q, s);
  upload_async(activities_log10_, t.activities_log10, s);
  axes.standards_log_q = standards_log_q_.data();
  axes.ethics_log_q = ethics_log_q_.data();
  axes.activities_log10 = activities_log10_.data();
  // Block tables once per grid, kept on the device for every launch: a
  // scenario is then lookups, not 8 transcendentals (kernels/block_tables.hpp).
  view_ = untabulated(axes);
  block_values_ = device_buffer<T>(static_cast<std::size_t>(block_table_size(view_)));
  kernels::launch_block_tables_async(view_, block_values_.data(), s);
  attach_block_tables(view_, block_values_.data());
  synchronize(s);  // the host tables go away after this
}

template <class T>
int grid_input<T>::reduce_blocks(const kernels::reduce_params& p, int device) const {
  return kernels::grid_reduce_blocks_per_device<T>(p, device);
}

// ---- design_input ----

template <class T>
design_input<T>::design_input(const design_source& d, stream_view s) : view_(d.view()) {
  std::vector<double> values;
  for (const problem_parameter& p : d.prob.parameters) values.insert(values.end(), p.choices.begin(), p.choices.end());
  upload_async(choices_, values, s);
  std::size_t at = 0;
  for (int j = 0; j < view_.num_parameters; ++j) {
    const auto& c = d.prob.parameters[static_cast<std::size_t>(j)].choices;
    view_.params[j].choices = c.empty() ? nullptr : choices_.data() + at;
    at += c.size();
  }
  if (!d.samples.empty()) {
    upload_async(samples_, d.samples, s);
    view_.samples = samples_.data();
  }
  synchronize(s);  // `values` goes away after this
}

template <class T>
int design_input<T>::reduce_blocks(const kernels::reduce_params& p, int device) const {
  return kernels::design_reduce_blocks_per_device<T>(p, device);
}

// ---- host_batch ----

template <class T>
host_batch<T>::host_batch(const batch_columns<double>& c) {
  if constexpr (std::is_same_v<T, double>) {
    cols_ = &c;
  } else {
    converted_ = std::make_unique<batch_columns<T>>(convert_columns<T>(c));
    cols_ = converted_.get();
  }
}

template <class T>
const column<index_t>& host_batch<T>::offsets(int list) const {
  switch (list) {
    case 0: return cols_->country_offsets;
    case 1: return cols_->standard_offsets;
    case 2: return cols_->resource_offsets;
    default: return cols_->ethics_offsets;
  }
}

template <class T>
const column<T>& host_batch<T>::items(int array) const {
  switch (array) {
    case 0: return cols_->datasets;
    case 1: return cols_->country_share_prob;
    case 2: return cols_->standard_difficulty;
    case 3: return cols_->resource_share_prob;
    default: return cols_->ethics_difficulty;
  }
}

template <class T>
std::size_t host_batch<T>::bytes() const {
  std::size_t bytes = static_cast<std::size_t>(num_scenarios()) * (sizeof(T) + 5 * sizeof(index_t));
  for (int a = 0; a < num_item_arrays; ++a) bytes += items(a).size() * sizeof(T);
  return bytes;
}

template <class T>
kernels::batch_schedule host_batch<T>::schedule() const {
  index_t items = 0;
  for (int list = 0; list < num_lists; ++list) items += offsets(list).back();
  return kernels::choose_schedule(num_scenarios(), items);
}

template <class T>
chunk host_batch<T>::whole() const {
  chunk c;
  c.count = num_scenarios();
  for (int list = 0; list < num_lists; ++list) c.item_hi[list] = offsets(list).back();
  return c;
}

// ---- batch_arrays ----

host_pins host_pins::all() {
  host_pins p;
  p.activities = p.cpa = true;
  p.offsets.fill(true);
  p.items.fill(true);
  return p;
}

template <class T, template <class> class Buffer>
batch_arrays<T, Buffer>::batch_arrays(index_t scenarios, const std::array<index_t, num_lists>& item_caps,
                                      const host_pins& skip) {
  const auto n = static_cast<std::size_t>(scenarios);
  if (!skip.activities) activities = Buffer<T>(n);
  if (!skip.cpa) cpa = Buffer<index_t>(n);
  for (int list = 0; list < num_lists; ++list) {
    if (!skip.offsets[list]) offsets[list] = Buffer<index_t>(n + 1);
  }
  for (int a = 0; a < num_item_arrays; ++a) {
    if (!skip.items[a]) items[a] = Buffer<T>(static_cast<std::size_t>(item_caps[item_list[a]]));
  }
}

template <class T, template <class> class Buffer>
batch_view<T> batch_arrays<T, Buffer>::view(index_t num_scenarios) const {
  return batch_view<T>{num_scenarios,       activities.data(), cpa.data(),
                       offsets[0].data(),   items[0].data(),   items[1].data(),
                       offsets[1].data(),   items[2].data(),   offsets[2].data(),
                       items[3].data(),     offsets[3].data(), items[4].data()};
}

// ---- resident_batch ----

template <class T>
resident_batch<T>::resident_batch(const host_batch<T>& h, stream_view s)
    : num_scenarios_(h.num_scenarios()), schedule_(h.schedule()), device_(h.num_scenarios(), h.whole().item_hi) {
  // One copy per column straight from pageable memory: no staging as large
  // as the batch, and the driver pipelines pageable copies itself.
  pinned_batch<T> no_staging(0, {}, host_pins::all());
  stage_chunk_async(h, h.whole(), host_pins::all(), no_staging, device_, s);
  synchronize(s);
}

template <class T>
int resident_batch<T>::reduce_blocks(const kernels::reduce_params& p, int device) const {
  return kernels::batch_reduce_blocks_per_device<T>(p, device);
}

// ---- streamed_batch ----

template <class T>
streamed_batch<T>::streamed_batch(host_batch<T> h, std::size_t budget, bool pin_host)
    : host_(std::move(h)), budget_(budget), schedule_(host_.schedule()) {
  if (pin_host) pin_host_columns();
}

/**
 * Page-locks the host columns that are worth it, so each chunk is one DMA per
 * column at full PCIe speed with no host copy. Skipped when the batch would
 * lock more than half of the host's memory; columns that fail to pin are
 * staged instead.
 */
template <class T>
void streamed_batch<T>::pin_host_columns() {
  const std::size_t memory = physical_memory_bytes();
  if (memory == 0 || host_.bytes() > memory / 2) return;
  constexpr std::size_t worth_it = std::size_t{64} << 10;  // smaller columns stage as fast as they pin
  auto pin = [&](const auto& v) {
    const std::size_t b = v.size() * sizeof(v[0]);
    if (b < worth_it) return false;
    host_registration r(v.data(), b);
    if (!r.pinned()) return false;
    registrations_.push_back(std::move(r));
    return true;
  };
  pins_.activities = pin(host_.columns().activities);
  pins_.cpa = pin(host_.columns().countries_per_activity);
  for (int list = 0; list < num_lists; ++list) pins_.offsets[list] = pin(host_.offsets(list));
  for (int a = 0; a < num_item_arrays; ++a) pins_.items[a] = pin(host_.items(a));
}

template <class T>
std::vector<chunk> streamed_batch<T>::plan(index_t first, index_t count, index_t cap) const {
  std::vector<chunk> out;
  const auto item_budget = static_cast<index_t>(budget_ / 4 / (2 * sizeof(T) + 1));
  for (index_t lo = first; lo < first + count;) {
    index_t hi = std::min(first + count, lo + cap);
    // Shrink until every list's items fit, keeping at least one scenario.
    for (int list = 0; list < num_lists; ++list) {
      const auto& off = host_.offsets(list);
      while (hi > lo + 1 && off[hi] - off[lo] > item_budget) hi = lo + std::max<index_t>(1, (hi - lo) / 2);
    }
    chunk c;
    c.first = lo;
    c.count = hi - lo;
    for (int list = 0; list < num_lists; ++list) {
      c.item_lo[list] = host_.offsets(list)[lo];
      c.item_hi[list] = host_.offsets(list)[hi];
    }
    out.push_back(c);
    lo = hi;
  }
  return out;
}

template <class T>
void streamed_batch<T>::reserve(const std::vector<chunk>& chunks) {
  index_t scenarios = 1;
  std::array<index_t, num_lists> items{};
  for (const auto& c : chunks) {
    scenarios = std::max(scenarios, c.count);
    for (int list = 0; list < num_lists; ++list) {
      items[list] = std::max(items[list], c.item_hi[list] - c.item_lo[list]);
    }
  }
  refill_slots(slots_, [&] {
    return slot_buffers{device_batch<T>(scenarios, items), pinned_batch<T>(scenarios, items, pins_)};
  });
}

template <class T>
void streamed_batch<T>::stage_async(const chunk& c, int slot, stream_view s) {
  stage_chunk_async(host_, c, pins_, slots_[slot]->staging, slots_[slot]->device, s);
}

template <class T>
int streamed_batch<T>::reduce_blocks(const kernels::reduce_params& p, int device) const {
  return kernels::batch_reduce_blocks_per_device<T>(p, device);
}

// ---- the batch's input kind ----

template <class T>
cuda_input<T> make_batch_input(const batch_columns<double>& columns, const backend_options& opt, stream_view s) {
  host_batch<T> h(columns);
  std::size_t free_bytes = 0, total_bytes = 0;
  COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
  const auto budget = static_cast<std::size_t>(memory_share * static_cast<double>(free_bytes));
  // Resident when the whole batch fits comfortably: upload once, evaluate many times.
  if (opt.chunk == 0 && h.bytes() <= budget / 2) {
    try {
      return cuda_input<T>(std::in_place_type<resident_batch<T>>, h, s);
    } catch (const cuda_out_of_memory&) {
      // stream it through the pipeline instead
    }
  }
  return cuda_input<T>(std::in_place_type<streamed_batch<T>>, std::move(h), budget, opt.pin_host);
}

#define COOPGRID_INSTANTIATE(T)                                                                                 \
  template class grid_input<T>;                                                                                 \
  template class design_input<T>;                                                                               \
  template class host_batch<T>;                                                                                 \
  template struct batch_arrays<T, device_buffer>;                                                               \
  template struct batch_arrays<T, pinned_buffer>;                                                               \
  template class resident_batch<T>;                                                                             \
  template class streamed_batch<T>;                                                                             \
  template cuda_input<T> make_batch_input<T>(const batch_columns<double>&, const backend_options&, stream_view);
COOPGRID_INSTANTIATE(float)
COOPGRID_INSTANTIATE(double)
#undef COOPGRID_INSTANTIATE

}  // namespace coopgrid::cuda_impl
