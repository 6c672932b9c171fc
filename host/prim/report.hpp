#pragma once
// A PRIM result as JSON (files, pipes, --json) and as a table (a terminal).
#include <string>
#include <vector>

#include "host/prim/prim.hpp"

namespace coopgrid::prim {

struct report_context {
  std::string input;
  std::string kind;    ///< grid | design | samples
  std::string method;  ///< "grid": counted block by block; "rows": rows in memory; "streamed"
  std::int64_t passes = 0, bins = 0;  ///< streamed: passes over the rows, bins an input at most
  bool cached = false;                ///< streamed: the rows' bins were kept after the first pass
  std::string backend, precision;  ///< what evaluated the rows or the block tables
  std::vector<std::string> where;  ///< the conditions, in their stored form (>= or <=)
  std::vector<std::string> inputs;
  prim_options options;
  double seconds = 0;
};

std::string json_report(const prim_result& r, const report_context& c);
/// The trajectory and the last box, `width` columns at most (80 fits).
std::string table_report(const prim_result& r, const report_context& c, std::size_t width);

}  // namespace coopgrid::prim
