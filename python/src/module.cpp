// coopgrid._native: the Python module's compiled layer. A thin binding of the
// engine (host/engine/) and host functions (load_source, make_backend,
// compute_reduce, reduce_json, design_source::parameter_values); the Python
// package (python/coopgrid/) shapes their results into pandas objects.
// Long calls run with the GIL released and stop on Ctrl-C between units (the
// progress hook of host/util/progress.hpp raises KeyboardInterrupt).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "host/analysis/method.hpp"
#include "host/backends/make_backend.hpp"
#include "host/engine/option_values.hpp"
#include "host/engine/run_options.hpp"
#include "host/engine/reduce_driver.hpp"
#include "host/engine/analysis_driver.hpp"
#include "host/io/problem_reader.hpp"
#include "host/io/samples_reader.hpp"
#include "host/reduce/report.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/util/progress.hpp"
#include "host/io/load_source.hpp"
#include "host/io/source_text.hpp"
#include "kernels/metrics.hpp"
#include "python/src/call_scope.hpp"
#include "python/src/prim_binding.hpp"
#include "python/src/py_source.hpp"
#include "python/src/py_integers.hpp"

#ifndef COOPGRID_VERSION
#define COOPGRID_VERSION "0.0.0"
#endif

namespace py = pybind11;
using namespace coopgrid;
using namespace coopgrid::python;

