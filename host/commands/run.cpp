#include "host/commands/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "host/reduce/checkpoint.hpp"
#include "host/backends/cpu_backend.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/util/errors.hpp"
#include "host/io/format.hpp"
#include "host/io/output_file.hpp"
#include "host/util/progress.hpp"
#include "host/util/parallel.hpp"
#include "host/backends/multi_backend.hpp"
#include "host/util/nvtx.hpp"
#include "host/reduce/report.hpp"
#include "host/io/text_file.hpp"
#include "host/backends/reference.hpp"

namespace coopgrid {
namespace {

std::vector<int> selected_metrics(const run_options& opt) {
  if (!opt.metrics.empty()) return opt.metrics;
  std::vector<int> all(num_metrics);
  for (int m = 0; m < num_metrics; ++m) all[m] = m;
  return all;
}

}  // namespace

template <class T>
std::unique_ptr<backend<T>> make_backend(backend_kind kind, const source& src, const backend_options& b) {
  if constexpr (std::is_same_v<T, float>) check_float_range(src);
  if (!b.devices.empty() && resolve_backend(kind) != backend_kind::cuda) {
    throw usage_error("--devices applies to the cuda backend");
  }
  switch (resolve_backend(kind)) {
    case backend_kind::reference:
      if constexpr (std::is_same_v<T, double>) {
        return make_reference_backend(src);
      } else {
        throw usage_error(
            "the reference backend computes in long double: use --precision f64 with it (or "
            "'coopgrid compare' to check f32 against it)");
      }
    case backend_kind::cuda: {
      if (b.devices.size() <= 1) {
        backend_options one = b;
        if (!b.devices.empty()) one.device = b.devices.front();
        return make_cuda_backend<T>(src, one);
      }
      std::vector<std::unique_ptr<backend<T>>> parts;  // one per device, each on its own thread
      for (int d : b.devices) {
        backend_options one = b;
        one.device = d;
        parts.push_back(make_cuda_backend<T>(src, one));
      }
      return make_multi_backend<T>(std::move(parts));
    }
    default:
      return make_cpu_backend<T>(src, b);
  }
}

template std::unique_ptr<backend<float>> make_backend<float>(backend_kind, const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_backend<double>(backend_kind, const source&, const backend_options&);

namespace {

template <class T>
void write_rows_as(const source& src, const run_options& opt, const text_sink& sink, bool header) {
  const auto [range_lo, range_hi] = shard_range(src.num_scenarios(), opt.shard);
  const index_t n = range_hi - range_lo;
  if (n > opt.max_rows) {
    throw usage_error(fmt::format(
        "{}: {} scenarios is more than --max-rows {} rows of CSV; use --reduce for a summary, or "
        "raise --max-rows",
        src.path, n, opt.max_rows));
  }
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  const auto metrics = selected_metrics(opt);
  if (header) {
    fmt::memory_buffer head;
    fmt::format_to(std::back_inserter(head), "scenario");
    for (const auto& name : input_column_names(src)) fmt::format_to(std::back_inserter(head), ",{}", name);
    for (int m : metrics) fmt::format_to(std::back_inserter(head), ",{}", metric_names[m]);
    head.push_back('\n');
    sink({head.data(), head.size()});
  }

  const int threads = opt.bopt.threads > 0 ? opt.bopt.threads : hardware_threads();
  const index_t chunk = std::max<index_t>(1, opt.chunk_rows);
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(std::min(n, chunk)));
  const index_t parts = static_cast<index_t>(threads) * 4;
  std::vector<fmt::memory_buffer> text(static_cast<std::size_t>(parts));
  progress_meter meter(n, opt.progress);
  for (index_t first = range_lo; first < range_hi; first += chunk) {
    const index_t count = std::min(chunk, range_hi - first);
    be->evaluate(first, count, rows.data());
    // Formatting dominates writing; spread it over the threads, write in order.
    parallel_for(parts, threads, [&](index_t part) {
      auto& buf = text[static_cast<std::size_t>(part)];
      buf.clear();
      const index_t lo = count * part / parts, hi = count * (part + 1) / parts;
      for (index_t i = lo; i < hi; ++i) {
        append_scenario_fields(buf, src, first + i);
        for (int m : metrics) {
          buf.push_back(',');
          format_number(buf, rows[static_cast<std::size_t>(i)].v[m]);
        }
        buf.push_back('\n');
      }
    });
    for (auto& buf : text) sink({buf.data(), buf.size()});
    meter.add(count);
  }
  meter.finish();
}

template <class T>
reduce_report compute_reduce_as(const source& src, const run_options& opt) {
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  const auto [range_lo, range_hi] = shard_range(src.num_scenarios(), opt.shard);
  const index_t n = range_hi - range_lo;
  auto spec = opt.spec;
  const bool second_pass = spec.hist_metric >= 0 && !spec.hist_range_given;
  if (second_pass && !opt.checkpoint.empty()) {
    throw usage_error("--checkpoint with --histogram needs an explicit range: METRIC:BINS:LO:HI");
  }
  reduce_report r;
  r.input = src.path;
  r.kind = src.kind();
  r.backend = be->name();
  r.prec = opt.prec;
  r.metrics = selected_metrics(opt);
  r.shard = opt.shard;
  r.range_lo = range_lo;
  r.range_hi = range_hi;
  r.fingerprint = run_fingerprint(src, be->name(), opt.prec, spec);
  r.input_fingerprint = input_fingerprint(src);
  auto& state = r.state;
  state = reduce_state(spec);
  {
    progress_meter meter(second_pass ? 2 * n : n, opt.progress);
    // The checkpoint also names the shard it belongs to.
    const auto cp_fingerprint = r.fingerprint ^ (static_cast<std::uint64_t>(range_lo) * 0x9e3779b97f4a7c15ULL) ^
                                static_cast<std::uint64_t>(range_hi);
    index_t next = range_lo;
    if (opt.resume) {
      next = read_checkpoint(opt.checkpoint, cp_fingerprint, spec, state);
      meter.add(next - range_lo);
    }
    auto last_write = std::chrono::steady_clock::now();
    for (index_t lo = next; lo < range_hi; lo += reduce_segment) {
      const index_t count = std::min(reduce_segment, range_hi - lo);
      state.merge(spec, be->reduce(spec, lo, count, [&](index_t done) { meter.add(done); }));
      const auto now = std::chrono::steady_clock::now();
      if (!opt.checkpoint.empty() && (lo + count == range_hi ||
                                      std::chrono::duration<double>(now - last_write).count() >= opt.checkpoint_interval)) {
        write_checkpoint(opt.checkpoint, cp_fingerprint, lo + count, state);
        last_write = now;
      }
    }
    state.finish(spec);
    if (second_pass) {
      // The histogram's range is the metric's [min, max] over the selected scenarios.
      const auto& s = state.metrics[spec.hist_metric];
      if (s.count > 0 && (std::isinf(s.min) || std::isinf(s.max))) {
        throw usage_error(fmt::format(
            "--histogram {}: the values reach {}, so the bins need an explicit range: "
            "--histogram {}:{}:LO:HI",
            metric_names[spec.hist_metric], json_number(std::isinf(s.min) ? s.min : s.max),
            metric_names[spec.hist_metric], spec.hist_bins));
      }
      reduce_spec hist_only = spec;
      hist_only.top_k = 0;
      hist_only.hist_lo = s.count > 0 ? s.min : 0.0;
      hist_only.hist_hi = s.count > 0 ? s.max : 0.0;
      hist_only.hist_range_given = true;
      const auto h = be->reduce(hist_only, range_lo, n, [&](index_t done) { meter.add(done); });
      state.hist = h.hist;
      state.hist_below = h.hist_below;
      state.hist_above = h.hist_above;
      spec = hist_only;
      spec.top_k = opt.spec.top_k;
    }
    meter.finish();
  }
  r.spec = spec;
  metric_row<T> row;
  for (const auto& [value, k] : state.top) {  // every metric of the top scenarios
    be->evaluate(k, 1, &row);
    auto& out = r.rows[k];
    for (int m = 0; m < num_metrics; ++m) out[m] = static_cast<double>(row.v[m]);
  }
  return r;
}

/// Keeps the largest value seen; a NaN sticks.
void track_max(double& acc, double v) {
  if (std::isnan(acc)) return;
  if (std::isnan(v) || v > acc) acc = v;
}

/// Windows of scenarios that compare evaluates: all of them, or `sample` spread evenly.
std::vector<std::pair<index_t, index_t>> sample_windows(index_t n, index_t sample) {
  if (n <= sample) return {{0, n}};
  constexpr index_t windows = 64;
  const index_t len = std::max<index_t>(1, sample / windows);
  std::vector<std::pair<index_t, index_t>> out;
  for (index_t w = 0; w < windows; ++w) {
    // Evenly spaced, the first at 0 and the last ending at n (long double: n can be ~2^63).
    const auto start = static_cast<index_t>(static_cast<long double>(n - len) * w / (windows - 1));
    if (!out.empty() && start < out.back().first + out.back().second) continue;
    out.emplace_back(start, len);
  }
  return out;
}

template <class T>
compare_report compare_as(const source& src, const compare_options& opt) {
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  compare_report r;
  r.backend = be->name();
  r.total = src.num_scenarios();
  r.tol = tolerance_for(opt.prec);
  const int threads = opt.bopt.threads > 0 ? opt.bopt.threads : hardware_threads();
  std::array<double, num_metrics> worst_excess{};
  for (auto [first, count] : sample_windows(r.total, opt.sample)) {
    std::vector<metric_row<T>> rows(static_cast<std::size_t>(count));
    be->evaluate(first, count, rows.data());
    std::vector<reference::row> refs(static_cast<std::size_t>(count));
    // The reference sees the inputs exactly as the backend does (rounded to float
    // in f32), so the comparison measures arithmetic, not input rounding.
    parallel_for(count, threads, [&](index_t i) {
      refs[static_cast<std::size_t>(i)] =
          reference::evaluate(reference::source_scenario(src, first + i, std::is_same_v<T, float>));
    });
    for (index_t i = 0; i < count; ++i) {
      for (int m = 0; m < num_metrics; ++m) {
        const double x = static_cast<double>(rows[static_cast<std::size_t>(i)].v[m]);
        const double ref = refs[static_cast<std::size_t>(i)][m];
        auto& a = r.metrics[m];
        const bool ok = r.tol.agrees(x, ref);
        const double abs_err = (x == ref) ? 0.0 : std::fabs(x - ref);  // inf == inf: 0
        const double rel_err = ref != 0 && std::isfinite(ref) ? abs_err / std::fabs(ref) : abs_err;
        const double excess = ok ? abs_err - (r.tol.atol + r.tol.rtol * std::fabs(ref))
                                 : std::numeric_limits<double>::infinity();
        if (!ok) ++a.failures;
        track_max(a.max_abs, abs_err);
        track_max(a.max_rel, rel_err);
        track_max(a.tol_used, ok ? abs_err / (r.tol.atol + r.tol.rtol * std::fabs(ref))
                                 : std::numeric_limits<double>::infinity());
        if (a.worst < 0 || excess > worst_excess[m]) {
          worst_excess[m] = excess;
          a.worst = first + i;
        }
      }
    }
    r.compared += count;
  }
  return r;
}

}  // namespace

backend_kind resolve_backend(backend_kind kind) {
  if (kind != backend_kind::automatic) return kind;
  return cuda_device_count() > 0 ? backend_kind::cuda : backend_kind::cpu;
}

void write_rows(const source& src, const run_options& opt, const text_sink& sink, bool header) {
  if (opt.prec == precision::f32) {
    write_rows_as<float>(src, opt, sink, header);
  } else {
    write_rows_as<double>(src, opt, sink, header);
  }
}

void run_rows(const source& src, const run_options& opt) {
  output_file out(opt.output);
  write_rows(src, opt, [&](std::string_view text) {
    nvtx_range range("write");
    out.write(text);
  }, true);
  out.commit();
}

reduce_report compute_reduce(const source& src, const run_options& opt) {
  return opt.prec == precision::f32 ? compute_reduce_as<float>(src, opt) : compute_reduce_as<double>(src, opt);
}

void run_reduce(const source& src, const run_options& opt) {
  const auto r = compute_reduce(src, opt);
  nvtx_range range("write");
  output_file out(opt.output);
  out.write(reduce_json(src, r));
  out.commit();
}

void run_merge(const std::vector<std::string>& files, const std::string& input, const std::string& output) {
  if (files.empty()) throw usage_error("merge: no files given");
  std::vector<std::string> texts;
  for (const auto& f : files) texts.push_back(read_text_file(f, "a shard output file"));
  const auto is_json = [](const std::string& t) {
    const auto at = t.find_first_not_of(" \t\r\n");
    return at != std::string::npos && t[at] == '{';
  };
  output_file out(output);
  if (!is_json(texts[0])) {
    // Per-scenario CSVs: the header once, then every body in the order given.
    const auto header = texts[0].substr(0, texts[0].find('\n') + 1);
    out.write(header);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (is_json(texts[i]) || texts[i].compare(0, header.size(), header) != 0) {
        throw usage_error(fmt::format("merge: {} does not start with the CSV header of {}", files[i], files[0]));
      }
      out.write(std::string_view(texts[i]).substr(header.size()));
    }
    out.commit();
    return;
  }
  std::vector<reduce_report> parts;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!is_json(texts[i])) throw usage_error(fmt::format("merge: {} is not a --reduce JSON report", files[i]));
    parts.push_back(parse_merge_state(extract_merge_state(texts[i], files[i]), files[i]));
  }
  const auto merged = merge_reports(parts, files);
  const auto src = load_source(input.empty() ? merged.input : input);
  if (input_fingerprint(src) != merged.input_fingerprint) {
    throw usage_error(fmt::format("merge: {} is not the input the shards were computed from (give --input)",
                                  input.empty() ? merged.input : input));
  }
  out.write(reduce_json(src, merged));
  out.commit();
}

