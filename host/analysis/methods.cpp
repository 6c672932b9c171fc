// The list of sensitivity methods (method.hpp) and what all of them share.
// A new method is its module (host/analysis/NAME.cpp, kernels/analysis/NAME_terms.hpp)
// and one line in the list below (with its analysis_kind in kernels/analysis/terms.hpp and its
// cases in kernels/analysis/sensitivity.hpp, the device's dispatch).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/analysis/method.hpp"
#include "host/io/format.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

const analysis_method& sobol_module();   // sobol.cpp
const analysis_method& morris_module();  // morris.cpp

const std::vector<const analysis_method*>& analysis_methods() {
  static const std::vector<const analysis_method*> all = {
      &sobol_module(),
      &morris_module(),
  };
  return all;
}

const analysis_method& method_of(analysis::analysis_kind kind) {
  for (const auto* m : analysis_methods()) {
    if (m->kind() == kind) return *m;
  }
  throw logic_error("method_of: a kind without a module in analysis_methods()");
}

const analysis_method* find_method(const std::string& name) {
  for (const auto* m : analysis_methods()) {
    if (name == m->name()) return m;
  }
  return nullptr;
}

namespace method_detail {
namespace {

/// The standard deviation (ddof 1) of x; NaN for fewer than two values.
double std_ddof1(const std::vector<double>& x) {
  if (x.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

}  // namespace

std::vector<double> half_widths(const std::vector<std::vector<double>>& reps, std::size_t n, double z) {
  std::vector<double> out(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> col(reps.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t r = 0; r < reps.size(); ++r) col[r] = reps[r][i];
    out[i] = z * std_ddof1(col);
  }
  return out;
}

std::string frame(const std::vector<std::string>& index, const std::vector<std::string>& columns,
                  const std::vector<std::vector<double>>& values) {
  std::size_t w0 = 0;
  for (const auto& s : index) w0 = std::max(w0, s.size());
  std::vector<std::size_t> w(columns.size());
  auto cell = [](double v) { return std::isnan(v) ? std::string("NaN") : fmt::format("{:.6f}", v); };
  for (std::size_t c = 0; c < columns.size(); ++c) {
    w[c] = columns[c].size();
    for (std::size_t i = 0; i < index.size(); ++i) w[c] = std::max(w[c], cell(values[c][i]).size());
  }
  std::string out = std::string(w0, ' ');
  for (std::size_t c = 0; c < columns.size(); ++c) out += fmt::format("  {:>{}}", columns[c], w[c]);
  out += '\n';
  for (std::size_t i = 0; i < index.size(); ++i) {
    out += fmt::format("{:<{}}", index[i], w0);
    for (std::size_t c = 0; c < columns.size(); ++c) out += fmt::format("  {:>{}}", cell(values[c][i]), w[c]);
    out += '\n';
  }
  return out;
}

std::string json_map(const std::vector<std::string>& labels, const std::vector<double>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    s += fmt::format("{}{}: {}", i ? ", " : "", json_string(labels[i]), json_number(v[i]));
  }
  return s + "}";
}

}  // namespace method_detail
}  // namespace coopgrid