namespace {

// ---- Options, as the CLI parses them ----

design_args design_of(const py::dict& d) {
  design_args a;
  if (d.contains("design") && !d["design"].is_none()) a.design = d["design"].cast<std::string>();
  for (const char* size : {"n", "trajectories"}) {  // morris() names its size trajectories
    if (d.contains(size) && !d[size].is_none()) a.n = int_arg<index_t>(size, d[size], int_ranges::count);
  }
  if (d.contains("seed") && !d["seed"].is_none()) a.seed = int_arg<std::uint64_t>("seed", d["seed"], int_ranges::seed);
  if (d.contains("scramble")) a.scramble = d["scramble"].cast<bool>();
  if (d.contains("second_order")) a.second_order = d["second_order"].cast<bool>();
  if (d.contains("base") && !d["base"].is_none()) a.base = d["base"].cast<std::string>();
  if (d.contains("levels") && !d["levels"].is_none()) {
    a.levels = int_arg<int>("levels", d["levels"], int_ranges::levels);
  }
  if (d.contains("fixed") && !d["fixed"].is_none()) a.fixed = d["fixed"].cast<std::string>();
  if (!a.design.empty()) design_kind_of(a.design);  // usage_error listing the names, as the CLI's check does
  return a;
}

/// The run_options of the CLI's `run` for these keyword arguments (validated as `run` validates them).
run_options run_options_of(const std::string& backend, const std::string& prec,
                           const std::optional<std::vector<std::string>>& metrics, py::handle threads,
                           bool brute_force) {
  run_options o;
  o.backend = parse_backend_kind(backend);
  o.prec = parse_precision(prec);
  o.bopt.threads = int_arg<int>("threads", threads, int_ranges::threads);
  o.bopt.brute_force = brute_force;
  if (metrics) {
    std::string list;
    for (const auto& m : *metrics) list += (list.empty() ? "" : ",") + m;
    o.metrics = parse_metric_list(list);
  }
  return o;
}

// ---- Sources ----

using source_ptr = std::shared_ptr<py_source>;  // python/src/py_source.hpp

/// A problem given as TOML text (Python's dicts and Problems) is read as that text, named `path`.
loaded_input load_input_or_text(const std::string& path, const std::string& fixed, const std::string& problem_text) {
  if (problem_text.empty()) {
    source_options so;
    so.fixed = fixed;
    return load_input(path, so);
  }
  return parse_problem(problem_text, path);
}

source_ptr load(const std::string& path, const py::dict& design, const std::string& problem_text) {
  const auto args = design_of(design);
  const auto opts = args.source();
  return without_gil([&] {
    return std::make_shared<py_source>(
        py_source{make_source(path, load_input_or_text(path, opts.fixed, problem_text), opts)});
  });
}

/// The user's own rows over a problem (coopgrid.run(problem, samples=X)): the problem is the file `name`, or
/// the TOML `problem_text` (named `name`) when that is not empty; `x` is (rows, parameters) in its order.
source_ptr load_samples(const std::string& name, const std::string& problem_text, const std::string& fixed,
                        const py::array_t<double, py::array::c_style | py::array::forcecast>& x) {
  if (x.ndim() != 2) throw usage_error(fmt::format("samples: a 2-D array (rows, parameters), not {}-D", x.ndim()));
  std::vector<double> values(x.data(), x.data() + x.size());
  return without_gil([&] {
    loaded_input in = load_input_or_text(name, fixed, problem_text);
    auto* p = std::get_if<problem>(&in);
    if (!p) throw usage_error(fmt::format("samples: {} is not a problem (no field holds a distribution)", name));
    check_samples_matrix(*p, values, x.shape(0), x.shape(1), "samples");
    design_source d(std::move(*p), std::move(values), "samples");
    d.fixed = fixed;
    return std::make_shared<py_source>(py_source{source(name, std::move(d))});
  });
}

/// A column of `arrays[name]`, used in place (the array is C-contiguous of the
/// right dtype: the Python side converts anything else once, before).
template <class T>
column<T> view_of(const py::dict& arrays, const char* name) {
  if (!arrays.contains(name)) throw usage_error(fmt::format("in-memory batch: column '{}' is missing", name));
  auto a = py::reinterpret_borrow<py::array>(arrays[name]);
  if (!py::isinstance<py::array_t<T>>(a) || a.ndim() != 1 || !(a.flags() & py::array::c_style)) {
    throw usage_error(fmt::format("in-memory batch: column '{}' must be a 1-D contiguous {} array", name,
                                  std::is_same_v<T, double> ? "float64" : "int64"));
  }
  return column<T>(static_cast<const T*>(a.data()), static_cast<std::size_t>(a.size()));
}

source_ptr from_arrays(const py::dict& arrays, const std::vector<std::string>& ids) {
  batch b;
  b.source = "<memory>";
  auto& c = b.columns;
#define COOPGRID_X(name, kind, file) c.name = view_of<COOPGRID_BATCH_TYPE(kind, double)>(arrays, #name);
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
  // The arrays stay referenced while any copy of the columns lives; released under the GIL.
  c.storage = std::shared_ptr<const void>(new py::dict(arrays), [](const void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<const py::dict*>(p);
  });
  if (c.countries_per_activity.size() != c.activities.size()) {
    throw input_error(fmt::format("<memory>/countries_per_activity.npy: {} entries, expected {} (one per scenario)",
                                  c.countries_per_activity.size(), c.activities.size()));
  }
  if (ids.size() != c.activities.size()) {
    throw input_error(fmt::format("<memory>: {} ids for {} scenarios", ids.size(), c.activities.size()));
  }
  b.ids = ids;
  without_gil([&] { validate_columns(b.columns, "<memory>"); });
  if (b.num_scenarios() == 0) throw input_error("<memory>: no scenarios (activities is empty)");
  return std::make_shared<py_source>(py_source{source("<memory>", std::move(b))});
}

/// The addresses the backends read an in-memory batch from (tests: no copy was made).
std::map<std::string, std::uintptr_t> column_addresses(const py_source& s) {
  const auto* b = std::get_if<batch>(&s.src.input);
  if (!b) throw usage_error("column_addresses: not a batch");
  const auto v = b->columns.view();
  auto a = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p); };
  std::map<std::string, std::uintptr_t> out;
#define COOPGRID_X(name, kind, file) out[#name] = a(v.name);
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
  return out;
}

// ---- Rows ----

using row_columns = std::vector<std::pair<std::string, py::object>>;

