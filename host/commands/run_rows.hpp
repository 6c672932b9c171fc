#pragma once
/**
 * @file run_rows.hpp
 * @brief `coopgrid run` without --reduce: one CSV row per scenario.
 */
#include <functional>
#include <string_view>

#include "host/commands/run.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// Receives output text in order.
using text_sink = std::function<void(std::string_view)>;

/// Writes one CSV row per scenario of opt.shard's range to opt.output, atomically.
void run_rows(const source& src, const run_options& opt);
/// The rows of opt.shard's range as CSV text into `sink` (with the header line when `header`).
void write_rows(const source& src, const run_options& opt, const text_sink& sink, bool header);

}  // namespace coopgrid
