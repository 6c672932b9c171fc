#include "host/commands/prim.hpp"

#include <fmt/format.h>

#include <chrono>

#include "host/backends/make_backend.hpp"
#include "host/io/output_file.hpp"
#include "host/prim/batch_inputs.hpp"
#include "host/prim/grid_prim.hpp"
#include "host/prim/report.hpp"
#include "host/reduce/table.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/io/load_source.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {
namespace {

// Columns j of the rows' inputs that --inputs names (all, in order, by default).
std::vector<std::size_t> selected_inputs(const std::vector<std::string>& all, const std::vector<std::string>& asked,
                                         const std::string& input) {
  std::vector<std::size_t> out;
  if (asked.empty()) {
    for (std::size_t j = 0; j < all.size(); ++j) out.push_back(j);
    return out;
  }
  for (const auto& name : asked) {
    std::size_t j = 0;
    while (j < all.size() && all[j] != name) ++j;
    if (j == all.size()) {
      std::string names;
      for (const auto& a : all) names += (names.empty() ? "" : ", ") + a;
      throw usage_error(fmt::format("--inputs: '{}' is not an input of {} (inputs: {})", name, input, names));
    }
    out.push_back(j);
  }
  return out;
}

// The chosen input columns of every scenario: a batch's scalars and list sizes
// (prim/batch_inputs.hpp), a grid's axes or a design's parameters.
std::vector<std::vector<double>> input_columns(const source& src, const std::vector<std::size_t>& inputs,
                                               int threads) {
  std::vector<std::vector<double>> columns;
  if (const batch* b = std::get_if<batch>(&src.input)) {
    for (std::size_t j : inputs) columns.push_back(prim::batch_input_column(*b, j));
    return columns;
  }
  const index_t n = src.num_scenarios();
  columns.assign(inputs.size(), std::vector<double>(static_cast<std::size_t>(n)));
  const design_source* d = std::get_if<design_source>(&src.input);
  const design::design_view view = d != nullptr ? d->view() : design::design_view{};
  constexpr index_t block = 4096;
  parallel_for((n + block - 1) / block, threads > 0 ? threads : hardware_threads(), [&](index_t b) {
    std::vector<double> values(d != nullptr ? d->prob.parameters.size() : 0);
    for (index_t k = b * block; k < std::min(n, (b + 1) * block); ++k) {
      if (d != nullptr) {
        d->parameter_values(view, k, values.data());
        for (std::size_t j = 0; j < inputs.size(); ++j) columns[j][k] = values[inputs[j]];
      } else {
        const auto named = scenario_inputs(src, k);  // a grid's axes (--brute-force)
        for (std::size_t j = 0; j < inputs.size(); ++j) columns[j][k] = named[inputs[j]].second;
      }
    }
  });
  return columns;
}

// A source's rows evaluated into memory: the chosen input columns and, per
// row, whether every condition holds (as run --reduce --where decides it).
template <class T>
prim::prim_result search_rows(const source& src, const prim_command_options& opt, const std::vector<filter>& where,
                              const std::vector<std::size_t>& inputs, std::string& backend_name) {
  const index_t n = src.num_scenarios();
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  backend_name = be->name();
  const auto columns = input_columns(src, inputs, opt.bopt.threads);
  std::vector<std::uint8_t> interest(static_cast<std::size_t>(n));
  reduce_spec spec;
  spec.where = where;
  constexpr index_t chunk = index_t{1} << 16;
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(std::min(n, chunk)));
  double v[num_metrics];
  for (index_t first = 0; first < n; first += chunk) {
    const index_t count = std::min(chunk, n - first);
    be->evaluate(first, count, rows.data());
    for (index_t i = 0; i < count; ++i) {
      for (int m = 0; m < num_metrics; ++m) v[m] = static_cast<double>(rows[i].v[m]);
      interest[first + i] = spec.passes(v);
    }
  }
  prim::prim_data_view view;
  for (const auto& c : columns) view.columns.push_back(c.data());
  view.interest = interest.data();
  view.rows = n;
  return prim::find_box(view, opt.prim);
}

}  // namespace

void prim_command_options::validate() const {
  if (where.empty())
    throw usage_error("prim: --where is required: the cases of interest (e.g. --where 'shared_expected >= 1000')");
  prim::check_options(prim);
}

int prim_command(const prim_command_options& opt) {
  opt.validate();
  const auto start = std::chrono::steady_clock::now();
  const std::vector<filter> where = parse_where(opt.where);
  const source src = load_source(opt.input, opt.design.source());
  prim::report_context ctx;
  ctx.input = opt.input;
  ctx.kind = std::string(src.kind());
  ctx.precision = precision_name(opt.prec);
  ctx.options = opt.prim;
  for (const filter& f : where) ctx.where.push_back(f.text());
  const bool is_batch = std::holds_alternative<batch>(src.input);
  const std::vector<std::string> names = is_batch ? prim::batch_input_names() : input_column_names(src);
  const std::vector<std::size_t> inputs = selected_inputs(names, opt.inputs, opt.input);
  for (std::size_t j : inputs) ctx.inputs.push_back(names[j]);
  prim::prim_result r;
  if (const grid* g = std::get_if<grid>(&src.input); g != nullptr && !opt.brute_force) {
    std::vector<int> fields;
    for (std::size_t j : inputs) fields.push_back(g->axes()[j]);
    ctx.method = "grid";
    ctx.backend = "host";
    r = prim::find_box_grid(*g, fields, where, opt.prim, opt.prec == precision::f32);
  } else {
    if (src.num_scenarios() > opt.max_rows)
      throw usage_error(fmt::format("prim: {} has {} scenarios, more rows than --max-rows {} holds in memory{}",
                                    opt.input, src.num_scenarios(), opt.max_rows,
                                    g != nullptr ? "; without --brute-force a grid is searched without its rows"
                                                 : "; raise --max-rows or lower --n"));
    ctx.method = "rows";
    r = opt.prec == precision::f32 ? search_rows<float>(src, opt, where, inputs, ctx.backend)
                                   : search_rows<double>(src, opt, where, inputs, ctx.backend);
  }
  ctx.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  output_file out(opt.output);
  out.write(use_table(opt.output, opt.json) ? prim::table_report(r, ctx, static_cast<std::size_t>(terminal_columns()))
                                            : prim::json_report(r, ctx));
  out.commit();
  return 0;
}

}  // namespace coopgrid
