#pragma once
/**
 * @file option_values.hpp
 * @brief The values of command-line options, parsed: each function takes an
 *        option's text and throws usage_error naming the option, the text
 *        and the rule broken. Which options may be combined is the options
 *        structs' validate() (run.hpp, compare.hpp, ...), not this file's.
 */
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/reduce/state.hpp"
#include "host/reduce/marginal.hpp"
#include "host/reduce/report.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// --backend: auto|reference|cpu|cuda.
backend_kind parse_backend_kind(const std::string& text);
/// --precision: f64|f32.
precision parse_precision(const std::string& text);

/// --by METRIC: a metric column name.
int parse_metric(const std::string& name);
/// --metrics a,b,...: metric column names (empty items skipped; at least one).
std::vector<int> parse_metric_list(const std::string& list);
/// --where, repeated: each METRIC>=X or METRIC<=X.
std::vector<filter> parse_where(const std::vector<std::string>& texts);

/// --histogram METRIC:BINS[:LO:HI].
struct histogram_option {
  int metric = -1;
  index_t bins = 0;
  bool range_given = false;  ///< LO:HI given; else the range is the metric's [min, max]
  double lo = 0, hi = 0;
};
/// Parses METRIC:BINS (BINS in [1, 1e8]) or METRIC:BINS:LO:HI (LO <= HI, finite).
histogram_option parse_histogram(const std::string& text);

/// --marginal AXIS[,AXIS]: one or two names, each optionally NAME:BINS (BINS an integer in [1, 65536]).
marginal_option parse_marginal(const std::string& text);

/// --shard K/N (0 <= K < N).
shard_spec parse_shard(const std::string& text);
/// --devices: "all" (every one of `device_count` CUDA devices) or distinct ordinals like 0,1,3.
std::vector<int> parse_device_list(const std::string& text, int device_count);

}  // namespace coopgrid

namespace coopgrid {

/// --design and the options that shape it, as given on the command line; source() checks them.
struct design_args {
  std::string design;  ///< --design NAME ("": none)
  index_t n = 0;       ///< --n (0: not given)
  std::uint64_t seed = 0;
  bool scramble = false;
  bool second_order = false;
  std::string base;  ///< --base sobol|mc ("": not given)
  int levels = 0;    ///< --levels (0: not given; Morris's default is 4)
  std::string fixed;  ///< --fixed FILE.toml
  std::string samples;  ///< --samples X (run): the user's own rows

  /// The source options these ask for; usage_error for an option without --design, or --design without --n.
  source_options source() const;
};

}  // namespace coopgrid
