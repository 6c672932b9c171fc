#pragma once
/**
 * @file method.hpp
 * @brief A sensitivity method as one module: its name and design, its
 *        command's texts and design options, its checks, its shifts, its
 *        indices from the exact state, and its report's tables and JSON
 *        fields. The modules (sobol.cpp, morris.cpp) are listed once, in
 *        methods.cpp; their term kernels are kernels/analysis/NAME_terms.hpp.
 */
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "host/analysis/indices.hpp"
#include "host/analysis/sensitivity_state.hpp"
#include "host/source/design.hpp"
#include "kernels/analysis/sensitivity.hpp"
#include "kernels/metrics.hpp"

namespace coopgrid {

/// The design options a method's command declares (the CLI binds each to its field of design_args).
enum class design_field { n, second_order, base, scramble, levels };

/// One option of a method's design on its command.
struct design_flag {
  design_field field;
  const char* flag;  ///< "--n"
  const char* help;
};

/// A JSON report's fields of one metric: (name, JSON value), in order.
using json_fields = std::vector<std::pair<const char*, std::string>>;

class analysis_method {
 public:
  virtual ~analysis_method() = default;

  // ---- What it is ----
  virtual analysis::analysis_kind kind() const = 0;
  /// Its command's name and the "analysis" of its reports and states: "sobol".
  virtual const char* name() const = 0;
  /// The design it samples.
  virtual design::design_kind design() const = 0;

  // ---- Its command ----
  /// The command's help text.
  virtual const char* summary() const = 0;
  /// The option that sets its size n (the first of design_flags()).
  virtual const char* size_option() const = 0;
  /// Its design's options, the size first.
  virtual std::vector<design_flag> design_flags() const = 0;
  /// --until-conf's help: what it bounds.
  virtual const char* until_conf_help() const = 0;
  /// What --until-conf's progress note calls the widest interval ("ST_conf").
  virtual const char* widest_label() const = 0;
  /// Throws usage_error when it cannot analyse `p` (named `input`).
  virtual void check_problem(const problem& /*p*/, const std::string& /*input*/) const {}

  // ---- Its indices ----
  /// The shifts a view records (the first shift_count of sensitivity_view::shift).
  virtual int shift_count(const analysis::sensitivity_view& v) const = 0;
  /// Sets v's shifts from the rows of design point 0, read with zero shifts.
  virtual void set_shifts(analysis::sensitivity_view& v, const metric_row<double>* rows) const = 0;
  /// mi's indices all NaN (d indices).
  virtual void fill_nan(metric_indices& mi, int d, bool second_order) const = 0;
  /// The indices and half-widths (factor z) of the view's metric m from `s`, whose
  /// replicate 0 has n > 0 points and no bad rows; mi.reason set when they are NaN.
  virtual void indices(const analysis::sensitivity_view& v, const sensitivity_state& s, int m, double z,
                       metric_indices& mi) const = 0;
  /// The wider of `widest` and mi's widest relative interval (NaN counts as infinite, as
  /// --until-conf needs); mi has no reason.
  virtual double widest(const metric_indices& mi, double widest) const = 0;

  // ---- Its report ----
  /// The labels of its indices over `d`.
  virtual std::vector<std::string> labels(const design_source& d) const = 0;
  /// mi's SALib-shaped tables under the labels `names`.
  virtual std::string tables(const std::vector<std::string>& names, const metric_indices& mi,
                             bool second_order) const = 0;
  /// mi's fields of the JSON report under the labels `names`.
  virtual json_fields json(const std::vector<std::string>& names, const metric_indices& mi,
                           bool second_order) const = 0;
};

/// Every method, in the order `coopgrid --help` lists them (methods.cpp: the one list).
const std::vector<const analysis_method*>& analysis_methods();
/// The module of `kind`.
const analysis_method& method_of(analysis::analysis_kind kind);
/// The module named `name`; nullptr when none is.
const analysis_method* find_method(const std::string& name);

namespace method_detail {
/// An index that a metric's rows cannot give (no variance, too few trajectories).
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The sums of one replicate (0: the estimate) as doubles.
class replicate_sums {
 public:
  replicate_sums(const sensitivity_state& s, const analysis::term_layout& t, int r)
      : s_(s), base_(r == 0 ? 0 : static_cast<std::size_t>(t.total) + static_cast<std::size_t>(r - 1) * t.boot) {}
  double operator[](int q) const { return s_.value(base_ + static_cast<std::size_t>(q)); }

 private:
  const sensitivity_state& s_;
  std::size_t base_;
};

/// The half-widths of each element of the replicates' estimates: z * std (ddof 1).
std::vector<double> half_widths(const std::vector<std::vector<double>>& reps, std::size_t n, double z);
/// A pandas-like table: the index column left-aligned, value columns right-aligned, 6 decimals.
std::string frame(const std::vector<std::string>& index, const std::vector<std::string>& columns,
                  const std::vector<std::vector<double>>& values);
/// {"label": value, ...}
std::string json_map(const std::vector<std::string>& labels, const std::vector<double>& v);
}  // namespace method_detail

}  // namespace coopgrid
