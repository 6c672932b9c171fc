#include "host/reduce/state.hpp"

#include <algorithm>
#include <cmath>

#include "host/reduce/filtered_fold.hpp"

namespace coopgrid {

reduce_state::reduce_state(const reduce_spec& spec) {
  if (spec.hist_metric >= 0 && spec.hist_range_given) {
    hist.bins.assign(static_cast<std::size_t>(spec.hist_bins), 0);
  }
}

void reduce_state::add(const reduce_spec& spec, const double* v, index_t k) {
  ++scenarios;
  if (!spec.passes(v)) return;
  ++selected;
  for (int m = 0; m < num_metrics; ++m) metrics[m].add(v[m], k);
  add_selected(spec, v, k);
}

void reduce_state::add_selected(const reduce_spec& spec, const double* v, index_t k) {
  if (spec.top_k > 0) {
    top.emplace_back(v[spec.top_by], k);
    if (top_needs_trim(top, spec.top_k)) finish(spec);
  }
  if (!hist.bins.empty()) add_to_histogram(spec, v[spec.hist_metric]);
}

template <class T>
void reduce_state::add_rows(const reduce_spec& spec, const metric_row<T>* rows, index_t first,
                            index_t count) {
  // Widened a batch at a time into the fold's padded rows (a few KiB: stays in L1).
  constexpr index_t batch = filtered_batch;
  alignas(64) double buf[batch * plain_lanes] = {};
  filtered_unit_fold fold(*this, spec, first);
  for (index_t lo = 0; lo < count; lo += batch) {
    const index_t n = std::min(batch, count - lo);
    for (index_t i = 0; i < n; ++i) {
      for (int m = 0; m < num_metrics; ++m) buf[i * plain_lanes + m] = static_cast<double>(rows[lo + i].v[m]);
    }
    fold.add(buf, n);
  }
  fold.finish();
}

template <class T>
void reduce_state::add_rows_generic(const reduce_spec& spec, const metric_row<T>* rows, index_t first,
                                    index_t count) {
  std::array<std::array<compensated_sum<double>, num_moments>, num_metrics> unit;
  double v[num_metrics];
  for (index_t i = 0; i < count; ++i) {
    ++scenarios;
    for (int m = 0; m < num_metrics; ++m) v[m] = static_cast<double>(rows[i].v[m]);
    if (!spec.passes(v)) continue;
    ++selected;
    for (int m = 0; m < num_metrics; ++m) {
      metrics[m].add_extrema(v[m], first + i);
      if (!std::isfinite(v[m])) continue;
      for_each_moment_term(
          v[m], [&](int j, double t) { unit[m][j].add(t); }, [&](int j, double e) { unit[m][j].comp += e; });
    }
    add_selected(spec, v, first + i);
  }
  for (int m = 0; m < num_metrics; ++m) {
    for (int j = 0; j < num_moments; ++j) metrics[m].add_unit_sum(j, unit[m][j].sum, unit[m][j].comp);
  }
}

template void reduce_state::add_rows<float>(const reduce_spec&, const metric_row<float>*, index_t,
                                            index_t);
template void reduce_state::add_rows<double>(const reduce_spec&, const metric_row<double>*, index_t,
                                             index_t);
template void reduce_state::add_rows_generic<float>(const reduce_spec&, const metric_row<float>*, index_t,
                                                    index_t);
template void reduce_state::add_rows_generic<double>(const reduce_spec&, const metric_row<double>*, index_t,
                                                     index_t);

void reduce_state::merge(const reduce_spec& spec, const reduce_state& o) {
  scenarios += o.scenarios;
  selected += o.selected;
  for (int m = 0; m < num_metrics; ++m) metrics[m].merge(o.metrics[m]);
  if (spec.top_k > 0) {
    top.insert(top.end(), o.top.begin(), o.top.end());
    if (top_needs_trim(top, spec.top_k)) finish(spec);
  }
  hist.merge(o.hist);
}

void reduce_state::finish(const reduce_spec& spec) { trim_top(top, spec.top_k, spec.top_ascending); }

}  // namespace coopgrid
