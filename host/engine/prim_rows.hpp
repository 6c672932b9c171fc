#pragma once
/**
 * @file prim_rows.hpp
 * @brief PRIM over a source's rows, evaluated by a backend: held in memory and
 *        searched with EMA's exact quantiles, or streamed through per-input
 *        histograms (host/prim/streamed.hpp) when they would not fit.
 */
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/prim/streamed.hpp"
#include "host/reduce/spec.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

struct prim_rows_options {
  backend_kind backend = backend_kind::automatic;
  precision prec = precision::f64;
  backend_options bopt;
  std::vector<filter> where;         ///< the cases of interest: rows that pass every one
  std::vector<std::size_t> inputs;   ///< the source's input columns searched, in order
  prim::prim_options prim;
  bool streamed = false;             ///< histograms, one pass a step; else rows in memory
  prim::stream_options stream;      ///< bins, progress, group; threads from bopt, and the rows'
                                     ///< bins kept where they fit in a quarter of the memory
};

struct prim_rows_result {
  prim::prim_result result;
  std::string backend;       ///< the backend's name
  prim::stream_stats stats;  ///< streamed: passes and bins
};

/// The inputs a box may restrict: a batch's list sizes and scalars
/// (prim/batch_inputs.hpp), a grid's axes or a design's parameters, in order.
std::vector<std::string> prim_input_names(const source& src);

/// The indices of `asked` in `names` (every one, in order, when `asked` is
/// empty); usage_error naming --inputs, the name and the inputs of `input`.
std::vector<std::size_t> prim_input_indices(const std::vector<std::string>& names,
                                            const std::vector<std::string>& asked, const std::string& input);

/// Evaluates the source's rows and finds the box.
prim_rows_result prim_rows(const source& src, const prim_rows_options& opt);

}  // namespace coopgrid
