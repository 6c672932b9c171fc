#pragma once
/**
 * @file checkpoint.hpp
 * @brief Checkpoints of a long --reduce run: the reduction state after a
 *        whole number of segments, exact to the bit (hex floats), tied to the
 *        input, backend, precision and reduction by a fingerprint.
 */
#include <cstdint>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "host/reduce/marginal.hpp"
#include "host/reduce/state.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// Scenarios per reduction segment: runs always reduce segment by segment, so a
/// resumed run merges exactly as an uninterrupted one (a multiple of every
/// backend's chunk).
inline constexpr index_t reduce_segment = index_t{1} << 24;

/// A double as exact hex-float text ("%a"), and back (throws input_error naming `what`).
std::string hexf(double v);
double parse_hexf(const std::string& text, const std::string& what);

/**
 * @brief The first two lines of a checkpoint or merge state: `magic` (its
 *        format and version, "NAME VERSION") and "metrics N". Metric ids in
 *        the file are column indices, so a file is read only by a build with
 *        the same format version and metric count.
 */
std::string format_header(const char* magic);
/**
 * @brief Reads format_header(magic) from `in`. False when the first line is
 *        not of this format at all (the caller names what it expected).
 * @throws usage_error "written by another version of coopgrid" for another
 *         version of the format or another metric count; input_error when
 *         the metrics line is damaged.
 */
bool read_format_header(std::istream& in, const char* magic, const std::string& what);

/// The reduction state as exact text (hex floats, exact sums): checkpoints and merge_state.
std::string state_text(const reduce_state& state);
/// Parses state_text() output; throws input_error naming `what` when damaged.
void parse_state_text(std::istream& in, const reduce_spec& spec, reduce_state& state, const std::string& what);

/// A hash of the input alone (its values, ids and size).
std::uint64_t input_fingerprint(const source& src);

/// A hash of everything the result depends on.
std::uint64_t run_fingerprint(const source& src, const std::string& backend, precision prec,
                              const reduce_spec& spec, const std::vector<marginal>& marginals = {});

/// run_fingerprint and input_fingerprint, the input read once for both.
std::pair<std::uint64_t, std::uint64_t> run_and_input_fingerprints(const source& src, const std::string& backend,
                                                                   precision prec, const reduce_spec& spec,
                                                                   const std::vector<marginal>& marginals = {});

/// Writes the state reached after scenario `next` - 1, atomically (temporary name, then rename).
void write_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t next,
                      const reduce_state& state, const std::vector<marginal>& marginals = {});

/**
 * @brief Reads a checkpoint into `state` (and its marginals into `marginals`
 *        when given) and returns the next scenario index.
 * @throws usage_error when the file is missing or was written for another
 *         input, backend, precision or reduction; input_error when damaged.
 */
index_t read_checkpoint(const std::string& path, std::uint64_t fingerprint, const reduce_spec& spec,
                        reduce_state& state, std::vector<marginal>* marginals = nullptr);

}  // namespace coopgrid
