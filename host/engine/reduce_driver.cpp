#include "host/engine/reduce_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include "host/backends/make_backend.hpp"
#include "host/io/format.hpp"
#include "host/util/progress.hpp"
#include "host/engine/segments.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/reduce/factorized.hpp"
#include "host/reduce/marginal.hpp"
#include "host/reduce/table.hpp"
#include "host/util/errors.hpp"
#include "host/reduce/fingerprint.hpp"

namespace coopgrid {
namespace {

/// Everything but the reduction's result: what the run is, and its fingerprints.
reduce_report report_of_run(const source& src, const run_options& opt, const std::string& backend) {
  reduce_report r;
  std::tie(r.range_lo, r.range_hi) = shard_range(src.num_scenarios(), opt.shard);
  r.input = src.path;
  r.kind = src.kind();
  if (const auto* d = std::get_if<design_source>(&src.input)) {
    r.design = design_options_text(d->options);
    r.fixed = d->fixed;
  }
  r.backend = backend;
  r.prec = opt.prec;
  r.metrics = opt.selected_metrics();
  r.shard = opt.shard;
  r.spec = opt.spec();
  r.marginals = resolve_marginals(src, opt.marginals, r.metrics);
  std::tie(r.fingerprint, r.input_fingerprint) = run_and_input_fingerprints(src, backend, opt.prec, r.spec, r.marginals);
  r.state = reduce_state(r.spec);
  return r;
}

/// Scenarios whose rows the host fold of marginals holds at once.
constexpr index_t marginal_rows_chunk = index_t{1} << 16;

/**
 * @brief Adds a range's scenarios to the report's marginals: factorized where
 *        the backend reduces the grid factorized (the same block tables), else
 *        from the backend's rows, folded on the host (any backend).
 */
template <class T>
class marginal_folder {
 public:
  explicit marginal_folder(const source& src) : src_(src) {}

  void add(backend<T>& be, reduce_report& r, index_t first, index_t count) {
    if (r.marginals.empty()) return;
    if (auto* f = be.factorized()) {
      for (auto& m : r.marginals) f->add_marginal(r.spec, m, first, count);
      return;
    }
    std::vector<metric_row<T>> rows;
    std::vector<double> wide;
    for (index_t lo = first; lo < first + count; lo += marginal_rows_chunk) {
      const index_t n = std::min(marginal_rows_chunk, first + count - lo);
      rows.resize(static_cast<std::size_t>(n));
      be.evaluate(lo, n, rows.data());
      wide.resize(static_cast<std::size_t>(n) * num_metrics);
      for (index_t i = 0; i < n; ++i) {
        for (int m = 0; m < num_metrics; ++m) wide[static_cast<std::size_t>(i * num_metrics + m)] = rows[i].v[m];
      }
      fold_marginals(src_, r.spec, wide.data(), lo, n, r.marginals);
    }
  }

 private:
  const source& src_;
};

/// Reduces r's range segment by segment into r.state, from the checkpoint when
/// resuming, writing one every opt.checkpoint_interval seconds and at the end.
template <class T>
void reduce_segments(backend<T>& be, const run_options& opt, reduce_report& r, progress_meter& meter,
                     marginal_folder<T>& marginals) {
  const auto cp_fingerprint = shard_checkpoint_fingerprint(r.fingerprint, static_cast<std::uint64_t>(r.range_lo),
                                                           static_cast<std::uint64_t>(r.range_hi));
  index_t next = r.range_lo;
  if (opt.resume) {
    next = read_checkpoint(opt.checkpoint, cp_fingerprint, r.spec, r.state, &r.marginals);
    meter.skip(next - r.range_lo);
  }
  run_segments(
      next, r.range_hi, reduce_segment, {opt.checkpoint, opt.checkpoint_interval}, true,
      [&](index_t lo, index_t count) {
        r.state.merge(r.spec, be.reduce(r.spec, lo, count, [&](index_t done) { meter.add(done); }));
        marginals.add(be, r, lo, count);
      },
      [&](index_t end) { write_checkpoint(opt.checkpoint, cp_fingerprint, end, r.state, r.marginals); });
}

/// The histogram over the metric's [min, max] among the selected scenarios: a
/// second pass once the first has found them; r.spec then records that range.
template <class T>
void histogram_pass(backend<T>& be, reduce_report& r, progress_meter& meter) {
  auto& spec = r.spec;
  const auto& s = r.state.metrics[spec.hist_metric];
  if (s.count > 0 && (std::isinf(s.min) || std::isinf(s.max))) {
    throw usage_error(fmt::format(
        "--histogram {}: the values reach {}, so the bins need an explicit range: "
        "--histogram {}:{}:LO:HI",
        metric_names[spec.hist_metric], std::isinf(s.min) ? s.min : s.max,
        metric_names[spec.hist_metric], spec.hist_bins));
  }
  spec.hist_lo = s.count > 0 ? s.min : 0.0;
  spec.hist_hi = s.count > 0 ? s.max : 0.0;
  spec.hist_range_given = true;
  reduce_spec hist_only = spec;
  hist_only.top_k = 0;
  const auto h = be.reduce(hist_only, r.range_lo, r.range_hi - r.range_lo, [&](index_t done) { meter.add(done); });
  r.state.hist = h.hist;
}

/// Every metric of the top scenarios (the report lists them all).
template <class T>
void evaluate_top_rows(backend<T>& be, reduce_report& r) {
  metric_row<T> row;
  for (const auto& [value, k] : r.state.top) {
    be.evaluate(k, 1, &row);
    auto& out = r.rows[k];
    for (int m = 0; m < num_metrics; ++m) out[m] = static_cast<double>(row.v[m]);
  }
}

template <class T>
reduce_report compute_reduce_as(const source& src, const run_options& opt) {
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  auto r = report_of_run(src, opt, be->name());
  const bool second_pass = r.spec.hist_metric >= 0 && !r.spec.hist_range_given;
  const index_t n = r.range_hi - r.range_lo;
  {
    progress_meter meter(n, opt.progress);
    if (second_pass) meter.start_pass("pass 1 of 2", n);
    marginal_folder<T> marginals(src);
    reduce_segments(*be, opt, r, meter, marginals);
    r.state.finish(r.spec);
    if (second_pass) {
      meter.start_pass("pass 2 of 2 (histogram)", n);
      histogram_pass(*be, r, meter);
    }
    meter.finish();
  }
  evaluate_top_rows(*be, r);
  return r;
}

}  // namespace

report_format report_format_of(const run_options& opt) {
  // A person at a terminal reads a table; files, pipes and --json get JSON (with merge_state).
  return use_table(opt.output, opt.json) ? report_format::table : report_format::json;
}

std::string report_text(const source& src, const reduce_report& r, report_format format) {
  switch (format) {
    case report_format::json:
      return reduce_json(src, r);
    case report_format::table:
      return reduce_table(src, r, terminal_columns());
  }
  throw logic_error("report_text: unknown report format");
}

reduce_report compute_reduce(const source& src, const run_options& opt) {
  return opt.prec == precision::f32 ? compute_reduce_as<float>(src, opt) : compute_reduce_as<double>(src, opt);
}

}  // namespace coopgrid
