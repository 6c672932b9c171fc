#pragma once
/**
 * @file rows.hpp
 * @brief The rows driver (`coopgrid run` without --reduce): one CSV row per
 *        scenario, in order, into a sink (a file, or an MPI rank's message).
 */
#include <functional>
#include <string_view>

#include "host/engine/run_options.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// Receives output text in order.
using text_sink = std::function<void(std::string_view)>;

/// The rows of opt.shard's range as CSV text into `sink` (with the header line when `header`).
void write_rows(const source& src, const run_options& opt, const text_sink& sink, bool header);

}  // namespace coopgrid