template <class T>
void evaluate_into(const source& src, const run_options& opt, const std::vector<int>& metrics,
                   const std::vector<double*>& inputs, const std::vector<void*>& out_columns) {
  std::vector<T*> out;
  for (void* p : out_columns) out.push_back(static_cast<T*>(p));
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  const index_t n = src.num_scenarios();
  const index_t chunk = std::max<index_t>(1, opt.chunk_rows);
  const int threads = opt.bopt.threads > 0 ? opt.bopt.threads : hardware_threads();
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(std::min(n, chunk)));
  for (index_t first = 0; first < n; first += chunk) {
    const index_t count = std::min(chunk, n - first);
    be->evaluate(first, count, rows.data());
    parallel_for(count, threads, [&](index_t i) {
      const auto& row = rows[static_cast<std::size_t>(i)];
      for (std::size_t j = 0; j < metrics.size(); ++j) out[j][first + i] = row.v[metrics[j]];
      if (!inputs.empty()) {
        const auto values = scenario_inputs(src, first + i);
        for (std::size_t j = 0; j < inputs.size(); ++j) inputs[j][first + i] = values[j].second;
      }
    });
    check_interrupt();
  }
}

/// `run`'s rows as columns: "scenario" (batch ids, or the index), the input columns, the metrics
/// (float64; float32 in an f32 run, the values the CLI prints in their shortest form).
row_columns rows(const source_ptr& s, const std::string& backend, const std::string& prec,
                 const std::optional<std::vector<std::string>>& metric_list, py::handle threads,
                 py::handle max_rows, const py::object& progress) {
  const progress_scope scope(progress);
  auto opt = run_options_of(backend, prec, metric_list, threads, false);
  opt.max_rows = int_arg<index_t>("max_rows", max_rows, int_ranges::count);
  opt.validate();
  const source& src = s->src;
  const index_t n = src.num_scenarios();
  if (n > opt.max_rows) {
    throw usage_error(fmt::format("{}: {} scenarios is more than max_rows {}; use reduce() for a summary, or "
                                  "raise max_rows",
                                  src.path, n, opt.max_rows));
  }
  const auto metrics = opt.selected_metrics();
  row_columns cols;
  if (const auto* b = std::get_if<batch>(&src.input)) {
    py::list ids(b->ids.size());  // numbered ids are made here, as strings like the named ones
    for (std::size_t k = 0; k < b->ids.size(); ++k) ids[k] = py::str(b->ids[k]);
    cols.emplace_back("scenario", std::move(ids));
  } else {
    py::array_t<std::int64_t> index(n);
    auto* p = index.mutable_data();
    for (index_t k = 0; k < n; ++k) p[k] = k;
    cols.emplace_back("scenario", index);
  }
  std::vector<double*> inputs;
  std::vector<void*> out;  // float64, or float32 for an f32 run
  for (const auto& name : input_column_names(src)) {
    py::array_t<double> a(n);
    inputs.push_back(a.mutable_data());
    cols.emplace_back(name, a);
  }
  for (int m : metrics) {
    if (opt.prec == precision::f32) {
      py::array_t<float> a(n);
      out.push_back(a.mutable_data());
      cols.emplace_back(metric_names[m], a);
    } else {
      py::array_t<double> a(n);
      out.push_back(a.mutable_data());
      cols.emplace_back(metric_names[m], a);
    }
  }
  without_gil([&] {
    if (opt.prec == precision::f32) {
      evaluate_into<float>(src, opt, metrics, inputs, out);
    } else {
      evaluate_into<double>(src, opt, metrics, inputs, out);
    }
  });
  return cols;
}

// ---- Reduce ----

/// `run --reduce`'s report: (the JSON the CLI writes, the table it prints on a terminal).
std::pair<std::string, std::string> reduce(const source_ptr& s, const std::string& backend, const std::string& prec,
                                           const std::optional<std::vector<std::string>>& metric_list,
                                           py::handle threads, const std::vector<std::string>& where, py::handle top,
                                           const std::optional<std::string>& by, bool ascending,
                                           const std::optional<std::string>& histogram, bool brute_force,
                                           const std::vector<std::string>& marginals, const py::object& progress) {
  const progress_scope scope(progress);
  auto opt = run_options_of(backend, prec, metric_list, threads, brute_force);
  opt.reduce = true;
  opt.where = parse_where(where);
  if (!top.is_none()) opt.top = int_arg<index_t>("top", top, int_ranges::top);
  if (by) opt.by = parse_metric(*by);
  opt.ascending = ascending;
  if (histogram) opt.histogram = parse_histogram(*histogram);
  for (const auto& m : marginals) opt.marginals.push_back(parse_marginal(m));
  opt.validate();
  const source& src = s->src;
  return without_gil([&] {
    const auto r = compute_reduce(src, opt);
    return std::make_pair(report_text(src, r, report_format::json), report_text(src, r, report_format::table));
  });
}

