#pragma once
/**
 * @file load_source.hpp
 * @brief Reading INPUT into a source (host/source/source.hpp): a batch directory, a
 *        grid or problem TOML file, a SALib problem text file; a problem becomes a
 *        design (--design) or the user's rows (--samples).
 */
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "host/source/source.hpp"

namespace coopgrid {

/// How a problem file becomes a source: the design asked for, and SALib text's --fixed TOML.
struct source_options {
  std::optional<design_options> design;
  std::string fixed;  ///< --fixed FILE.toml (SALib text problems only); empty: none
  std::string samples;  ///< --samples X.txt|X.npy|X.csv: the user's own rows over the problem; empty: none
  int threads = 0;    ///< threads a CSV batch parses on: backend_options::threads (--threads); 0: all
  bool progress = false;  ///< a batch's reading and checks shown as a "loading" pass (stderr, a terminal)
  /// A binary batch's values checked in the evaluation pass, not on loading (batch::checked):
  /// for callers whose every consumer of the batch goes through make_backend.
  bool checks_in_pass = false;
};

/// What a path holds before a design is applied.
using loaded_input = std::variant<batch, grid, problem>;

/**
 * @brief Reads INPUT: a directory or a .npy batch is a batch; a *.toml file is a
 *        grid, or a problem when its fields hold distributions; a *.txt file is
 *        a SALib problem text file. A CSV batch parses on `threads` threads
 *        (source_options::threads).
 * @throws input_error for anything else, or for bad content.
 */
loaded_input load_input(const std::filesystem::path& input, const source_options& opt = {});

/**
 * @brief load_input, with a problem turned into a design by `opt.design`.
 * @throws usage_error for a problem without --design, or --design without a problem.
 */
source load_source(const std::filesystem::path& input, const source_options& opt = {});
/// The source of an input already read (load_source's second half).
source make_source(const std::string& path, loaded_input in, const source_options& opt);

}  // namespace coopgrid
