#pragma once
/**
 * @file report.hpp
 * @brief The --reduce JSON report, the exact merge state it carries, shards
 *        (contiguous slices of the input) and the merging of shard reports
 *        into exactly the report of one unsharded run.
 */
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/reduce/marginal.hpp"
#include "host/reduce/shard.hpp"
#include "host/reduce/state.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// Everything a --reduce report holds; the merge state serialises all of it.
struct reduce_report {
  std::string input;
  std::string kind;  ///< "grid", "batch" or "design"
  std::string design;  ///< kind "design": design_options_text of the design
  std::string fixed;   ///< kind "design": the --fixed TOML ("" when none)
  std::string backend;
  precision prec = precision::f64;
  reduce_spec spec;
  std::vector<int> metrics;  ///< selected metrics, in output order
  std::uint64_t fingerprint = 0;        ///< run_fingerprint: input, backend, precision, reduction
  std::uint64_t input_fingerprint = 0;  ///< the input alone (merge checks --input against it)
  shard_spec shard;
  index_t range_lo = 0, range_hi = 0;
  reduce_state state;
  std::map<index_t, std::array<double, num_metrics>> rows;  ///< all metrics of the top entries
  std::vector<marginal> marginals;  ///< --marginal, in the order given
};

/// The JSON report (its last member, merge_state, is what `coopgrid merge` reads).
std::string reduce_json(const source& src, const reduce_report& r);

}  // namespace coopgrid
