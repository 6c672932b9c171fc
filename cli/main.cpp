// coopgrid: the command-line driver. Declares each subcommand's options into
// its options struct (host/commands/) and calls the command, which validates
// them; option values are parsed as they are read (option_values.hpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <deque>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cli/dispatch.hpp"
#include "cli/examples.hpp"
#include "cli/help_format.hpp"
#include "cli/parse_error.hpp"
#include "host/analysis/method.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/commands/compare.hpp"
#include "host/commands/convert.hpp"
#include "host/commands/info.hpp"
#include "host/commands/merge.hpp"
#include "host/commands/prim.hpp"
#include "host/engine/option_values.hpp"
#include "host/commands/run.hpp"
#include "host/commands/sample.hpp"
#include "host/commands/sensitivity.hpp"
#include "host/commands/validate.hpp"
#include "host/io/format.hpp"
#include "host/io/output_file.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "host/util/progress.hpp"
#include "host/util/errors.hpp"

#ifndef COOPGRID_VERSION
#define COOPGRID_VERSION "0.0.0"
#endif

using namespace coopgrid;

namespace {

/// An option whose text `parse` turns into the value it stores.
template <class Parse>
CLI::Option* add_parsed(CLI::App* app, const std::string& name, Parse parse, const std::string& help) {
  return app->add_option_function<std::string>(name, parse, help);
}

/// An integer option: its text parsed exactly and checked against `r` (parse_integer: never wrapped or
/// clamped; out of range is a usage_error naming the flag, the text and the range).
template <class T>
CLI::Option* add_integer(CLI::App* app, const std::string& name, T& value, int_range r, const std::string& help) {
  const std::string flag = name.substr(name.rfind(',') + 1);  // "--n" of "-n,--n": the name messages use
  const auto parse = [&value, flag, r](const std::string& t) {
    if constexpr (std::is_unsigned_v<T>) {
      value = parse_unsigned(flag, t, r);
    } else {
      value = static_cast<T>(parse_integer(flag, t, r));
    }
  };
  return app->add_option_function<std::string>(name, parse, help)->type_name("INT");
}

/// add_integer showing the value it starts with as the default in --help.
template <class T>
CLI::Option* add_integer_with_default(CLI::App* app, const std::string& name, T& value, int_range r,
                                      const std::string& help) {
  return add_integer(app, name, value, r, help)->default_str(std::to_string(value));
}

constexpr const char* auto_backend_help = "Backend: auto = cuda when a device is present, else cpu";

constexpr const char* input_help =
    "A batch directory (scenarios.csv plus optional countries.csv, standards.csv, resources.csv, "
    "ethics.csv, or their .npy columns), a grid file (*.toml with axes), or a problem file (*.toml "
    "with distributions, or SALib's text format *.txt) sampled by --design";

/// --base: saltelli's base points (design.hpp: saltelli_bases).
void declare_base(CLI::App* app, std::string& base, const std::string& help) {
  app->add_option("--base", base, help)->check(CLI::IsMember(saltelli_base_names()));
}

/// --design and the options that shape it (problem files; DESIGNS.md section 2).
void declare_design(CLI::App* app, design_args& d) {
  app->add_option("--design", d.design, "Sample a problem file: " + design_names_help())
      ->check(CLI::IsMember(design_names()));
  add_integer(app, "--n", d.n, int_ranges::count,
              "Samples (mc, lhs, sobol), base points (saltelli) or trajectories (morris)");
  add_integer(app, "--seed", d.seed, int_ranges::seed, "Seed of the random designs and of --scramble (default 0)");
  app->add_flag("--scramble", d.scramble, "Owen-scramble the Sobol' points (sobol, saltelli)");
  app->add_flag("--second-order", d.second_order, "saltelli: add the BA_j rows (2d+2 per base point)");
  declare_base(app, d.base, "saltelli: base points from sobol (default) or mc");
  add_integer(app, "--levels", d.levels, int_ranges::levels, "morris: levels p of the grid (even; default 4)");
  app->add_option("--fixed", d.fixed, "SALib text problems: a TOML of scalars for the fields the file does not vary");
}

/// --threads: the backend's CPU threads, also the threads a CSV batch parses on.
/// --samples X: the user's own rows of a problem (run, prim).
void declare_samples(CLI::App* app, design_args& d) {
  app->add_option("--samples", d.samples,
                  "With a problem file: evaluate X's rows (samples made elsewhere, e.g. by SALib) instead of a "
                  "--design: X.txt (SALib's layout: numbers, no header), X.npy (2-D float64) or X.csv (a header of "
                  "the parameter names; an optional leading `sample` column); one column per parameter in the "
                  "problem's order, each value in its parameter's support");
}

/// --no-progress; progress is on where stderr is a terminal. `what` says what is shown.
void declare_progress(CLI::App* app, bool& progress, const char* what) {
  progress = stderr_is_terminal();
  app->add_flag_callback("--no-progress", [&progress] { progress = false; },
                         fmt::format("Never show progress ({}; shown on stderr when it is a terminal)", what));
}

void declare_threads(CLI::App* app, int& threads) {
  add_integer_with_default(app, "--threads", threads, int_ranges::threads, "CPU threads (0: all hardware threads)");
}

/// What --help says of the backend options in one command.
struct backend_help {
  const char* backend;
  const char* precision;
  const char* device;
  const char* devices;
};

/// --backend, --precision, --threads, --device and --devices: every evaluating command's, declared once.
template <class Options>
void declare_backend(CLI::App* app, Options& o, const backend_help& help) {
  add_parsed(app, "--backend", [&o](const std::string& t) { o.backend = parse_backend_kind(t); }, help.backend)
      ->check(CLI::IsMember(names_in(backend_kinds)))
      ->default_str(backend_kind_name(backend_kind::automatic));
  add_parsed(app, "--precision", [&o](const std::string& t) { o.prec = parse_precision(t); }, help.precision)
      ->check(CLI::IsMember(names_in(precisions)))
      ->default_str(precision_name(precision::f64));
  declare_threads(app, o.bopt.threads);
  add_integer_with_default(app, "--device", o.bopt.device, int_ranges::device, help.device);
  add_parsed(app, "--devices", [&o](const std::string& t) { o.bopt.devices = parse_device_list(t, cuda_device_count()); },
             help.devices);
}

/// INPUT, the design and the backend options of run, compare and prim.
template <class Options>
void declare_evaluation(CLI::App* app, Options& o, const char* backend_help_text) {
  app->add_option("INPUT", o.input, input_help)->required();
  declare_design(app, o.design);
  declare_backend(app, o,
                  {backend_help_text, "Working precision of the cpu and cuda backends",
                   "CUDA device ordinal (see 'coopgrid info')",
                   "Several CUDA devices: 'all' or ordinals like 0,1 (the work is split across them, one host thread "
                   "each; results equal a single device's)"});
}

/// --reduce and what it computes.
void declare_reduce(CLI::App* run, run_options& o) {
  run->add_flag("--reduce", o.reduce,
                "Write a JSON summary instead of rows: per metric count, min, argmin, max, argmax, " + statistic_names());
  run->add_flag("--json", o.json,
                "With --reduce: write JSON (with merge_state) even to a terminal, where a readable table is the default");
  run->add_option_function<std::vector<std::string>>(
      "--where", [&o](const std::vector<std::string>& w) { o.where = parse_where(w); },
      "Keep scenarios with METRIC OP X, OP one of >= > <= < == (spaces allowed; repeatable, ANDed; "
      "with --reduce). >= and <= keep a value equal to X, > and < drop it, == keeps exactly X");
  add_integer(run, "--top", o.top, int_ranges::top, "With --reduce: the K best scenarios by --by, with their inputs");
  add_parsed(run, "--by", [&o](const std::string& m) { o.by = parse_metric(m); },
             "Metric that ranks --top (largest first unless --ascending)");
  run->add_flag("--ascending", o.ascending, "--top takes the smallest values instead");
  add_parsed(run, "--histogram", [&o](const std::string& h) { o.histogram = parse_histogram(h); },
             "With --reduce: METRIC:BINS (range = the metric's min..max, costs a second pass) "
             "or METRIC:BINS:LO:HI");
  run->add_option_function<std::vector<std::string>>(
      "--marginal",
      [&o](const std::vector<std::string>& ms) {
        o.marginals.clear();
        for (const auto& m : ms) o.marginals.push_back(parse_marginal(m));
      },
      "With --reduce: per value of a grid AXIS (or pair AXIS,AXIS), count, min, max, " + statistic_names() +
      " of every metric over the rest of the grid (partial dependence; repeatable). Batches (scenarios.csv columns) "
      "take NAME:BINS equal-width bins over the input's observed range, designs (parameters) over the range "
      "the problem file declares (normal, lognormal: the observed range)");
  run->add_option("--marginal-csv", o.marginal_csv,
                  "With --marginal: also write the marginals to FILE in long format (marginal, axis columns, "
                  "metric, count, min, max, " + statistic_names() + "; a bin is named by its midpoint)");
  run->add_flag("--brute-force", o.bopt.brute_force,
                "With --reduce on a grid: evaluate and fold every scenario on the backend (the cpu and cuda "
                "backends otherwise reduce a grid exactly on the host from its blocks' sub-grids; for "
                "benchmarks and cross-checks)");
}

void declare_checkpoint(CLI::App* run, run_options& o) {
  run->add_option("--checkpoint", o.checkpoint,
                  "With --reduce: save the reduction state to FILE as the run goes (every "
                  "--checkpoint-interval seconds, at 2^24-scenario boundaries)");
  run->add_option("--checkpoint-interval", o.checkpoint_interval, "Seconds between checkpoints (0: every segment)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_flag("--resume", o.resume, "Continue from --checkpoint FILE; the result equals an uninterrupted run's");
}

CLI::App* declare_run(CLI::App& app, run_options& o) {
  auto* run = app.add_subcommand(
      "run",
      "Evaluate every scenario: one CSV row each, or with --reduce a JSON summary.\n"
      "CSV columns: scenario (id, grid index or sample index), one column per grid axis or design "
      "parameter, then the metrics.\n"
      "A problem file takes --design D --n N, or --samples X (your own rows).");
  declare_evaluation(run, o, auto_backend_help);
  run->add_option("-o,--output", o.output, "Output file (default: stdout); written to a temporary "
                                           "name and renamed when complete (a link's target; a device "
                                           "or FIFO directly)");
  add_parsed(run, "--metrics", [&o](const std::string& m) { o.metrics = parse_metric_list(m); },
             std::string("Comma-separated metric columns (default: all):") + metric_help());
  declare_reduce(run, o);
  add_parsed(run, "--format", [&o](const std::string& f) { o.salib_y = f == "salib-y"; },
             "Rows as csv (default), or salib-y: the --metrics columns alone, space-delimited, no header "
             "(the Y file of `salib analyze -Y`)")
      ->check(CLI::IsMember({"csv", "salib-y"}));
  declare_samples(run, o.design);
  add_integer(run, "--max-rows", o.max_rows, int_ranges::count,
              "Refuse to write more CSV rows than this (use --reduce). Without it: at most 10^7 rows, "
              "and at most 50 to a terminal");
  declare_progress(run, o.progress, "a batch's loading, then the scenarios, rate and ETA");
  add_parsed(run, "--shard", [&o](const std::string& s) { o.shard = parse_shard(s); },
             "Run the K-th of N contiguous slices (K/N, K from 0); 'coopgrid merge' combines "
             "the outputs into exactly the unsharded result");
  declare_checkpoint(run, o);
  return run;
}

CLI::App* declare_compare(CLI::App& app, compare_options& o) {
  auto* cmp = app.add_subcommand(
      "compare",
      "Run a backend and the reference on the same scenarios; print per metric the max abs and rel "
      "error and tol_used, the largest share of the tolerance (README.md) any scenario uses: under 1 "
      "agrees. Exit 0 only if every metric agrees.");
  declare_evaluation(cmp, o, "Backend checked against the reference (auto = cuda if present, else cpu)");
  add_integer_with_default(cmp, "--sample", o.sample, int_ranges::count,
                           "Compare at most this many scenarios, in 64 windows spread over the input");
  cmp->add_option_function<std::vector<std::string>>(
      "--marginal",
      [&o](const std::vector<std::string>& ms) {
        o.marginals.clear();
        for (const auto& m : ms) o.marginals.push_back(parse_marginal(m));
      },
      "Also compare this marginal (as run --reduce --marginal) of the compared scenarios with the "
      "reference's: counts equal, min, max, " + statistic_names() + " within the tolerance (repeatable)");
  return cmp;
}

CLI::App* declare_validate(CLI::App& app, validate_options& o) {
  auto* val = app.add_subcommand(
      "validate", "Check an input and print its counts (scenarios, items, grid axes; a problem's parameters, "
                  "their distributions and, with --design, the design's size)");
  val->add_option("INPUT", o.input, input_help)->required();
  declare_design(val, o.design);
  declare_threads(val, o.threads);
  declare_progress(val, o.progress, "a batch's reading and checks");
  return val;
}

CLI::App* declare_prim(CLI::App& app, prim_command_options& o) {
  auto* cmd = app.add_subcommand(
      "prim",
      "Scenario discovery: the box of inputs where the cases of interest (every --where holds) are concentrated, "
      "by PRIM as EMA Workbench runs it (peeling, then pasting). A grid is counted block by block without its rows "
      "(exact at any size); a problem's design or a batch is evaluated into rows in memory and searched with EMA's "
      "quantiles, or, past --max-rows (or with --streamed), streamed: one pass over the rows a step, cuts between "
      "--bins bins an input, every statistic exact for the box found (a batch's inputs: each scenario's list "
      "sizes and exchange scalars, named as grid fields). Prints the peeling trajectory (coverage, density, mass, "
      "restricted inputs per step) and the last box's limits with their quasi-p-values: a table on a terminal, "
      "JSON in a file or pipe.");
  declare_evaluation(cmd, o, "Backend evaluating rows (designs, batches, --brute-force); grids: counted on the host");
  declare_samples(cmd, o.design);
  cmd->add_option("--where", o.where,
                  "A case of interest: 'METRIC OP X' (OP >=, >, <=, <, ==, as run --reduce --where); repeatable, "
                  "ANDed; required");
  add_parsed(cmd, "--inputs", [&o](const std::string& t) { o.inputs = parse_name_list("--inputs", t); },
             "Comma-separated inputs the box may restrict (grid axes, problem parameters, or a batch's "
             "countries.count, standards.count, exchange.activities, exchange.countries_per_activity, "
             "resources.count, ethics.count; default: all)");
  auto number = [cmd](const char* flag, double& value, const char* help) {
    cmd->add_option(flag, value, help)->capture_default_str();
  };
  number("--peel-alpha", o.prim.peel_alpha, "Share of the box's rows peeled per step, per side, in (0, 0.5)");
  number("--paste-alpha", o.prim.paste_alpha, "Share of the neighbouring rows pasted per step, in (0, 0.5)");
  number("--mass-min", o.prim.mass_min, "Smallest box, as a share of all scenarios, in [0, 1]");
  number("--threshold", o.prim.threshold, "Density a box must reach (EMA's threshold; the report says if it does)");
  cmd->add_flag("--brute-force", o.brute_force, "A grid's rows evaluated and searched (a cross-check of the grid path)");
  add_integer_with_default(cmd, "--max-rows", o.max_rows, int_ranges::count,
                           "Most rows held in memory (8 bytes an input and row); more are streamed");
  cmd->add_flag("--streamed", o.streamed, "Stream the rows even when they fit in memory (one pass a step)");
  cmd->add_flag("--exact", o.exact, "EMA's exact quantiles over rows in memory: refuse more than --max-rows");
  add_integer_with_default(cmd, "--bins", o.bins, int_ranges::prim_bins,
                           "Streamed: bins an input at most, placed by 65,536 evenly spaced rows");
  cmd->add_option("-o,--output", o.output, "Output file (default: stdout); written to a temporary name and renamed");
  cmd->add_flag("--json", o.json, "JSON even on a terminal");
  declare_progress(cmd, o.progress, "streamed: each pass over the rows, rate and ETA");
  return cmd;
}

CLI::App* declare_sample(CLI::App& app, sample_options& o) {
  auto* smp = app.add_subcommand(
      "sample",
      "Write a design's samples (parameter values, one row per sample, columns in problem order) for "
      "other tools: SALib's X layout (space-delimited %.8e, no header: `salib analyze -X`), .npy, or CSV");
  smp->add_option("PROBLEM", o.input, "A problem file (*.toml with distributions, or SALib's text format)")
      ->required();
  declare_design(smp, o.design);
  smp->add_option("-o,--output", o.output, "Output file (default: stdout); .npy and .csv choose the format");
  smp->add_option("--format", o.format, "salib (default), npy or csv (default: from the output's extension)")
      ->check(CLI::IsMember({"salib", "npy", "csv"}));
  add_integer_with_default(smp, "--digits", o.digits, int_ranges::digits,
                           "Digits after the point in the salib layout (SALib's --precision)");
  add_integer_with_default(smp, "--max-rows", o.max_rows, int_ranges::count,
                           "Refuse to write more samples than this");
  declare_progress(smp, o.progress, "samples written, rate and ETA");
  return smp;
}

CLI::App* declare_convert(CLI::App& app, convert_options& o) {
  auto* conv = app.add_subcommand(
      "convert", "Write a CSV batch directory as a binary batch (.npy columns, read without parsing)");
  conv->add_option("INPUT", o.input, "A CSV batch directory")->required();
  conv->add_option("OUTPUT", o.output, "The binary batch directory to create")->required();
  return conv;
}

CLI::App* declare_merge(CLI::App& app, merge_options& o) {
  auto* mrg = app.add_subcommand(
      "merge",
      "Combine the outputs of 'run --shard K/N' (or 'sobol'/'morris' --shard K/N): CSVs are concatenated in "
      "the order given; --reduce and analysis JSON reports merge exactly into the unsharded report");
  mrg->add_option("FILES", o.files, "Shard outputs (CSV: in shard order)")->required();
  mrg->add_option("-o,--output", o.output, "Output file (default: stdout)");
  mrg->add_option("--input", o.input, "The input the shards read, when it moved since");
  mrg->add_option("--marginal-csv", o.marginal_csv,
                  "--reduce reports with marginals: also write the merged marginals to FILE in long format, "
                  "as 'run --reduce --marginal-csv' writes them");
  return mrg;
}

/// The options of method m's design (host/analysis/method.hpp), bound to their fields of `d`.
void declare_design_flags(CLI::App* cmd, design_args& d, const analysis_method& m) {
  for (const auto& f : m.design_flags()) {
    switch (f.field) {
      case design_field::n: add_integer(cmd, f.flag, d.n, int_ranges::count, f.help); break;
      case design_field::second_order: cmd->add_flag(f.flag, d.second_order, f.help); break;
      case design_field::base: declare_base(cmd, d.base, f.help); break;
      case design_field::scramble: cmd->add_flag(f.flag, d.scramble, f.help); break;
      case design_field::levels: add_integer(cmd, f.flag, d.levels, int_ranges::levels, f.help); break;
    }
  }
}

/// The command of a sensitivity method (`coopgrid sobol`, `coopgrid morris`): the design's options, the
/// analysis', the backend's and the run's.
CLI::App* declare_sensitivity(CLI::App& app, sensitivity_options& o, const analysis_method& m) {
  o.kind = m.kind();
  auto* cmd = app.add_subcommand(m.name(), m.summary());
  cmd->add_option("PROBLEM", o.input, "A problem file (*.toml with distributions, or SALib's text format)")
      ->required();
  declare_design_flags(cmd, o.design, m);
  add_integer(cmd, "--seed", o.design.seed, int_ranges::seed,
              "Seed of the design and of the bootstrap weights (default 0)");
  cmd->add_option("--fixed", o.design.fixed, "SALib text problems: a TOML of scalars for the fields the file does not vary");
  add_integer_with_default(cmd, "--bootstrap", o.bootstrap, int_ranges::bootstrap,
                           "Bootstrap replicates R of the confidence half-widths (0: none)");
  cmd->add_option("--conf", o.conf, "Confidence level of the half-widths")->capture_default_str();
  add_parsed(cmd, "--metrics", [&o](const std::string& m) { o.metrics = parse_metric_list(m); },
             std::string("Comma-separated metrics to analyse (default: all):") + metric_help());
  declare_backend(cmd, o,
                  {auto_backend_help, "Working precision of the rows (sums are in double)", "CUDA device ordinal",
                   "Several CUDA devices: 'all' or ordinals like 0,1 (results equal a single device's)"});
  cmd->add_option("-o,--output", o.output, "Output file (default: stdout); written to a temporary name and renamed");
  cmd->add_flag("--json", o.json, "JSON (with merge_state) even to a terminal");
  add_parsed(cmd, "--shard", [&o](const std::string& t) { o.shard = parse_shard(t); },
             "The K-th of N slices of the design points (K/N); 'coopgrid merge' combines the JSON outputs into "
             "exactly the unsharded result");
  cmd->add_option("--checkpoint", o.checkpoint, "Save the analysis state to FILE as the run goes and at the end");
  cmd->add_option("--checkpoint-interval", o.checkpoint_interval, "Seconds between checkpoints")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("--resume", o.resume,
                std::string("Continue from --checkpoint FILE; with a larger ") + m.size_option() +
                    ", grow that run: the result equals a fresh run of the larger size");
  cmd->add_option("--until-conf", o.until_conf, m.until_conf_help());
  add_integer(cmd, "--max-n", o.max_n, int_ranges::count,
              "With --until-conf: stop growing at this size (default 2^30)");
  declare_progress(cmd, o.progress, "evaluations, rate, ETA and the widest interval");
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  const cli::dispatch ranks(&argc, &argv);
  CLI::App app{
      "coopgrid: evaluates the international-cooperation model (MODEL.md) over batches of "
      "scenarios or parameter grids, on CPUs and NVIDIA GPUs.\n"
      "Exit codes: 0 ok, 1 runtime failure (or compare disagreement), 2 bad usage or bad input."};
  app.require_subcommand(1);
  cli::use_wrapping_help(app);  // before the subcommands: they inherit the formatter
  app.set_version_flag("--version", COOPGRID_VERSION);
  run_options run_opt;
  compare_options compare_opt;
  validate_options validate_opt;
  convert_options convert_opt;
  merge_options merge_opt;
  sample_options sample_opt;
  prim_command_options prim_opt;
  std::deque<sensitivity_options> method_opts;  // a deque: the options stay where CLI11 bound them
  std::vector<std::pair<CLI::App*, std::function<int()>>> commands = {
      {declare_run(app, run_opt), [&] { return ranks.run(run_opt); }},
      {declare_compare(app, compare_opt), [&] { return compare_command(compare_opt); }},
      {declare_validate(app, validate_opt), [&] { return validate_command(validate_opt); }},
      {declare_convert(app, convert_opt), [&] { return convert_command(convert_opt); }},
      {declare_sample(app, sample_opt), [&] { return sample_command(sample_opt); }},
      {declare_prim(app, prim_opt), [&] { return ranks.prim(prim_opt); }},
  };
  for (const auto* m : analysis_methods()) {  // the sensitivity methods' commands, from their one list
    auto& o = method_opts.emplace_back();
    commands.emplace_back(declare_sensitivity(app, o, *m), [&ranks, &o] { return ranks.analyse(o); });
  }
  commands.emplace_back(declare_merge(app, merge_opt), [&] { return merge_command(merge_opt); });
  commands.emplace_back(
      app.add_subcommand("info", "Print the build, the backends and the CUDA devices (name, SMs, memory)"),
      [] { return info_command(COOPGRID_VERSION); });
  for (const auto& entry : commands) entry.first->footer(std::string(cli::examples_of(entry.first->get_name())));
  try {
    try {
      app.parse(argc, argv);  // option values are parsed here: usage_error as below
    } catch (const CLI::ParseError& e) {
      return cli::report_parse_error(app, e, argc, argv);
    }
    install_signal_cleanup();
    for (const auto& [sub, command] : commands) {
      if (sub->parsed()) return command();
    }
  } catch (const input_error& e) {
    return ranks.fail(cli::print_error(e, 2));
  } catch (const usage_error& e) {
    return ranks.fail(cli::print_error(e, 2));
  } catch (const std::exception& e) {
    return ranks.fail(cli::print_error(e, 1));
  }
  return 0;
}
