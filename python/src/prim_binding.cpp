// coopgrid._native.prim: PRIM (host/prim/prim.hpp) over arrays from Python,
// returned as arrays and lists, not text to parse.
#include "python/src/prim_binding.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/option_values.hpp"
#include "host/engine/prim_rows.hpp"
#include "host/prim/batch_inputs.hpp"
#include "host/prim/grid_prim.hpp"
#include "host/prim/prim.hpp"
#include "host/prim/streamed.hpp"
#include "host/source/source.hpp"
#include "host/reduce/spec.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "kernels/metrics.hpp"
#include "python/src/py_integers.hpp"
#include "python/src/py_source.hpp"

namespace py = pybind11;

namespace coopgrid {
namespace {

using f64_array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using u8_array = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

py::dict entry_dict(const prim::box_entry& e) {
  py::dict d;
  d["coverage"] = e.coverage;
  d["density"] = e.density;
  d["mass"] = e.mass;
  d["n"] = e.rows;
  d["k"] = e.cases;
  d["res_dim"] = e.restricted;
  d["lower"] = e.limits.lower;
  d["upper"] = e.limits.upper;
  std::vector<double> qp_lower, qp_upper;
  for (const auto& q : e.quasi_p) qp_lower.push_back(q[0]), qp_upper.push_back(q[1]);
  d["qp_lower"] = qp_lower;
  d["qp_upper"] = qp_upper;
  return d;
}

py::dict result_dict(const prim::prim_result& r);

void add_stream_facts(py::dict& out, const prim::stream_stats& stats) {
  out["method"] = "streamed";
  out["passes"] = stats.passes;
  out["bins"] = stats.most_bins();
}

// columns: a list of 1-d float arrays of one length; interest: 0/1 per row;
// bins: None for EMA's search, else streamed through that many bins an input.
py::dict run_prim(const std::vector<f64_array>& columns, const u8_array& interest, double peel_alpha,
                  double paste_alpha, double mass_min, double threshold, py::handle bins) {
  prim::prim_data_view view;
  view.rows = interest.size();
  view.interest = interest.data();
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].ndim() != 1 || columns[j].size() != view.rows)
      throw input_error("prim: x: column " + std::to_string(j) + " has " + std::to_string(columns[j].size()) +
                        " values, y has " + std::to_string(view.rows));
    view.columns.push_back(columns[j].data());
  }
  prim::prim_options options{peel_alpha, paste_alpha, mass_min, threshold};
  prim::prim_result r;
  prim::stream_stats stats;
  prim::stream_options so;
  if (!bins.is_none()) so.bins = int_arg<std::int64_t>("bins", bins, int_ranges::prim_bins);
  so.cache_bytes = std::numeric_limits<std::int64_t>::max();  // the rows are in memory already
  {
    py::gil_scoped_release unlocked;
    if (bins.is_none()) {
      r = prim::find_box(view, options);
    } else {
      prim::memory_stream stream(view);
      r = prim::find_box_streamed(stream, options, so, &stats);
    }
  }
  py::dict out = result_dict(r);
  out["method"] = "rows";
  if (!bins.is_none()) add_stream_facts(out, stats);
  return out;
}

// A source's rows streamed (host/engine/prim_rows.hpp): never all in memory.
py::dict run_prim_rows(const py_source& s, const std::vector<std::string>& where,
                       const std::optional<std::vector<std::string>>& inputs, const std::string& backend,
                       const std::string& precision, py::handle threads, py::handle bins, double peel_alpha,
                       double paste_alpha, double mass_min, double threshold) {
  prim_rows_options o;
  o.backend = parse_backend_kind(backend);
  o.prec = parse_precision(precision);
  o.bopt.threads = int_arg<int>("threads", threads, int_ranges::threads);
  o.stream.bins = int_arg<std::int64_t>("bins", bins, int_ranges::prim_bins);
  o.streamed = true;
  o.prim = {peel_alpha, paste_alpha, mass_min, threshold};
  o.where = parse_where(where);
  const std::vector<std::string> names = prim_input_names(s.src);
  o.inputs = prim_input_indices(names, inputs.value_or(std::vector<std::string>{}), s.src.path);
  prim_rows_result r;
  {
    py::gil_scoped_release unlocked;
    r = prim_rows(s.src, o);
  }
  py::dict out = result_dict(r.result);
  std::vector<std::string> chosen;
  for (std::size_t j : o.inputs) chosen.push_back(names[j]);
  out["inputs"] = chosen;
  out["backend"] = r.backend;
  add_stream_facts(out, r.stats);
  return out;
}

