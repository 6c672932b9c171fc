#include "host/commands/mpi_run.hpp"

#include <mpi.h>

#include <cstdint>
#include <string>

#include "host/analysis/analysis_report.hpp"
#include "host/engine/reduce_driver.hpp"
#include "host/engine/rows.hpp"
#include "host/io/format.hpp"
#include "host/io/output_file.hpp"
#include "host/util/progress.hpp"
#include "host/reduce/merge_state.hpp"
#include "host/reduce/report.hpp"

namespace coopgrid::mpi {
namespace {

constexpr int tag_size = 1, tag_data = 2;
constexpr std::uint64_t max_message = std::uint64_t{1} << 30;

void send_text(const std::string& text) {
  const std::uint64_t n = text.size();
  MPI_Send(&n, 1, MPI_UINT64_T, 0, tag_size, MPI_COMM_WORLD);
  for (std::uint64_t at = 0; at < n; at += max_message) {
    const auto len = static_cast<int>(std::min(max_message, n - at));
    MPI_Send(text.data() + at, len, MPI_CHAR, 0, tag_data, MPI_COMM_WORLD);
  }
}

std::string receive_text(int from) {
  std::uint64_t n = 0;
  MPI_Recv(&n, 1, MPI_UINT64_T, from, tag_size, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  std::string text(n, '\0');
  for (std::uint64_t at = 0; at < n; at += max_message) {
    const auto len = static_cast<int>(std::min(max_message, n - at));
    MPI_Recv(text.data() + at, len, MPI_CHAR, from, tag_data, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return text;
}

}  // namespace

session::session(int* argc, char*** argv) {
  MPI_Init(argc, argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

session::~session() { MPI_Finalize(); }

int run_command(run_options opt, const session& s) {
  opt.mpi_ranks = s.size();
  opt.validate();
  const auto src = load_run_source(opt);
  if (opt.reduce) {
    run_reduce(src, opt, s);
  } else {
    run_rows(src, opt, s);
  }
  return 0;
}

void run_rows(const source& src, run_options opt, const session& s) {
  opt.shard = shard_spec{s.rank(), s.size()};
  opt.progress = opt.progress && s.rank() == 0;
  if (s.rank() != 0) {
    std::string text;
    write_rows(src, opt, [&](std::string_view t) { text.append(t); }, false);
    send_text(text);
    return;
  }
  output_file out(opt.output);
  write_rows(src, opt, [&](std::string_view t) { out.write(t); }, true);
  for (int r = 1; r < s.size(); ++r) out.write(receive_text(r));  // in rank order = scenario order
  out.commit();
}

void run_reduce(const source& src, run_options opt, const session& s) {
  opt.shard = shard_spec{s.rank(), s.size()};
  opt.progress = opt.progress && s.rank() == 0;
  const auto mine = compute_reduce(src, opt);
  if (s.rank() != 0) {
    send_text(merge_state_text(mine));
    return;
  }
  std::vector<reduce_report> parts{mine};
  std::vector<std::string> names{"rank 0"};
  for (int r = 1; r < s.size(); ++r) {
    names.push_back("rank " + std::to_string(r));
    parts.push_back(parse_merge_state(receive_text(r), names.back()));
  }
  output_file out(opt.output);
  out.write(report_text(src, merge_reports(parts, names), report_format_of(opt)));
  out.commit();
}

int sensitivity_command(sensitivity_options opt, const session& s) {
  opt.mpi_ranks = s.size();
  opt.validate();  // the user's options; below, this rank's shard of them
  opt.shard = shard_spec{s.rank(), s.size()};
  opt.progress = opt.progress && s.rank() == 0;
  const auto mine = compute_sensitivity(opt);
  if (s.rank() != 0) {
    send_text(analysis_state_text(mine));
    return 0;
  }
  std::vector<analysis_report> parts{mine};
  std::vector<std::string> names{"rank 0"};
  for (int r = 1; r < s.size(); ++r) {
    names.push_back("rank " + std::to_string(r));
    parts.push_back(parse_analysis_state(receive_text(r), names.back()));
  }
  const auto merged = merge_sensitivity_shards(opt, parts, names);
  output_file out(opt.output);
  out.write(sensitivity_output(opt, merged, sensitivity_table(opt)));
  out.commit();
  return 0;
}

int prim_command(prim_command_options opt, const session& s) {
  opt.rank = s.rank(), opt.ranks = s.size();
  opt.progress = opt.progress && s.rank() == 0;
  opt.group.sum = [](std::int64_t* v, std::size_t n) {
    MPI_Allreduce(MPI_IN_PLACE, v, static_cast<int>(n), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  };
  opt.group.extremes = [](double* lo, double* hi, std::size_t n) {
    MPI_Allreduce(MPI_IN_PLACE, lo, static_cast<int>(n), MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, hi, static_cast<int>(n), MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  };
  opt.validate();
  const prim_found found = find_prim_box(opt);  // the same box on every rank
  if (s.rank() == 0) {
    output_file out(opt.output);
    out.write(prim_report_text(found, opt));
    out.commit();
  }
  return 0;
}

void abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace coopgrid::mpi
