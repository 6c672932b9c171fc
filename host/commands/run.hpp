#pragma once
/**
 * @file run.hpp
 * @brief The run pipeline behind the CLI: per-scenario CSV rows, --reduce
 *        JSON summaries, and compare against the reference. Each function is
 *        synchronous and writes its output atomically.
 */
#include <array>
#include <functional>
#include <string_view>
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/reduce/report.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

struct run_options {
  backend_kind backend = backend_kind::automatic;
  precision prec = precision::f64;
  backend_options bopt;
  std::string output;        ///< "" or "-": stdout
  std::vector<int> metrics;  ///< selected metric columns; empty: all, in MODEL.md order
  bool reduce = false;
  reduce_spec spec;
  index_t max_rows = 100'000'000;  ///< refuse to list more rows than this without --reduce
  index_t chunk_rows = index_t{1} << 16;
  bool progress = false;
  std::string checkpoint;           ///< --reduce: write the state here as the run goes
  double checkpoint_interval = 10;  ///< seconds between checkpoints (0: after every segment)
  bool resume = false;              ///< continue from `checkpoint`
  shard_spec shard;                 ///< --shard K/N (default: the whole input)
};

/**
 * @brief Merges shard outputs into `output`: per-scenario CSVs are
 *        concatenated in the order given; --reduce reports are merged exactly
 *        into the report of the unsharded run (`input` overrides the recorded
 *        input path).
 */
void run_merge(const std::vector<std::string>& files, const std::string& input, const std::string& output);

/// Resolves `automatic` to cuda when a device is present, else cpu.
backend_kind resolve_backend(backend_kind kind);

/// Receives output text in order.
using text_sink = std::function<void(std::string_view)>;

/// Writes one CSV row per scenario (run without --reduce) to opt.output.
void run_rows(const source& src, const run_options& opt);
/// The rows of opt.shard's range as CSV text into `sink` (with the header line when `header`).
void write_rows(const source& src, const run_options& opt, const text_sink& sink, bool header);
/// Writes the --reduce JSON summary to opt.output.
void run_reduce(const source& src, const run_options& opt);
/// The --reduce report of opt.shard's range, without writing it.
reduce_report compute_reduce(const source& src, const run_options& opt);

/// |x - ref| <= atol + rtol * |ref|; the same infinity agrees; NaN never does.
struct tolerance {
  double atol, rtol;
  bool agrees(double x, double ref) const;
};
/// The agreement tolerances of MODEL.md section 4, as written in README.md.
tolerance tolerance_for(precision p);

struct metric_agreement {
  double max_abs = 0, max_rel = 0;
  double tol_used = 0;    ///< largest |x - ref| / (atol + rtol |ref|): under 1 agrees (inf: a NaN or infinity mismatch)
  index_t worst = -1;     ///< scenario with the largest excess over the tolerance
  index_t failures = 0;
};

struct compare_options {
  backend_kind backend = backend_kind::automatic;
  precision prec = precision::f64;
  backend_options bopt;
  index_t sample = 1'000'000;  ///< at most this many scenarios (spread evenly over the input)
};

struct compare_report {
  std::string backend;
  index_t compared = 0;
  index_t total = 0;
  tolerance tol{};
  std::array<metric_agreement, num_metrics> metrics{};
  bool agree() const;
};

/// Evaluates a backend and the reference on the same scenarios and measures the disagreement.
compare_report compare(const source& src, const compare_options& opt);
/// The compare table as printed by the CLI.
std::string format_compare(const source& src, const compare_options& opt, const compare_report& r);

}  // namespace coopgrid