// ---- Sensitivity ----

/// `coopgrid sobol` / `coopgrid morris`: (the JSON the CLI writes, the tables it prints on a terminal).
std::pair<std::string, std::string> sensitivity(const std::string& kind, const std::string& path, const py::dict& d,
                                                py::handle bootstrap, double conf,
                                                const std::optional<std::vector<std::string>>& metric_list,
                                                const std::string& backend, const std::string& prec,
                                                py::handle threads, const std::string& problem_text,
                                                const py::object& progress) {
  const progress_scope scope(progress);
  sensitivity_options opt;
  const auto* method = find_method(kind);
  if (!method) {
    std::string names;  // "a, b or c"
    const auto& all = analysis_methods();
    for (std::size_t i = 0; i < all.size(); ++i) {
      names += std::string(i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + all[i]->name();
    }
    throw usage_error(fmt::format("{}: expected {}", kind, names));
  }
  opt.kind = method->kind();
  opt.input = path;
  opt.problem_text = problem_text;
  opt.design = design_of(d);
  opt.bootstrap = int_arg<int>("bootstrap", bootstrap, int_ranges::bootstrap);
  opt.conf = conf;
  const auto ro = run_options_of(backend, prec, metric_list, threads, false);
  opt.backend = ro.backend;
  opt.prec = ro.prec;
  opt.bopt = ro.bopt;
  opt.metrics = ro.metrics;
  opt.validate();
  return without_gil([&] {
    const auto r = compute_sensitivity(opt);
    return std::make_pair(sensitivity_output(opt, r, false), sensitivity_output(opt, r, true));
  });
}

// ---- Designs and problems ----

/// A design's samples: (parameter names, n x d values), as `coopgrid sample` writes them.
std::pair<std::vector<std::string>, py::array_t<double>> sample_values(const source_ptr& s) {
  const auto* d = std::get_if<design_source>(&s->src.input);
  if (!d) throw usage_error(fmt::format("sample: {} is not a problem file", s->src.path));
  const index_t n = d->num_samples;
  const auto cols = static_cast<std::size_t>(d->prob.num_parameters());
  py::array_t<double> x({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(cols)});
  double* p = x.mutable_data();
  without_gil([&] {
    const index_t chunk = index_t{1} << 16;
    for (index_t first = 0; first < n; first += chunk) {
      const index_t count = std::min(chunk, n - first);
      parallel_for(count, hardware_threads(), [&](index_t i) {
        const auto v = d->parameter_values(first + i);
        std::copy(v.begin(), v.end(), p + static_cast<std::size_t>(first + i) * cols);
      });
      check_interrupt();
    }
  });
  return {input_column_names(s->src), x};
}

/// A problem file as read: its parameters (name, distribution as written and as facts, group) and fixed fields.
py::dict problem_info(const std::string& path, const std::string& fixed, const std::string& problem_text) {
  auto in = load_input_or_text(path, fixed, problem_text);
  const auto* p = std::get_if<problem>(&in);
  if (!p) throw usage_error(fmt::format("{}: not a problem file (no field holds a distribution)", path));
  py::list params;
  std::vector<bool> varied(num_grid_fields, false);
  for (const auto& q : p->parameters) {
    varied[static_cast<std::size_t>(q.field)] = true;
    py::dict e;
    e["name"] = grid_field_names[q.field];
    e["text"] = q.text;
    e["distribution"] = q.distribution;
    e["args"] = q.args;
    e["group"] = q.group;
    e["integer"] = grid_field_is_integer(q.field);
    params.append(e);
  }
  py::dict fixed_values;
  for (int f = 0; f < num_grid_fields; ++f) {
    if (varied[static_cast<std::size_t>(f)] || !p->given[static_cast<std::size_t>(f)]) continue;
    if (grid_field_is_integer(f)) {
      fixed_values[grid_field_names[f]] = p->ints[static_cast<std::size_t>(f)];
    } else {
      fixed_values[grid_field_names[f]] = p->reals[static_cast<std::size_t>(f)];
    }
  }
  py::dict out;
  out["source"] = p->source;
  out["parameters"] = params;
  out["fixed"] = fixed_values;
  out["has_groups"] = p->has_groups;
  return out;
}

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "coopgrid's compiled layer (use the coopgrid package, not this module)";
  set_interrupt_check(&python_interrupt_check);
  set_progress_observer(&python_progress);

  // Bad input and bad usage are the caller's: ValueError with the CLI's message.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const input_error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const usage_error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  m.attr("version") = COOPGRID_VERSION;
  m.attr("metric_names") = std::vector<std::string>(std::begin(metric_names), std::end(metric_names));
  m.attr("metric_descriptions") =
      std::vector<std::string>(std::begin(metric_descriptions), std::end(metric_descriptions));
  // The batch columns' table (kernels/batch_view.hpp): (name, numpy dtype, CSV file), in order.
  std::vector<std::tuple<std::string, std::string, std::string>> batch_columns;
#define COOPGRID_X(name, kind, file) \
  batch_columns.emplace_back(#name, std::is_same_v<COOPGRID_BATCH_TYPE(kind, double), double> ? "float64" : "int64", #file);
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
  m.attr("batch_columns") = batch_columns;
  m.attr("field_names") = std::vector<std::string>(std::begin(grid_field_names), std::end(grid_field_names));

  py::class_<py_source, source_ptr>(m, "Source")
      .def_property(
          "path", [](const py_source& s) { return s.src.path; },
          [](py_source& s, const std::string& p) { s.src.path = p; })
      .def_property_readonly("kind", [](const py_source& s) { return std::string(s.src.kind()); })
      .def_property_readonly("num_scenarios", [](const py_source& s) { return s.src.num_scenarios(); })
      .def_property_readonly("input_columns", [](const py_source& s) { return input_column_names(s.src); })
      .def("describe", [](const py_source& s) { return describe_source(s.src); })
      .def("column_addresses", &column_addresses);

  m.def("load", &load, py::arg("path"), py::arg("design"), py::arg("problem_text") = "");
  m.def("load_samples", &load_samples, py::arg("name"), py::arg("problem_text"), py::arg("fixed"), py::arg("samples"));
  m.def("from_arrays", &from_arrays, py::arg("arrays"), py::arg("ids"));
  m.def("rows", &rows, py::arg("source"), py::arg("backend"), py::arg("precision"), py::arg("metrics"),
        py::arg("threads"), py::arg("max_rows"), py::arg("progress") = py::none());
  m.def("reduce", &reduce, py::arg("source"), py::arg("backend"), py::arg("precision"), py::arg("metrics"),
        py::arg("threads"), py::arg("where"), py::arg("top"), py::arg("by"), py::arg("ascending"),
        py::arg("histogram"), py::arg("brute_force"), py::arg("marginals"), py::arg("progress") = py::none());
  m.def("sensitivity", &sensitivity, py::arg("kind"), py::arg("path"), py::arg("design"), py::arg("bootstrap"),
        py::arg("conf"), py::arg("metrics"), py::arg("backend"), py::arg("precision"), py::arg("threads"),
        py::arg("problem_text") = "", py::arg("progress") = py::none());
  m.def("sample_values", &sample_values, py::arg("source"));
  m.def("problem_info", &problem_info, py::arg("path"), py::arg("fixed"), py::arg("problem_text") = "");
  bind_prim(m);
  m.def("resolve_backend",
        [](const std::string& b) { return std::string(backend_kind_name(resolve_backend(parse_backend_kind(b)))); });
}