bool tolerance::agrees(double x, double ref) const {
  if (std::isnan(x) || std::isnan(ref)) return false;
  if (std::isinf(x) || std::isinf(ref)) return x == ref;
  return std::fabs(x - ref) <= atol + rtol * std::fabs(ref);
}

tolerance tolerance_for(precision p) {
  // f32: Neumaier sums and log-domain products keep every metric within a few
  // ulp of float times the log of the smallest representable product (~87),
  // so 2e-5; atol only absorbs values in float's subnormal range.
  return p == precision::f32 ? tolerance{1e-37, 2e-5} : tolerance{1e-300, 1e-12};
}

bool compare_report::agree() const {
  for (const auto& m : metrics) {
    if (m.failures > 0) return false;
  }
  return true;
}

compare_report compare(const source& src, const compare_options& opt) {
  return opt.prec == precision::f32 ? compare_as<float>(src, opt) : compare_as<double>(src, opt);
}

std::string format_compare(const source& src, const compare_options& opt, const compare_report& r) {
  std::string out = fmt::format(
      "compare: {} {} against the reference on {} of {} scenarios of {}\n"
      "tolerance: |x - ref| <= {} + {} * |ref|\n\n",
      r.backend, opt.prec == precision::f32 ? "f32" : "f64", r.compared, r.total, src.path,
      r.tol.atol, r.tol.rtol);
  out += fmt::format("{:<24}{:>14}{:>14}{:>10}{:>10}  {}\n", "metric", "max_abs_err", "max_rel_err",
                     "tol_used", "failures", "worst scenario");
  for (int m = 0; m < num_metrics; ++m) {
    const auto& a = r.metrics[m];
    const std::string worst = scenario_label(src, a.worst);
    out += fmt::format("{:<24}{:>14.3e}{:>14.3e}{:>10.3f}{:>10}  {}\n", metric_names[m], a.max_abs,
                       a.max_rel, a.tol_used, a.failures, worst);
  }
  int bad = 0;
  for (const auto& a : r.metrics) bad += a.failures > 0;
  out += bad == 0 ? fmt::format("\nall {} metrics agree\n", num_metrics)
                  : fmt::format("\n{} of {} metrics DISAGREE\n", bad, num_metrics);
  return out;
}

}  // namespace coopgrid
