#include "host/source/design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "host/util/errors.hpp"
#include "host/util/name_table.hpp"
#include "host/util/text.hpp"

namespace coopgrid {

using design::design_kind;

design_kind design_kind_of(const std::string& name) {
  if (name == design_kind_name(design_kind::samples)) {
    throw usage_error("--design samples: give the matrix itself with --samples FILE (.txt, .npy or .csv)");
  }
  if (const auto k = kind_in(design_kinds, name)) return *k;  // not samples: refused above
  throw usage_error(fmt::format("--design: unknown design '{}' (expected one of {})", name,
                                choice_list(design_names(), ", ")));
}

const char* design_kind_name(design_kind kind) { return name_in(design_kinds, kind); }

std::vector<std::string> design_names() {
  std::vector<std::string> out;
  for (const auto& e : design_kinds) {
    if (e.kind != design_kind::samples) out.emplace_back(e.name);
  }
  return out;
}

std::string design_names_help() {
  std::vector<std::string> out;
  for (const auto& e : design_kinds) {
    if (e.kind != design_kind::samples) out.push_back(fmt::format("{} ({})", e.name, e.help));
  }
  return choice_list(out, ", ");
}

std::vector<std::string> saltelli_base_names() {
  std::vector<std::string> out;
  for (const auto k : saltelli_bases) out.emplace_back(design_kind_name(k));
  return out;
}

bool saltelli_mc_base(const std::string& base) {
  const auto names = saltelli_base_names();
  if (!base.empty() && std::find(names.begin(), names.end(), base) == names.end()) {
    throw usage_error(fmt::format("--base {}: expected {}", base, choice_list(names)));
  }
  return base == design_kind_name(design_kind::mc);
}

void design_options::validate(int num_parameters, int num_groups) const {
  const char* name = design_kind_name(kind);
  if (n < 1) throw usage_error(fmt::format("--n {}: a design needs at least 1 {}", n,
                                           kind == design_kind::saltelli ? "base point"
                                           : kind == design_kind::morris ? "trajectory"
                                                                         : "sample"));
  if (num_parameters < 1) throw usage_error("the problem varies no field: nothing to sample");
  if (kind == design_kind::lhs && n > (index_t{1} << 52)) {
    throw usage_error(fmt::format("--n {}: lhs takes at most 2^52 samples (a stratum must be wider than a "
                                  "double's spacing)", n));
  }
  if (scramble && kind != design_kind::sobol && !(kind == design_kind::saltelli && !mc_base)) {
    throw usage_error(fmt::format("--scramble applies to Sobol' points (--design sobol, or saltelli without "
                                  "--base mc), not to --design {}", name));
  }
  if (scramble && n > design::sobol_scrambled_max_points) {
    throw usage_error(fmt::format("--n {}: Owen-scrambled Sobol' points are defined for at most 2^32 points "
                                  "(--scramble keeps 32 digits)", n));
  }
  if (second_order && kind != design_kind::saltelli) {
    throw usage_error(fmt::format("--second-order applies to --design saltelli, not {}", name));
  }
  if (mc_base && kind != design_kind::saltelli) {
    throw usage_error(fmt::format("--base mc applies to --design saltelli, not {}", name));
  }
  if (kind == design_kind::morris && (levels < 2 || levels % 2 != 0 || levels > 1 << 20)) {
    throw usage_error(fmt::format("--levels {}: Morris needs an even number of levels p >= 2", levels));
  }
  const int rows = design::design_rows_per_point(kind, num_parameters, second_order,
                                                 num_groups < 0 ? num_parameters : num_groups);
  if (n > INT64_MAX / rows) {
    throw usage_error(fmt::format("--n {}: the design's {} rows per point overflow a 64-bit sample index", n, rows));
  }
}

std::string design_options::describe() const {
  std::string out = design_kind_name(kind);
  std::string extra;
  auto add = [&](const std::string& s) { extra += (extra.empty() ? "" : ", ") + s; };
  if (kind == design_kind::saltelli) {
    add(mc_base ? "Philox base points" : "Sobol' base points");
    if (second_order) add("second order");
  }
  if (scramble) add("Owen-scrambled");
  if (kind == design_kind::morris) add(fmt::format("{} levels", levels));
  if (!extra.empty()) out += " (" + extra + ")";
  return out;
}

std::string design_options_text(const design_options& o) {
  return fmt::format("{} n {} seed {} scramble {} second_order {} mc_base {} levels {}", design_kind_name(o.kind), o.n,
                     o.seed, int(o.scramble), int(o.second_order), int(o.mc_base), o.levels);
}

design_options parse_design_options_text(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  std::string kind, k1, k2, k3, k4, k5, k6;
  design_options o;
  int scramble = 0, second = 0, mc = 0;
  in >> kind >> k1 >> o.n >> k2 >> o.seed >> k3 >> scramble >> k4 >> second >> k5 >> mc >> k6 >> o.levels;
  if (!in || k1 != "n" || k2 != "seed" || k3 != "scramble" || k4 != "second_order" || k5 != "mc_base" ||
      k6 != "levels") {
    throw input_error(fmt::format("{}: damaged design line '{}'", what, text));
  }
  if (kind == design_kind_name(design_kind::samples)) {
    // The report names the problem, not the rows' file: there is nothing to re-read them from.
    throw usage_error(fmt::format("{}: a run over --samples rows: merge cannot re-read its rows (run the rows "
                                  "unsharded)", what));
  }
  try {
    o.kind = design_kind_of(kind);
  } catch (const usage_error&) {
    throw input_error(fmt::format("{}: damaged design line '{}'", what, text));
  }
  o.scramble = scramble != 0;
  o.second_order = second != 0;
  o.mc_base = mc != 0;
  return o;
}

design_source::design_source(problem p, const design_options& o) : prob(std::move(p)), options(o) {
  const int groups = static_cast<int>(prob.group_names().size());
  options.validate(prob.num_parameters(), groups);
  num_samples =
      options.n * design::design_rows_per_point(options.kind, prob.num_parameters(), options.second_order, groups);
}

design_source::design_source(problem p, std::vector<double> values, std::string path)
    : prob(std::move(p)), samples(std::move(values)), samples_path(std::move(path)) {
  options.kind = design_kind::samples;
  const auto d = static_cast<std::size_t>(prob.num_parameters());
  if (d == 0) throw usage_error("--samples: the problem varies no field: no column to read");
  num_samples = static_cast<index_t>(samples.size() / d);
  options.n = num_samples;
}

design::design_view design_source::view() const {
  design::design_view v;
  v.kind = options.kind;
  v.num_points = options.n;
  v.num_parameters = prob.num_parameters();
  v.num_groups = static_cast<int>(prob.group_names().size());
  for (int j = 0; j < v.num_parameters; ++j) v.group_of[j] = prob.group_of(j);
  v.rows_per_point = design::design_rows_per_point(options.kind, v.num_parameters, options.second_order, v.num_groups);
  v.num_samples = num_samples;
  v.seed = options.seed;
  v.scramble = options.scramble;
  v.second_order = options.second_order;
  v.mc_base = options.mc_base;
  v.levels = options.levels;
  for (int j = 0; j < v.num_parameters; ++j) {
    const problem_parameter& p = prob.parameters[static_cast<std::size_t>(j)];
    v.params[j].field = p.field;
    v.params[j].dist = p.dist;
    v.params[j].choices = p.choices.empty() ? nullptr : p.choices.data();
  }
  for (int f = 0; f < num_grid_fields; ++f) {
    v.fixed_ints[f] = prob.ints[static_cast<std::size_t>(f)];
    v.fixed_reals[f] = prob.reals[static_cast<std::size_t>(f)];
  }
  v.samples = samples.empty() ? nullptr : samples.data();
  return v;
}

std::vector<double> design_source::parameter_values(index_t i) const {
  std::vector<double> out(prob.parameters.size());
  parameter_values(view(), i, out.data());
  return out;
}

void design_source::parameter_values(const design::design_view& v, index_t i, double* out) const {
  const design::field_values f = design::design_sample_field_values(v, i);
  for (const problem_parameter& p : prob.parameters) {
    *out++ = grid_field_is_integer(p.field) ? static_cast<double>(f.ints[p.field]) : f.reals[p.field];
  }
}

}  // namespace coopgrid
