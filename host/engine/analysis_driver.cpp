#include "host/engine/analysis_driver.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "host/analysis/method.hpp"
#include "host/backends/make_backend.hpp"
#include "host/engine/analysis_checkpoint.hpp"
#include "host/engine/segments.hpp"
#include "host/io/problem_reader.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/reduce/table.hpp"
#include "host/util/errors.hpp"
#include "host/util/progress.hpp"
#include "host/io/load_source.hpp"
#include "host/reduce/fingerprint.hpp"

namespace coopgrid {
namespace {

/// Design points per backend call: checkpoints and progress happen between calls.
constexpr index_t segment_points = analysis::analysis_unit * 64;
/// --until-conf grows n up to this by default.
constexpr index_t default_max_n = index_t{1} << 30;

const char* n_option(analysis::analysis_kind kind) { return method_of(kind).size_option(); }

/// The design source of `opt` with n design points.
source load_analysis_source(const sensitivity_options& opt, index_t n) {
  design_args a = opt.design;
  a.design = design_kind_name(analysis_design(opt.kind));
  a.n = n;
  auto src = opt.problem_text.empty()
                 ? load_source(opt.input, a.source())
                 : make_source(opt.input, parse_problem(opt.problem_text, opt.input), a.source());
  const auto& d = std::get<design_source>(src.input);
  method_of(opt.kind).check_problem(d.prob, opt.input);
  return src;
}

analysis_options analysis_of(const sensitivity_options& opt) {
  analysis_options a;
  a.kind = opt.kind;
  a.replicates = opt.bootstrap;
  a.conf = opt.conf;
  a.metrics = opt.metrics;
  if (a.metrics.empty()) {
    for (int m = 0; m < num_metrics; ++m) a.metrics.push_back(m);
  }
  return a;
}

template <class T>
class analysis_run {
 public:
  analysis_run(const sensitivity_options& opt, progress_meter& meter) : opt_(opt), meter_(meter) {}

  /// Sums the points of opt.shard's range of an n-point design, continuing from `p`.
  analysis_report run(index_t n, progress_state& p, bool resumed_from_checkpoint) {
    const auto src = load_analysis_source(opt_, n);
    const auto& d = std::get<design_source>(src.input);
    auto be = make_backend<T>(opt_.backend, src, opt_.bopt);
    analysis_report r;
    r.input = opt_.input;
    r.fixed = d.fixed;
    r.design = d.options;
    r.analysis = analysis_of(opt_);
    r.backend = be->name();
    r.prec = opt_.prec;
    r.shard = opt_.shard;
    std::tie(r.range_lo, r.range_hi) = shard_range(n, opt_.shard, analysis::analysis_unit);
    r.fingerprint = analysis_fingerprint(d, r.analysis, r.backend, r.prec);
    {
      source counted;
      counted.input = d;
      r.input_fingerprint = input_fingerprint(counted);
    }
    auto v = make_sensitivity_view(d, r.analysis);
    const int rpp = v.design.rows_per_point;
    {
      std::vector<metric_row<T>> rows(static_cast<std::size_t>(rpp));
      be->evaluate(0, rpp, rows.data());  // point 0 sets the shifts (every shard evaluates it)
      set_shifts(v, rows.data());
      r.shift.assign(std::begin(v.shift), std::end(v.shift));
      r.shift.resize(static_cast<std::size_t>(method_of(v.kind).shift_count(v)));
    }
    const auto num_sums = static_cast<std::size_t>(analysis::layout_of(v).unit_sums(v.replicates));
    const auto cp_fingerprint = shard_checkpoint_fingerprint(r.fingerprint, static_cast<std::uint64_t>(opt_.shard.k),
                                                             static_cast<std::uint64_t>(opt_.shard.n));
    if (p.full.sums.empty()) {
      p.full = sensitivity_state(num_sums);
      p.tail = sensitivity_state(num_sums);
      p.full_end = p.tail_end = r.range_lo;
      if (opt_.resume && !resumed_from_checkpoint) {
        p = read_analysis_checkpoint(opt_.checkpoint, cp_fingerprint, n, num_sums, opt_.shard.n > 1);
        meter_.skip((p.full_end - r.range_lo) * rpp);  // an earlier run's work: not in this run's rate
      }
    }
    meter_.set_total(static_cast<index_t>(r.range_hi - r.range_lo) * rpp);
    meter_.add(0);
    const auto start = std::chrono::steady_clock::now();
    const index_t aligned_end =
        std::max(p.full_end, r.range_lo + (r.range_hi - r.range_lo) / analysis::analysis_unit * analysis::analysis_unit);
    // Whole units first, in segments; then the partial last unit apart.
    run_segments(
        p.full_end, aligned_end, segment_points, {opt_.checkpoint, opt_.checkpoint_interval}, false,
        [&](index_t lo, index_t count) {
          p.full.merge(be->sensitivity(v, lo, count, [&](index_t done) { meter_.add(done); }));
          p.full_end = p.tail_end = lo + count;
        },
        [&](index_t) { write_analysis_checkpoint(opt_.checkpoint, cp_fingerprint, n, p); });
    if (p.tail_end < r.range_hi) {
      p.tail.merge(be->sensitivity(v, p.tail_end, r.range_hi - p.tail_end, [&](index_t done) { meter_.add(done); }));
      p.tail_end = r.range_hi;
    }
    if (!opt_.checkpoint.empty()) write_analysis_checkpoint(opt_.checkpoint, cp_fingerprint, n, p);
    r.state = p.full;
    r.state.merge(p.tail);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.finish(d);
    return r;
  }

