#include "host/engine/run_options.hpp"

#include <fmt/format.h>

#include "host/backends/make_backend.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"

namespace coopgrid {
namespace {

/// The reduce-only options given without --reduce.
void check_reduce_options(const run_options& o) {
  if (o.reduce) return;
  if (!o.where.empty() || o.top > 0 || o.histogram) throw usage_error("--where, --top and --histogram need --reduce");
  if (!o.checkpoint.empty()) throw usage_error("--checkpoint needs --reduce");
  if (o.json) throw usage_error("--json needs --reduce");
  if (!o.marginals.empty()) throw usage_error("--marginal needs --reduce");
}

void check_marginals(const run_options& o) {
  if (!o.marginal_csv.empty() && o.marginals.empty()) {
    throw usage_error(fmt::format("--marginal-csv {}: needs --marginal AXIS[,AXIS]", o.marginal_csv));
  }
  if (!o.marginal_csv.empty() && o.mpi_ranks > 1) throw usage_error("--marginal-csv is not available under MPI");
}

void check_salib_y(const run_options& o) {
  if (!o.salib_y) return;
  if (o.reduce) throw usage_error("--format salib-y writes rows: it does not combine with --reduce");
  if (o.metrics.empty()) throw usage_error("--format salib-y needs --metrics (the Y columns, in order)");
}

void check_top_and_checkpoint(const run_options& o) {
  if (o.top > 0 && !o.by) throw usage_error("--top needs --by METRIC");
  if (o.resume && o.checkpoint.empty()) throw usage_error("--resume needs --checkpoint FILE");
  if (o.by && o.top == 0) throw usage_error("--by needs --top K");
  // The second pass over [min, max] is not checkpointed.
  if (!o.checkpoint.empty() && o.histogram && !o.histogram->range_given) {
    throw usage_error("--checkpoint with --histogram needs an explicit range: METRIC:BINS:LO:HI");
  }
}

void check_mpi(const run_options& o) {
  if (o.mpi_ranks <= 1) return;
  if (o.shard.n > 1) throw usage_error("--shard: under MPI every rank takes its own shard");
  if (!o.checkpoint.empty()) throw usage_error("--checkpoint is not available under MPI");
}

}  // namespace

void run_options::validate() const {
  check_reduce_options(*this);
  check_salib_y(*this);
  check_marginals(*this);
  design.source();  // its usage errors before any input is read
  check_top_and_checkpoint(*this);
  check_mpi(*this);
  check_backend_choice(backend, prec, bopt);
}

reduce_spec run_options::spec() const {
  reduce_spec s;
  s.where = where;
  s.top_k = top;
  if (by) s.top_by = *by;
  s.top_ascending = ascending;
  if (histogram) {
    s.hist_metric = histogram->metric;
    s.hist_bins = histogram->bins;
    s.hist_range_given = histogram->range_given;
    s.hist_lo = histogram->lo;
    s.hist_hi = histogram->hi;
  }
  return s;
}

std::vector<int> run_options::selected_metrics() const {
  if (!metrics.empty()) return metrics;
  std::vector<int> all(num_metrics);
  for (int m = 0; m < num_metrics; ++m) all[m] = m;
  return all;
}

source load_run_source(const run_options& opt) {
  source_options so = opt.design.source();
  so.threads = opt.bopt.threads;
  so.progress = opt.progress;
  // A binary batch's values are checked as the backend evaluates them (one pass over the bytes:
  // a 10^6-scenario batch's checks took 0.33 s of `run --reduce`'s 1.39 s as a pass of their own);
  // marginals read the inputs outside the backend, so with them the batch is checked on loading.
  so.checks_in_pass = opt.marginals.empty();
  return load_source(opt.input, so);
}

}  // namespace coopgrid