py::dict result_dict(const prim::prim_result& r) {
  py::dict out;
  out["initial_lower"] = r.initial.lower;
  out["initial_upper"] = r.initial.upper;
  py::list trajectory;
  for (const auto& e : r.trajectory) trajectory.append(entry_dict(e));
  out["trajectory"] = trajectory;
  out["peel_steps"] = r.peel_steps;
  out["total_rows"] = r.total_rows;
  out["total_cases"] = r.total_cases;
  out["threshold_met"] = r.threshold_met;
  return out;
}

// PRIM over a grid file without its rows (host/prim/grid_prim.hpp); inputs:
// axis names (None: every axis, in the rows' column order).
py::dict run_prim_grid(const std::string& path, const std::vector<std::string>& where,
                       const std::optional<std::vector<std::string>>& inputs, const std::string& precision,
                       double peel_alpha, double paste_alpha, double mass_min, double threshold) {
  const std::vector<filter> filters = parse_where(where);
  const source src = load_source(path);
  const grid* g = std::get_if<grid>(&src.input);
  if (g == nullptr) throw input_error("prim: " + path + " is not a grid (the grid path needs a grid file)");
  std::vector<int> fields;
  std::vector<std::string> names;
  if (!inputs) {
    fields = g->axes();
  } else {
    for (const auto& name : *inputs) {
      const int f = grid_field_by_name(name);
      if (f < 0 || !g->is_axis[f])
        throw input_error("prim: inputs: '" + name + "' is not an axis of " + path);
      fields.push_back(f);
    }
  }
  for (int f : fields) names.emplace_back(grid_field_names[f]);
  prim::prim_result r;
  {
    py::gil_scoped_release unlocked;
    r = prim::find_box_grid(*g, fields, filters, {peel_alpha, paste_alpha, mass_min, threshold},
                            precision_of(precision) == coopgrid::precision::f32);
  }
  py::dict out = result_dict(r);
  out["inputs"] = names;
  return out;
}

// The cases of interest: rows whose metrics pass every --where text, by the
// CLI's own filter rules (host/reduce/spec.hpp). metrics: name -> column.
u8_array where_mask(const std::vector<std::string>& where, const std::map<std::string, f64_array>& metrics) {
  reduce_spec spec;
  spec.where = parse_where(where);
  std::vector<const double*> column(num_metrics, nullptr);
  py::ssize_t rows = -1;
  for (const auto& [name, values] : metrics) {
    if (rows >= 0 && values.size() != rows) throw input_error("where: metric columns of different lengths");
    rows = values.size();
    column[metric_by_name(name)] = values.data();
  }
  for (const auto& f : spec.where)
    if (column[f.metric] == nullptr)
      throw input_error(std::string("where: no column for metric '") + metric_names[f.metric] + "'");
  u8_array mask(rows < 0 ? 0 : rows);
  std::vector<double> v(num_metrics, 0.0);
  for (py::ssize_t r = 0; r < mask.size(); ++r) {
    for (const auto& f : spec.where) v[f.metric] = column[f.metric][r];
    mask.mutable_data()[r] = spec.passes(v.data());
  }
  return mask;
}


/// A batch's PRIM inputs (prim/batch_inputs.hpp) as {name: array}, in their order; None for other sources.
py::object batch_prim_inputs(const py_source& s) {
  const batch* b = std::get_if<batch>(&s.src.input);
  if (b == nullptr) return py::none();
  py::dict out;
  const auto names = prim::batch_input_names();
  for (std::size_t j = 0; j < names.size(); ++j) {
    const auto values = prim::batch_input_column(*b, j);
    py::array_t<double> a(static_cast<py::ssize_t>(values.size()));
    std::copy(values.begin(), values.end(), a.mutable_data());
    out[py::str(names[j])] = std::move(a);
  }
  return out;
}

}  // namespace

void bind_prim(py::module_& m) {
  m.def("batch_prim_inputs", &batch_prim_inputs, py::arg("source"));
  m.def("where_mask", &where_mask, py::arg("where"), py::arg("metrics"));
  m.def("prim_grid", &run_prim_grid, py::arg("path"), py::arg("where"), py::arg("inputs"), py::arg("precision"),
        py::arg("peel_alpha"), py::arg("paste_alpha"), py::arg("mass_min"), py::arg("threshold"));
  m.def("prim", &run_prim, py::arg("columns"), py::arg("interest"), py::arg("peel_alpha"), py::arg("paste_alpha"),
        py::arg("mass_min"), py::arg("threshold"), py::arg("bins") = py::none());
  m.def("prim_rows", &run_prim_rows, py::arg("source"), py::arg("where"), py::arg("inputs"), py::arg("backend"),
        py::arg("precision"), py::arg("threads"), py::arg("bins"), py::arg("peel_alpha"), py::arg("paste_alpha"),
        py::arg("mass_min"), py::arg("threshold"));
}

}  // namespace coopgrid
