#pragma once
/**
 * @file compare.hpp
 * @brief `coopgrid compare`: a backend against the reference on the same
 *        scenarios, measured against the tolerances of README.md.
 */
#include <array>
#include <string>
#include <vector>

#include "host/backends/backend.hpp"
#include "host/engine/option_values.hpp"
#include "host/reduce/marginal.hpp"
#include "host/source/source.hpp"

namespace coopgrid {

/// |x - ref| <= atol + rtol * |ref|; the same infinity agrees; NaN never does.
struct tolerance {
  double atol, rtol;
  bool agrees(double x, double ref) const;
};
/// The agreement tolerances of MODEL.md section 4, as written in README.md.
tolerance tolerance_for(precision p);

struct compare_options {
  std::string input;  ///< a batch directory, a grid file or a problem file
  design_args design;  ///< --design and its options (problem files)
  backend_kind backend = backend_kind::automatic;
  precision prec = precision::f64;
  backend_options bopt;
  index_t sample = 1'000'000;  ///< at most this many scenarios (spread evenly over the input)
  std::vector<marginal_option> marginals;  ///< --marginal: also compare these marginals of the sampled scenarios

  /// Throws usage_error for every combination of the options above that cannot work.
  void validate() const;
};

struct metric_agreement {
  double max_abs = 0, max_rel = 0;
  double tol_used = 0;    ///< largest |x - ref| / (atol + rtol |ref|): under 1 agrees (inf: a NaN or infinity mismatch)
  index_t worst = -1;     ///< scenario with the largest excess over the tolerance
  index_t failures = 0;
};

/// One --marginal over the compared scenarios: the backend's cells against the reference's.
struct marginal_agreement {
  std::string name;            ///< marginal::name()
  index_t compared = 0;        ///< cells times metrics
  index_t failures = 0;
  std::string first_failure;   ///< "cell C METRIC" of the first that disagrees
};

struct compare_report {
  std::string backend;
  index_t compared = 0;
  index_t total = 0;
  tolerance tol{};
  std::array<metric_agreement, num_metrics> metrics{};
  /// A backend that reduces the grid factorized (cpu, cuda; not --brute-force):
  /// sample windows whose factorized reduction was checked against the fold of
  /// the formula core's rows there (factorized_agrees), and how many disagreed
  /// (0 is required to agree).
  index_t factorized_windows = 0, factorized_mismatches = 0;
  std::vector<marginal_agreement> marginals;  ///< one per --marginal, in order
  bool agree() const;
};

/**
 * @brief A backend's marginal against the reference's (same axes and metrics),
 *        cell by cell: counts equal; min and max within `tol` of the
 *        reference's; the mean within atol + rtol * the cell's scale (max of
 *        the reference's |min|, |max|): the bound every value of the cell
 *        meets, so their mean does (|ref mean| alone fails on cancellation).
 */
marginal_agreement compare_marginal(const tolerance& tol, const marginal& got, const marginal& ref);

/// Evaluates a backend and the reference on the same scenarios and measures the disagreement.
compare_report compare(const source& src, const compare_options& opt);
/// The compare table as printed by the CLI.
std::string format_compare(const source& src, const compare_options& opt, const compare_report& r);

/// `coopgrid compare`: validates, compares, prints the table; exit code 0 when every metric agrees, else 1.
int compare_command(const compare_options& opt);

}  // namespace coopgrid
