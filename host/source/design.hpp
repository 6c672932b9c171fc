#pragma once
/**
 * @file design.hpp
 * @brief A design over a problem (DESIGNS.md section 2) as a scenario source:
 *        the problem, the options of --design, and the design_view that
 *        decodes sample i on host or device.
 */
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "host/source/problem.hpp"
#include "kernels/design/design_view.hpp"

namespace coopgrid {

/// What --design, --n, --seed, --scramble, --second-order, --base and --levels ask for.
struct design_options {
  design::design_kind kind = design::design_kind::mc;
  index_t n = 0;  ///< samples (mc, lhs, sobol), base points (saltelli), trajectories (morris)
  std::uint64_t seed = 0;
  bool scramble = false;
  bool second_order = false;
  bool mc_base = false;
  int levels = 4;

  /// Throws usage_error for a combination that cannot work (naming the options).
  /// `num_groups`: the problem's groups (saltelli's rows are per group); -1: one per parameter.
  void validate(int num_parameters, int num_groups = -1) const;
  /// "sobol", "saltelli (second order, scrambled)"...: for reports and `validate`.
  std::string describe() const;
};

/// A design's name (--design, reports' design lines) and what --help says of it.
struct design_kind_entry {
  design::design_kind kind;
  const char* name;
  const char* help;
};
/// Every design_kind, once: the one home of their names. samples is no --design (run --samples gives it).
inline constexpr design_kind_entry design_kinds[] = {
    {design::design_kind::mc, "mc", "Philox"},
    {design::design_kind::lhs, "lhs", "Latin hypercube"},
    {design::design_kind::sobol, "sobol", "Joe-Kuo, scipy's order"},
    {design::design_kind::saltelli, "saltelli", "2d+2 or d+2 rows per base point, SALib's order"},
    {design::design_kind::morris, "morris", "d+1 rows per trajectory"},
    {design::design_kind::samples, "samples", ""}};
static_assert(std::size(design_kinds) == design::num_design_kinds, "a design_kind without its entry");

/// design_kind of a --design value; throws usage_error listing the names.
design::design_kind design_kind_of(const std::string& name);
const char* design_kind_name(design::design_kind kind);
/// The values --design takes, in table order (not samples).
std::vector<std::string> design_names();
/// "mc (Philox), lhs (Latin hypercube), ...": the --design values with their help.
std::string design_names_help();

/// --base: where saltelli's base points come from, named as the design that draws them; sobol is the default.
inline constexpr design::design_kind saltelli_bases[] = {design::design_kind::sobol, design::design_kind::mc};
std::vector<std::string> saltelli_base_names();
/// design_options::mc_base of a --base value ("": the default); throws usage_error listing the names.
bool saltelli_mc_base(const std::string& base);

/// The options as one line ("sobol n 1024 seed 0 scramble 1 second_order 0 mc_base 0 levels 4"): merge states.
std::string design_options_text(const design_options& o);
/// design_options_text's inverse; throws input_error naming `what` for a damaged line.
design_options parse_design_options_text(const std::string& text, const std::string& what);

struct design_source {
  problem prob;
  design_options options;
  index_t num_samples = 0;
  std::string fixed;  ///< the --fixed TOML a SALib text problem was read with ("": none)
  /// kind samples (run --samples): the user's rows, num_samples x num_parameters, row-major,
  /// every value checked against its parameter (host/io/samples_reader.hpp), and their file.
  std::vector<double> samples;
  std::string samples_path;

  design_source() = default;
  /// Validates the options against the problem (usage_error) and sizes the design.
  design_source(problem p, const design_options& o);
  /// The user's matrix over the problem: `values` as above, already checked.
  design_source(problem p, std::vector<double> values, std::string path);

  /// The view over host memory (the choices point into prob); the CUDA input re-points them.
  design::design_view view() const;
  /// The values of sample i's parameters, in problem order (the output columns).
  std::vector<double> parameter_values(index_t i) const;
  /// The same into out[0, num_parameters), with v = view() made once for many samples
  /// (view() per sample was 10% of a design's PRIM inputs, with the allocations 25% more).
  void parameter_values(const design::design_view& v, index_t i, double* out) const;
};

}  // namespace coopgrid
