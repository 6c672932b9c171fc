// coopgrid: the command-line driver. A thin layer: parse options, call host/.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <thread>
#include <exception>
#include <iostream>

#include "host/io/binary_batch.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/util/errors.hpp"
#include "host/backends/multi_backend.hpp"
#if defined(COOPGRID_HAVE_MPI)
#include "host/commands/mpi_run.hpp"
#endif
#include "host/io/output.hpp"
#include "host/reduce/report.hpp"
#include "host/commands/run.hpp"
#include "host/source/source.hpp"

#ifndef COOPGRID_VERSION
#define COOPGRID_VERSION "0.0.0"
#endif

using namespace coopgrid;

namespace {

struct common_args {
  std::string input;
  std::string backend = "auto";
  std::string precision = "f64";
  int threads = 0;
  int device = 0;
  std::string devices;
};

void add_common(CLI::App* app, common_args& a, const char* backend_help) {
  app->add_option("INPUT", a.input,
                  "A batch directory (scenarios.csv plus optional countries.csv, standards.csv, "
                  "resources.csv, ethics.csv) or a grid file (*.toml)")
      ->required();
  app->add_option("--backend", a.backend, backend_help)
      ->check(CLI::IsMember({"auto", "reference", "cpu", "cuda"}))
      ->capture_default_str();
  app->add_option("--precision", a.precision, "Working precision of the cpu and cuda backends")
      ->check(CLI::IsMember({"f64", "f32"}))
      ->capture_default_str();
  app->add_option("--threads", a.threads, "CPU threads (0: all hardware threads)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--device", a.device, "CUDA device ordinal (see 'coopgrid info')")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--devices", a.devices,
                  "Several CUDA devices: 'all' or ordinals like 0,1 (the work is split across them, "
                  "one host thread each; results equal a single device's)");
}

backend_options options_of(const common_args& a) {
  backend_options b;
  b.threads = a.threads;
  b.device = a.device;
  if (!a.devices.empty()) b.devices = parse_device_list(a.devices, cuda_device_count());
  return b;
}

precision precision_of(const common_args& a) {
  return a.precision == "f32" ? precision::f32 : precision::f64;
}

std::vector<int> parse_metric_list(const std::string& list) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!name.empty()) out.push_back(metric_by_name(name));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty()) throw usage_error("--metrics: expected a comma-separated list of metric names");
  return out;
}

/// METRIC:BINS or METRIC:BINS:LO:HI
void parse_histogram(const std::string& text, reduce_spec& spec) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 2 && parts.size() != 4) {
    throw usage_error(fmt::format("--histogram '{}': expected METRIC:BINS or METRIC:BINS:LO:HI", text));
  }
  spec.hist_metric = metric_by_name(parts[0]);
  try {
    std::size_t used = 0;
    spec.hist_bins = std::stoll(parts[1], &used);
    if (used != parts[1].size() || spec.hist_bins < 1 || spec.hist_bins > 100'000'000) throw std::invalid_argument("");
    if (parts.size() == 4) {
      spec.hist_lo = std::stod(parts[2], &used);
      if (used != parts[2].size()) throw std::invalid_argument("");
      spec.hist_hi = std::stod(parts[3], &used);
      if (used != parts[3].size()) throw std::invalid_argument("");
      if (!(spec.hist_lo <= spec.hist_hi) || !std::isfinite(spec.hist_lo) || !std::isfinite(spec.hist_hi)) {
        throw std::invalid_argument("");
      }
      spec.hist_range_given = true;
    }
  } catch (const std::exception&) {
    throw usage_error(fmt::format(
        "--histogram '{}': BINS must be an integer in [1, 1e8] and LO <= HI finite numbers", text));
  }
}

