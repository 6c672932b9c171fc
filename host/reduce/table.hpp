#pragma once
/**
 * @file table.hpp
 * @brief The --reduce report as a table for a terminal: the JSON report
 *        (reduce_json) is for files, pipes and --json; a person at a terminal
 *        gets this instead. Numbers are shown to 6 significant digits and
 *        the merge state is left out: the last line says how to get both.
 */
#include <string>

#include "host/reduce/report.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/**
 * @brief The human-readable form of report `r` of `src`, meant to fit in
 *        `width` columns (at least 60 are used).
 *
 * Sections, in order:
 *  - header: input, kind, backend and precision, scenarios evaluated, how
 *    many are selected and by which --where filters, the shard if any;
 *  - metrics: one row per selected metric (r.metrics, in order) with count,
 *    min, the scenario where it is reached, max, its scenario, mean. A
 *    scenario is its id (batches) or its axis values (grids). When grid axis
 *    values would make the table wider than `width`, the cells hold the grid
 *    index (#k) and a list under the table gives each one's axis values once
 *    (several metrics often share a scenario); ids too long to fit are cut
 *    with "...". With no scenario selected it says so and shows count 0;
 *  - top K (with --top): rank, the --by value, the scenario: its id, or its
 *    #index and axis values (those all entries share on one line above the
 *    table, the rest after each index, wrapped under their column);
 *  - histogram (with --histogram): one line per bin, its range, count and a
 *    '#' bar scaled to the largest count, plus the below/above counts;
 *  - a last line pointing to --json / -o FILE for the full report.
 *
 * Numbers are printf %.6g (inf, -inf and nan spelled so), counts grouped by
 * thousands (86,400,000).
 */
std::string reduce_table(const source& src, const reduce_report& r, int width = 100);

/**
 * @brief Whether `run --reduce` should print reduce_table() instead of the
 *        JSON: output to stdout ("" or "-"), stdout a terminal, and no --json.
 */
bool use_table(const std::string& output_path, bool json_flag);

/// Columns of the terminal on stdout, clamped to [80, 140]; 100 when it is not a terminal.
int terminal_columns();

}  // namespace coopgrid
