#pragma once
/**
 * @file option_values.hpp
 * @brief The values of command-line options (and of Python's arguments),
 *        parsed: each function takes an option's text and throws usage_error
 *        naming the option, the text and the rule broken. Which options may be
 *        combined is the options structs' validate() (run_options.hpp,
 *        analysis_driver.hpp, compare.hpp, ...), not this file's.
 */
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "kernels/analysis/sensitivity.hpp"
#include "host/reduce/state.hpp"
#include "host/reduce/marginal.hpp"
#include "host/reduce/report.hpp"
#include "host/source/source.hpp"
#include "host/io/load_source.hpp"
#include "host/prim/streamed.hpp"

namespace coopgrid {

/// The values an integer option (or Python argument) allows, inclusive.
struct int_range {
  long long min;
  unsigned long long max;
};

/// The ranges of the integer options: the CLI and the Python module check against these.
namespace int_ranges {
inline constexpr auto int_max = static_cast<unsigned long long>(std::numeric_limits<int>::max());
inline constexpr auto index_max = static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max());
inline constexpr int_range count{1, index_max};  ///< --n, --trajectories, --max-rows, --sample, --max-n
inline constexpr int_range seed{0, std::numeric_limits<std::uint64_t>::max()};
inline constexpr int_range levels{1, int_max};
inline constexpr int_range bootstrap{0, analysis::max_replicates};
inline constexpr int_range threads{0, int_max};
inline constexpr int_range device{0, int_max};
inline constexpr int_range top{0, 1'000'000};
inline constexpr int_range digits{1, 17};
inline constexpr int_range prim_bins{2, prim::max_stream_bins};  ///< prim --bins
}  // namespace int_ranges

/**
 * @brief `text`, an integer as typed, checked against `r` and returned exactly (never wrapped or clamped).
 * @param name the flag (--n) or, from Python, the argument (n): messages start with it.
 * @param quoted the message shows the value in quotes, as typed ('0'); Python shows it bare.
 * @throws usage_error "NAME must be at least MIN (got 'TEXT')", "... at most MAX ...", or, for
 *         text that is not a decimal integer, "NAME must be an integer from MIN to MAX (got 'TEXT')".
 */
long long parse_integer(const std::string& name, const std::string& text, int_range r, bool quoted = true);
/// parse_integer for the seeds' full unsigned 64-bit range.
std::uint64_t parse_unsigned(const std::string& name, const std::string& text, int_range r, bool quoted = true);

/// --backend: a name of backend_kinds (backend.hpp); usage_error listing them.
backend_kind parse_backend_kind(const std::string& text);
/// --precision: f64|f32.
precision parse_precision(const std::string& text);

/// --by METRIC: a metric column name.
int parse_metric(const std::string& name);
/// --metrics a,b,...: metric column names (empty items skipped; at least one).
std::vector<int> parse_metric_list(const std::string& list);
/// `flag`'s comma-separated names (empty items skipped; at least one), e.g. prim's --inputs.
std::vector<std::string> parse_name_list(const std::string& flag, const std::string& list);
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
