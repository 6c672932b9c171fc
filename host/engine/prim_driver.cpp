#include "host/engine/prim_driver.hpp"

#include <fmt/format.h>

#include <chrono>

#include "host/engine/prim_rows.hpp"
#include "host/io/load_source.hpp"
#include "host/prim/grid_prim.hpp"
#include "host/reduce/shard.hpp"
#include "host/reduce/table.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

void prim_command_options::validate() const {
  if (streamed && exact) throw usage_error("prim: --streamed and --exact: choose one way to search the rows");
  if (exact && ranks > 1)
    throw usage_error(fmt::format("prim: --exact holds every row in one process; {} MPI ranks stream them", ranks));
  if (where.empty())
    throw usage_error("prim: --where is required: the cases of interest (e.g. --where 'shared_expected >= 1000')");
  prim::check_options(prim);
}

prim_found find_prim_box(const prim_command_options& opt) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<filter> where = parse_where(opt.where);
  const source src = load_source(opt.input, opt.design.source());
  prim::report_context ctx;
  ctx.input = opt.input;
  ctx.kind = std::string(src.kind());
  ctx.precision = precision_name(opt.prec);
  ctx.options = opt.prim;
  for (const filter& f : where) ctx.where.push_back(f.text());
  const std::vector<std::string> names = prim_input_names(src);
  const std::vector<std::size_t> inputs = prim_input_indices(names, opt.inputs, opt.input);
  for (std::size_t j : inputs) ctx.inputs.push_back(names[j]);
  prim::prim_result r;
  if (const grid* g = std::get_if<grid>(&src.input); g != nullptr && !opt.brute_force) {
    std::vector<int> fields;
    for (std::size_t j : inputs) fields.push_back(g->axes()[j]);
    ctx.method = "grid";
    ctx.backend = "host";
    r = prim::find_box_grid(*g, fields, where, opt.prim, opt.prec == precision::f32);
  } else {
    const bool fits = src.num_scenarios() <= opt.max_rows;
    if (!fits && (opt.exact || (g != nullptr && !opt.streamed)))
      throw usage_error(fmt::format("prim: {} has {} scenarios, more rows than --max-rows {} holds in memory{}",
                                    opt.input, src.num_scenarios(), opt.max_rows,
                                    g != nullptr ? "; without --brute-force a grid is searched without its rows"
                                                 : "; raise --max-rows, or leave out --exact to stream them"));
    prim_rows_options ro;
    ro.backend = opt.backend, ro.prec = opt.prec, ro.bopt = opt.bopt, ro.where = where, ro.inputs = inputs;
    ro.prim = opt.prim;
    ro.streamed = opt.streamed || !fits || opt.ranks > 1;
    if (opt.ranks > 1) {  // each rank its shard of the rows, the histograms summed over the ranks
      ro.stream.group = opt.group;
      std::tie(ro.stream.group.first, ro.stream.group.last) =
          shard_range(src.num_scenarios(), shard_spec{opt.rank, opt.ranks});
    }
    ro.stream.bins = opt.bins;
    ro.stream.progress = opt.progress;
    prim_rows_result rr = prim_rows(src, ro);
    r = std::move(rr.result);
    ctx.method = ro.streamed ? "streamed" : "rows";
    ctx.backend = rr.backend;
    ctx.passes = rr.stats.passes;
    ctx.cached = rr.stats.cached;
    ctx.bins = rr.stats.most_bins();
  }
  ctx.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {std::move(r), std::move(ctx)};
}

std::string prim_report_text(const prim_found& f, const prim_command_options& opt) {
  return use_table(opt.output, opt.json)
             ? prim::table_report(f.result, f.context, static_cast<std::size_t>(terminal_columns()))
             : prim::json_report(f.result, f.context);
}

}  // namespace coopgrid
