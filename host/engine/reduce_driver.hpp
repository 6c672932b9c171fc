#pragma once
/**
 * @file reduce_driver.hpp
 * @brief The --reduce driver (`coopgrid run --reduce`, MPI ranks, Python's
 *        reduce()): the reduction in checkpointed segments (segments.hpp),
 *        the marginals, the histogram's second pass over [min, max], the top
 *        rows, and the report's text forms.
 */
#include <string>

#include "host/engine/run_options.hpp"
#include "host/reduce/report.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// The forms a --reduce report is written in: JSON (all digits and the merge
/// state) or the readable table (host/reduce/table.hpp).
enum class report_format { json, table };

/// The form run_reduce writes for `opt`: the one place that chooses it (a table
/// on a terminal, JSON to files, pipes and with --json).
report_format report_format_of(const run_options& opt);
/// The report `r` of `src` in `format`.
std::string report_text(const source& src, const reduce_report& r, report_format format);

/// The --reduce report of opt.shard's range, without writing it.
reduce_report compute_reduce(const source& src, const run_options& opt);

}  // namespace coopgrid
