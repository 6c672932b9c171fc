#include "host/reduce/reduce.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "host/util/errors.hpp"

namespace coopgrid {

std::string filter::text() const {
  return fmt::format("{}{}{}", metric_names[metric], at_least ? ">=" : "<=", threshold);
}

int metric_by_name(const std::string& name) {
  for (int m = 0; m < num_metrics; ++m) {
    if (name == metric_names[m]) return m;
  }
  throw usage_error(fmt::format("unknown metric '{}' (metrics: {})", name,
                                fmt::join(std::begin(metric_names), std::end(metric_names), ", ")));
}

std::string metric_help() {
  std::string t;
  for (int m = 0; m < num_metrics; ++m) t += fmt::format("\n  {:<22} {}", metric_names[m], metric_descriptions[m]);
  return t;
}

filter parse_filter(const std::string& text) {
  const auto ge = text.find(">=");
  const auto le = text.find("<=");
  if ((ge == std::string::npos) == (le == std::string::npos)) {
    throw usage_error(fmt::format("--where '{}': expected METRIC>=X or METRIC<=X", text));
  }
  const auto at = ge != std::string::npos ? ge : le;
  filter f;
  f.metric = metric_by_name(text.substr(0, at));
  f.at_least = ge != std::string::npos;
  const std::string num = text.substr(at + 2);
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), f.threshold);
  if (num.empty() || ec != std::errc() || end != num.data() + num.size() || std::isnan(f.threshold)) {
    throw usage_error(fmt::format("--where '{}': threshold '{}' is not a number", text, num));
  }
  return f;
}

void metric_summary::add(double v, index_t k) {
  add_extrema(v, k);
  if (std::isfinite(v)) sum.add(v);
}

void metric_summary::add_extrema(double v, index_t k) {
  ++count;
  // Strict comparisons: rows arrive in index order, so the first index wins ties.
  if (v < min) {
    min = v;
    argmin = k;
  }
  if (v > max) {
    max = v;
    argmax = k;
  }
  if (std::isinf(v)) (v > 0 ? has_pos_inf : has_neg_inf) = true;
}

void metric_summary::merge(const metric_summary& o) {
  if (o.count == 0) return;
  count += o.count;
  if (o.min < min || (o.min == min && o.argmin < argmin)) {
    min = o.min;
    argmin = o.argmin;
  }
  if (o.max > max || (o.max == max && o.argmax < argmax)) {
    max = o.max;
    argmax = o.argmax;
  }
  sum.merge(o.sum);
  has_pos_inf = has_pos_inf || o.has_pos_inf;
  has_neg_inf = has_neg_inf || o.has_neg_inf;
}

double metric_summary::mean() const {
  if (count == 0) return std::nan("");
  if (has_pos_inf && has_neg_inf) return std::nan("");
  if (has_pos_inf) return std::numeric_limits<double>::infinity();
  if (has_neg_inf) return -std::numeric_limits<double>::infinity();
  return sum.value() / static_cast<double>(count);
}

reduce_state::reduce_state(const reduce_spec& spec) {
  if (spec.hist_metric >= 0 && spec.hist_range_given) {
    hist.assign(static_cast<std::size_t>(spec.hist_bins), 0);
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
    // Amortised trimming keeps memory at O(K) without a heap per row.
    if (top.size() >= static_cast<std::size_t>(2 * spec.top_k + 64)) finish(spec);
  }
  if (!hist.empty()) {
    const double x = v[spec.hist_metric];
    if (x < spec.hist_lo) {
      ++hist_below;
    } else if (x > spec.hist_hi) {
      ++hist_above;
    } else {
      const double width = spec.hist_hi - spec.hist_lo;
      auto bin = width > 0 ? static_cast<index_t>((x - spec.hist_lo) / width *
                                                  static_cast<double>(spec.hist_bins))
                           : 0;
      bin = std::min<index_t>(bin, spec.hist_bins - 1);  // x == hi lands in the last bin
      ++hist[static_cast<std::size_t>(bin)];
    }
  }
}

template <class T>
void reduce_state::add_rows(const reduce_spec& spec, const metric_row<T>* rows, index_t first,
                            index_t count) {
  std::array<compensated_sum<double>, num_metrics> unit;
  double v[num_metrics];
  for (index_t i = 0; i < count; ++i) {
    ++scenarios;
    for (int m = 0; m < num_metrics; ++m) v[m] = static_cast<double>(rows[i].v[m]);
    if (!spec.passes(v)) continue;
    ++selected;
    for (int m = 0; m < num_metrics; ++m) {
      metrics[m].add_extrema(v[m], first + i);
      if (std::isfinite(v[m])) unit[m].add(v[m]);
    }
    add_selected(spec, v, first + i);
  }
  for (int m = 0; m < num_metrics; ++m) {
    metrics[m].sum.add(unit[m].sum);
    metrics[m].sum.add(unit[m].comp);
  }
}

template void reduce_state::add_rows<float>(const reduce_spec&, const metric_row<float>*, index_t,
                                            index_t);
template void reduce_state::add_rows<double>(const reduce_spec&, const metric_row<double>*, index_t,
                                             index_t);

void reduce_state::merge(const reduce_spec& spec, const reduce_state& o) {
  scenarios += o.scenarios;
  selected += o.selected;
  for (int m = 0; m < num_metrics; ++m) metrics[m].merge(o.metrics[m]);
  if (spec.top_k > 0) {
    top.insert(top.end(), o.top.begin(), o.top.end());
    if (top.size() >= static_cast<std::size_t>(2 * spec.top_k + 64)) finish(spec);
  }
  if (hist.size() == o.hist.size()) {
    for (std::size_t b = 0; b < hist.size(); ++b) hist[b] += o.hist[b];
  }
  hist_below += o.hist_below;
  hist_above += o.hist_above;
}

void reduce_state::finish(const reduce_spec& spec) {
  auto better = [&](const top_entry& a, const top_entry& b) {
    return top_better(a, b, spec.top_ascending);
  };
  const auto k = static_cast<std::size_t>(spec.top_k);
  if (top.size() > k) {
    std::nth_element(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(k), top.end(), better);
    top.resize(k);
  }
  std::sort(top.begin(), top.end(), better);
}

}  // namespace coopgrid
