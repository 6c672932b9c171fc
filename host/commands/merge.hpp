#pragma once
/**
 * @file merge.hpp
 * @brief `coopgrid merge`: shard outputs of `run --shard K/N` into exactly the
 *        unsharded output.
 */
#include <string>
#include <vector>

namespace coopgrid {

struct merge_options {
  std::vector<std::string> files;  ///< shard outputs (CSV: in shard order)
  std::string input;               ///< the input the shards read, when it moved since ("": as recorded)
  std::string output;              ///< "" or "-": stdout
  std::string marginal_csv;        ///< --marginal-csv FILE: the merged marginals in long format (as run writes it)

  /// Throws usage_error for every combination of the options above that cannot work.
  void validate() const;
};

/**
 * @brief `coopgrid merge`: per-scenario CSVs are concatenated in the order
 *        given; --reduce reports are merged exactly into the report of the
 *        unsharded run. Writes opt.output atomically; returns the exit code.
 */
int merge_command(const merge_options& opt);

}  // namespace coopgrid
