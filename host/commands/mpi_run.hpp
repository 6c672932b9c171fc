#pragma once
/**
 * @file mpi_run.hpp
 * @brief MPI runs (built with -DCOOPGRID_MPI=ON): rank r of n takes shard r/n
 *        and rank 0 writes the merged result, which equals a single-process
 *        run's output byte for byte. Synchronous; collective over MPI_COMM_WORLD.
 */
#include "host/engine/analysis_driver.hpp"
#include "host/engine/prim_driver.hpp"
#include "host/engine/run_options.hpp"
#include "host/source/source.hpp"

namespace coopgrid::mpi {

/// MPI_Init / MPI_Finalize around the program.
class session {
 public:
  session(int* argc, char*** argv);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

/**
 * @brief `coopgrid run` in an MPI build with more than one rank (the CLI runs
 *        the plain command with one): every rank takes its shard and rank 0
 *        writes (opt.mpi_ranks is set from `s`, so validate() refuses --shard
 *        and --checkpoint).
 */
int run_command(run_options opt, const session& s);
/// Per-scenario rows: every rank evaluates its shard, rank 0 writes them all in order.
void run_rows(const source& src, run_options opt, const session& s);
/// --reduce: every rank reduces its shard, rank 0 merges the states and writes the report.
void run_reduce(const source& src, run_options opt, const session& s);
/// `coopgrid sobol` / `coopgrid morris` with more than one rank: every rank sums its shard of the
/// design points, rank 0 merges the exact states and writes the report.
int sensitivity_command(sensitivity_options opt, const session& s);
/// `coopgrid prim` with more than one rank: every rank streams its shard of the rows, each
/// pass's histograms summed over the ranks (host/prim/streamed.hpp); rank 0 writes the report.
int prim_command(prim_command_options opt, const session& s);
/// Ends every rank with `code` (after an error on one of them).
[[noreturn]] void abort(int code);

}  // namespace coopgrid::mpi
