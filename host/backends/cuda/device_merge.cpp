#include "host/backends/cuda/device_merge.hpp"

#include <fmt/format.h>

#include "host/util/errors.hpp"

namespace coopgrid {

kernels::reduce_params device_reduce_params(const reduce_spec& spec) {
  if (static_cast<int>(spec.where.size()) > kernels::max_device_filters) {
    throw usage_error(fmt::format("--where: the cuda backend takes at most {} filters, got {}",
                                  kernels::max_device_filters, spec.where.size()));
  }
  if (spec.top_k > kernels::max_device_top_k) {
    throw usage_error(fmt::format(
        "--top {}: the cuda backend keeps at most {} per block; use --backend cpu for a larger K",
        spec.top_k, kernels::max_device_top_k));
  }
  kernels::reduce_params p;
  static_cast<top_and_histogram&>(p) = spec;
  if (!(spec.hist_metric >= 0 && spec.hist_range_given)) {  // a histogram's range comes from a first pass
    p.hist_metric = -1;
    p.hist_bins = 0;
  }
  p.num_filters = static_cast<int>(spec.where.size());
  for (std::size_t f = 0; f < spec.where.size(); ++f) {
    p.filter_metric[f] = spec.where[f].metric;
    p.filter_at_least[f] = spec.where[f].at_least ? 1 : 0;
    p.filter_threshold[f] = spec.where[f].threshold;
  }
  return p;
}

void merge_device_launch(const reduce_spec& spec, const kernels::block_result* blocks, int num_blocks,
                         const kernels::top_entry_dev* top, index_t top_k, const kernels::unit_sums* units,
                         index_t count, reduce_state& total) {
  reduce_state part(spec);
  part.hist.bins.clear();
  part.scenarios = count;
  std::array<metric_summary, num_metrics> ms;
  for (int b = 0; b < num_blocks; ++b) {
    const auto& br = blocks[b];
    part.selected += br.selected;
    for (int m = 0; m < num_metrics; ++m) {
      const auto& e = br.m[m];
      if (e.argmin < 0) continue;  // the block selected nothing
      metric_summary one;
      one.count = 1;  // marks it non-empty for merge(); the real count is set below
      one.min = e.min;
      one.argmin = e.argmin;
      one.max = e.max;
      one.argmax = e.argmax;
      one.has_pos_inf = e.has_pos_inf != 0;
      one.has_neg_inf = e.has_neg_inf != 0;
      ms[m].merge(one);
    }
    for (index_t i = 0; i < top_k; ++i) {
      const auto& t = top[static_cast<std::size_t>(b * top_k + i)];
      if (t.index >= 0) part.top.emplace_back(t.value, t.index);
    }
  }
  const index_t num_units = (count + kernels::reduce_unit - 1) / kernels::reduce_unit;
  for (int m = 0; m < num_metrics; ++m) {
    ms[m].count = part.selected;
    ms[m].moments = {};
    for (index_t u = 0; u < num_units; ++u) {  // each unit's Neumaier pairs, added exactly
      for (int j = 0; j < num_moments; ++j) ms[m].add_unit_sum(j, units[u].sum[m][j], units[u].comp[m][j]);
    }
    part.metrics[m] = ms[m];
  }
  total.merge(spec, part);
}

void apply_device_histogram(const std::vector<unsigned long long>& hist, reduce_state& total) {
  if (hist.size() < 2) return;
  total.hist.bins.assign(hist.begin(), hist.end() - 2);
  total.hist.below = static_cast<index_t>(hist[hist.size() - 2]);
  total.hist.above = static_cast<index_t>(hist[hist.size() - 1]);
}

}  // namespace coopgrid
