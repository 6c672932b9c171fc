#include "host/engine/rows.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>

#include "host/backends/make_backend.hpp"
#include "host/io/format.hpp"
#include "host/util/progress.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {
namespace {

void write_header(const source& src, const std::vector<int>& metrics, const text_sink& sink) {
  fmt::memory_buffer head;
  fmt::format_to(std::back_inserter(head), "scenario");
  for (const auto& name : input_column_names(src)) fmt::format_to(std::back_inserter(head), ",{}", name);
  for (int m : metrics) fmt::format_to(std::back_inserter(head), ",{}", metric_names[m]);
  head.push_back('\n');
  sink({head.data(), head.size()});
}

bool rows_go_to_terminal(const run_options& opt) {
  return (opt.output.empty() || opt.output == "-") && ::isatty(STDOUT_FILENO) == 1;
}

/// Rows beyond what a terminal or a disk would regret need an explicit --max-rows.
void check_row_count(const source& src, const run_options& opt, index_t n) {
  if (opt.max_rows > 0) {
    if (n > opt.max_rows) {
      throw usage_error(fmt::format(
          "{}: {} scenarios is more than --max-rows {} rows of CSV; use --reduce for a summary, or "
          "raise --max-rows",
          src.path, n, opt.max_rows));
    }
    return;
  }
  if (rows_go_to_terminal(opt) && n > run_options::terminal_max_rows) {
    throw usage_error(fmt::format(
        "{}: {} scenarios of CSV rows to a terminal (more than {} without --max-rows); use --reduce "
        "for a summary, -o FILE, or --max-rows N to write them anyway",
        src.path, n, run_options::terminal_max_rows));
  }
  if (n > run_options::default_max_rows) {
    throw usage_error(fmt::format(
        "{}: {} scenarios of CSV rows is more than {} without --max-rows; use --reduce for a summary, "
        "or --max-rows N to write them anyway",
        src.path, n, run_options::default_max_rows));
  }
}

template <class T>
void write_rows_as(const source& src, const run_options& opt, const text_sink& sink, bool header) {
  const auto [range_lo, range_hi] = shard_range(src.num_scenarios(), opt.shard);
  const index_t n = range_hi - range_lo;
  check_row_count(src, opt, n);
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  const auto metrics = opt.selected_metrics();
  // SALib's Y file (`salib analyze -Y`): the metric columns alone, space-delimited, no header.
  const bool salib_y = opt.salib_y;
  if (header && !salib_y) write_header(src, metrics, sink);

  const int threads = opt.bopt.threads > 0 ? opt.bopt.threads : hardware_threads();
  const index_t chunk = std::max<index_t>(1, opt.chunk_rows);
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(std::min(n, chunk)));
  const index_t parts = static_cast<index_t>(threads) * 4;
  std::vector<fmt::memory_buffer> text(static_cast<std::size_t>(parts));
  progress_meter meter(n, opt.progress);
  for (index_t first = range_lo; first < range_hi; first += chunk) {
    const index_t count = std::min(chunk, range_hi - first);
    be->evaluate(first, count, rows.data());
    // Formatting dominates writing; spread it over the threads, write in order.
    parallel_for(parts, threads, [&](index_t part) {
      auto& buf = text[static_cast<std::size_t>(part)];
      buf.clear();
      const index_t lo = count * part / parts, hi = count * (part + 1) / parts;
      for (index_t i = lo; i < hi; ++i) {
        if (!salib_y) append_scenario_fields(buf, src, first + i);
        bool first_field = salib_y;
        for (int m : metrics) {
          if (!first_field) buf.push_back(salib_y ? ' ' : ',');
          first_field = false;
          format_number(buf, rows[static_cast<std::size_t>(i)].v[m]);
        }
        buf.push_back('\n');
      }
    });
    for (auto& buf : text) sink({buf.data(), buf.size()});
    meter.add(count);
  }
  meter.finish();
}

}  // namespace

void write_rows(const source& src, const run_options& opt, const text_sink& sink, bool header) {
  if (opt.prec == precision::f32) {
    write_rows_as<float>(src, opt, sink, header);
  } else {
    write_rows_as<double>(src, opt, sink, header);
  }
}

}  // namespace coopgrid