 private:
  const sensitivity_options& opt_;
  progress_meter& meter_;
};

template <class T>
analysis_report compute_as(const sensitivity_options& opt) {
  progress_meter meter(0, opt.progress, "evaluations");
  analysis_run<T> run(opt, meter);
  progress_state p;
  index_t n = opt.design.n;
  const index_t max_n = opt.max_n > 0 ? opt.max_n : std::max(default_max_n, n);
  double seconds = 0;
  bool resumed = false;
  for (;;) {
    auto r = run.run(n, p, resumed);
    resumed = true;
    seconds += r.seconds;
    if (opt.until_conf <= 0) return r;
    const double widest = widest_confidence(opt.kind, r.indices);
    meter.set_note(fmt::format("n {}: widest {} {:.3g}", n,
                               method_of(opt.kind).widest_label(), widest));
    if (widest <= opt.until_conf || 2 * n > max_n) {
      r.seconds = seconds;
      if (widest > opt.until_conf) {
        std::fprintf(stderr, "coopgrid: --until-conf %g not reached at n = %lld (widest %.3g); --max-n %lld stops here\n",
                     opt.until_conf, static_cast<long long>(n), widest, static_cast<long long>(max_n));
      }
      meter.finish();
      return r;
    }
    n *= 2;  // the first n points are kept: growth sums only the new ones (and the old partial unit)
    p.tail = sensitivity_state(p.full.sums.size());
    p.tail_end = p.full_end;
  }
}

}  // namespace

void sensitivity_options::validate() const {
  const char* name = analysis_name(kind);
  if (mpi_ranks > 1 && (shard.n > 1 || !checkpoint.empty() || until_conf > 0)) {
    throw usage_error(fmt::format("{} under MPI: the {} ranks take a shard each, so --shard, --checkpoint and "
                                  "--until-conf do not apply (run one process for them)",
                                  name, mpi_ranks));
  }
  if (design.n <= 0) throw usage_error(fmt::format("{} needs {} N (N >= 1)", name, n_option(kind)));
  if (bootstrap < 0 || bootstrap > analysis::max_replicates) {
    throw usage_error(fmt::format("--bootstrap {}: expected 0 to {} replicates", bootstrap, analysis::max_replicates));
  }
  if (!(conf > 0 && conf < 1)) throw usage_error(fmt::format("--conf {}: expected a level in (0, 1)", conf));
  if (resume && checkpoint.empty()) throw usage_error("--resume needs --checkpoint FILE (the checkpoint to continue from)");
  if (until_conf < 0 || std::isnan(until_conf)) throw usage_error(fmt::format("--until-conf {}: expected X > 0", until_conf));
  if (until_conf > 0 && bootstrap < 2) {
    throw usage_error(fmt::format("--until-conf needs confidence intervals: --bootstrap {} gives none (at least 2)", bootstrap));
  }
  if (until_conf > 0 && shard.n > 1) {
    throw usage_error("--until-conf grows the design, so it cannot run one --shard of it; run it unsharded");
  }
  if (max_n != 0 && until_conf <= 0) throw usage_error("--max-n bounds --until-conf: give --until-conf X");
  if (max_n != 0 && max_n < design.n) {
    throw usage_error(fmt::format("--max-n {} is below {} {}", max_n, n_option(kind), design.n));
  }
  if (!design.design.empty()) throw usage_error(fmt::format("{} chooses its own design: drop --design", name));
}

analysis_report compute_sensitivity(const sensitivity_options& opt) {
  return opt.prec == precision::f32 ? compute_as<float>(opt) : compute_as<double>(opt);
}

analysis_report merge_sensitivity_shards(const sensitivity_options& opt, const std::vector<analysis_report>& parts,
                                         const std::vector<std::string>& names) {
  auto merged = merge_analysis_reports(parts, names);
  const auto src = load_analysis_source(opt, merged.design.n);
  merged.finish(std::get<design_source>(src.input));
  return merged;
}

bool sensitivity_table(const sensitivity_options& opt) { return use_table(opt.output, opt.json); }

std::string sensitivity_output(const sensitivity_options& opt, const analysis_report& r, bool table) {
  const auto src = load_analysis_source(opt, r.design.n);
  const auto& d = std::get<design_source>(src.input);
  return table ? analysis_table(d, r) : analysis_json(d, r);
}

}  // namespace coopgrid