int run_info() {
  fmt::print("coopgrid {}\n", COOPGRID_VERSION);
  fmt::print("compiler: {}\n", __VERSION__);
  fmt::print("backends: reference, cpu ({} hardware threads){}\n", std::thread::hardware_concurrency(),
             cuda_compiled() ? ", cuda" : "  (cuda: not compiled in)");
  if (!cuda_compiled()) return 0;
  const auto devices = cuda_devices();
  if (devices.empty()) {
    fmt::print("cuda devices: none found (the auto backend uses cpu)\n");
    return 0;
  }
  fmt::print("cuda devices:\n");
  for (const auto& d : devices) {
    fmt::print("  [{}] {}  sm_{}{}  {} SMs  {:.1f} GiB ({:.1f} GiB free)\n", d.ordinal, d.name, d.major,
               d.minor, d.multiprocessors, static_cast<double>(d.total_memory) / (1 << 30),
               static_cast<double>(d.free_memory) / (1 << 30));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(COOPGRID_HAVE_MPI)
  mpi::session mpi_session(&argc, &argv);
  const bool under_mpi = mpi_session.size() > 1;
#else
  const bool under_mpi = false;
#endif
  // Under MPI an error on one rank must end them all, with its exit code.
  auto fail = [&](int code) {
#if defined(COOPGRID_HAVE_MPI)
    if (under_mpi) mpi::abort(code);
#endif
    return code;
  };
  CLI::App app{
      "coopgrid: evaluates the international-cooperation model (MODEL.md) over batches of "
      "scenarios or parameter grids, on CPUs and NVIDIA GPUs.\n"
      "Exit codes: 0 ok, 1 runtime failure (or compare disagreement), 2 bad usage or bad input."};
  app.require_subcommand(1);
  app.set_version_flag("--version", COOPGRID_VERSION);

  common_args run_args;
  std::string output, metrics, by = "", histogram;
  std::vector<std::string> where;
  bool reduce = false, ascending = false, no_progress = false;
  long long top = 0, max_rows = 100'000'000;
  auto* run = app.add_subcommand(
      "run",
      "Evaluate every scenario: one CSV row each, or with --reduce a JSON summary.\n"
      "CSV columns: scenario (id, or grid index), one column per grid axis, then the metrics.");
  add_common(run, run_args, "Backend: auto = cuda when a device is present, else cpu");
  run->add_option("-o,--output", output, "Output file (default: stdout); written to a temporary "
                                         "name and renamed when complete");
  run->add_option("--metrics", metrics, std::string("Comma-separated metric columns (default: all):") + metric_help());
  run->add_flag("--reduce", reduce,
                "Write a JSON summary instead of rows: per metric count, min, argmin, max, argmax, mean");
  run->add_option("--where", where,
                  "Keep scenarios with METRIC>=X or METRIC<=X (repeatable, ANDed; with --reduce)");
  run->add_option("--top", top, "With --reduce: the K best scenarios by --by, with their inputs")
      ->check(CLI::Range(0LL, 1'000'000LL));
  run->add_option("--by", by, "Metric that ranks --top (largest first unless --ascending)");
  run->add_flag("--ascending", ascending, "--top takes the smallest values instead");
  run->add_option("--histogram", histogram,
                  "With --reduce: METRIC:BINS (range = the metric's min..max, costs a second pass) "
                  "or METRIC:BINS:LO:HI");
  run->add_option("--max-rows", max_rows, "Refuse to write more CSV rows than this (use --reduce)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_flag("--no-progress", no_progress, "Never show progress (shown on stderr when it is a terminal)");
  std::string shard;
  run->add_option("--shard", shard,
                  "Run the K-th of N contiguous slices (K/N, K from 0); 'coopgrid merge' combines "
                  "the outputs into exactly the unsharded result");
  std::string checkpoint;
  double checkpoint_interval = 10;
  bool resume = false;
  run->add_option("--checkpoint", checkpoint,
                  "With --reduce: save the reduction state to FILE as the run goes (every "
                  "--checkpoint-interval seconds, at 2^24-scenario boundaries)");
  run->add_option("--checkpoint-interval", checkpoint_interval, "Seconds between checkpoints (0: every segment)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_flag("--resume", resume,
                "Continue from --checkpoint FILE; the result equals an uninterrupted run's");

  common_args cmp_args;
  cmp_args.backend = "auto";
  long long sample = 1'000'000;
  auto* cmp = app.add_subcommand(
      "compare",
      "Run a backend and the reference on the same scenarios; print per metric the max abs and rel "
      "error and tol_used, the largest share of the tolerance (README.md) any scenario uses: under 1 "
      "agrees. Exit 0 only if every metric agrees.");
  add_common(cmp, cmp_args, "Backend checked against the reference (auto = cuda if present, else cpu)");
  cmp->add_option("--sample", sample,
                  "Compare at most this many scenarios, in 64 windows spread over the input")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  std::string validate_input;
  auto* val = app.add_subcommand("validate", "Check an input and print its counts (scenarios, items, grid axes)");
  val->add_option("INPUT", validate_input, "A batch directory or a grid file (*.toml)")->required();

  std::string convert_in, convert_out;
  auto* conv = app.add_subcommand(
      "convert", "Write a CSV batch directory as a binary batch (.npy columns, read without parsing)");
  conv->add_option("INPUT", convert_in, "A CSV batch directory")->required();
  conv->add_option("OUTPUT", convert_out, "The binary batch directory to create")->required();

  std::vector<std::string> merge_files;
  std::string merge_out, merge_input;
  auto* mrg = app.add_subcommand(
      "merge",
      "Combine the outputs of 'run --shard K/N': CSVs are concatenated in the order given; --reduce "
      "reports merge exactly into the unsharded report");
  mrg->add_option("FILES", merge_files, "Shard outputs (CSV: in shard order)")->required();
  mrg->add_option("-o,--output", merge_out, "Output file (default: stdout)");
  mrg->add_option("--input", merge_input, "The input the shards read, when it moved since");

  app.add_subcommand("info", "Print the build, the backends and the CUDA devices (name, SMs, memory)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  install_signal_cleanup();
  try {
    if (app.got_subcommand("info")) return run_info();
    if (app.got_subcommand("convert")) {
      const auto src = load_source(convert_in);
      if (src.is_grid()) throw usage_error("convert: the input is a grid; grids need no conversion");
      write_binary_batch(*src.explicit_batch, convert_out);
      fmt::print("wrote {} scenarios to {}\n", src.num_scenarios(), convert_out);
      return 0;
    }
    if (app.got_subcommand("merge")) {
      run_merge(merge_files, merge_input, merge_out);
      return 0;
    }
    if (app.got_subcommand("validate")) {
      const auto src = load_source(validate_input);
      fmt::print("{}", describe_source(src));
      return 0;
    }
    if (app.got_subcommand("run")) {
      run_options opt;
      opt.backend = parse_backend_kind(run_args.backend);
      opt.prec = precision_of(run_args);
      opt.bopt = options_of(run_args);
      opt.output = output;
      opt.max_rows = max_rows;
      opt.progress = !no_progress && stderr_is_terminal();
      if (!metrics.empty()) opt.metrics = parse_metric_list(metrics);
      for (const auto& w : where) opt.spec.where.push_back(parse_filter(w));
      if (!reduce && (!where.empty() || top > 0 || !histogram.empty())) {
        throw usage_error("--where, --top and --histogram need --reduce");
      }
      if (top > 0 && by.empty()) throw usage_error("--top needs --by METRIC");
      if (!reduce && !checkpoint.empty()) throw usage_error("--checkpoint needs --reduce");
      if (resume && checkpoint.empty()) throw usage_error("--resume needs --checkpoint FILE");
      if (!shard.empty()) opt.shard = parse_shard(shard);
      opt.checkpoint = checkpoint;
      opt.checkpoint_interval = checkpoint_interval;
      opt.resume = resume;
      if (!by.empty() && top == 0) throw usage_error("--by needs --top K");
      opt.spec.top_k = top;
      if (!by.empty()) opt.spec.top_by = metric_by_name(by);
      opt.spec.top_ascending = ascending;
      if (!histogram.empty()) parse_histogram(histogram, opt.spec);
      opt.reduce = reduce;
      const auto src = load_source(run_args.input);
      if (under_mpi) {
#if defined(COOPGRID_HAVE_MPI)
        if (!shard.empty()) throw usage_error("--shard: under MPI every rank takes its own shard");
        if (!checkpoint.empty()) throw usage_error("--checkpoint is not available under MPI");
        if (reduce) {
          mpi::run_reduce(src, opt, mpi_session);
        } else {
          mpi::run_rows(src, opt, mpi_session);
        }
#endif
      } else if (reduce) {
        run_reduce(src, opt);
      } else {
        run_rows(src, opt);
      }
      return 0;
    }
    if (app.got_subcommand("compare")) {
      compare_options opt;
      opt.backend = parse_backend_kind(cmp_args.backend);
      opt.prec = precision_of(cmp_args);
      opt.bopt = options_of(cmp_args);
      opt.sample = sample;
      const auto src = load_source(cmp_args.input);
      const auto report = compare(src, opt);
      fmt::print("{}", format_compare(src, opt, report));
      return report.agree() ? 0 : 1;
    }
  } catch (const input_error& e) {
    fmt::print(stderr, "coopgrid: error: {}\n", e.what());
    return fail(2);
  } catch (const usage_error& e) {
    fmt::print(stderr, "coopgrid: error: {}\n", e.what());
    return fail(2);
  } catch (const std::exception& e) {
    fmt::print(stderr, "coopgrid: error: {}\n", e.what());
    return fail(1);
  }
  return 0;
}
