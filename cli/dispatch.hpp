#pragma once
// The commands that MPI spreads over ranks (run, the sensitivity methods, prim): on one process, or
// with COOPGRID_HAVE_MPI and several ranks on all of them; one rank is a plain process.
#include "host/commands/prim.hpp"
#include "host/commands/run.hpp"
#include "host/commands/sensitivity.hpp"
#if defined(COOPGRID_HAVE_MPI)
#include "host/commands/mpi_run.hpp"
#endif

namespace coopgrid::cli {

#if defined(COOPGRID_HAVE_MPI)
class dispatch {
 public:
  dispatch(int* argc, char*** argv) : mpi_(argc, argv) {}
  int run(const run_options& o) const { return ranks() ? mpi::run_command(o, mpi_) : run_command(o); }
  int analyse(const sensitivity_options& o) const {
    return ranks() ? mpi::sensitivity_command(o, mpi_) : sensitivity_command(o);
  }
  int prim(const prim_command_options& o) const { return ranks() ? mpi::prim_command(o, mpi_) : prim_command(o); }
  /// Under MPI an error on one rank must end them all, with its exit code.
  int fail(int code) const {
    if (ranks()) mpi::abort(code);
    return code;
  }

 private:
  bool ranks() const { return mpi_.size() > 1; }
  mpi::session mpi_;
};
#else
class dispatch {
 public:
  dispatch(int*, char***) {}
  int run(const run_options& o) const { return run_command(o); }
  int analyse(const sensitivity_options& o) const { return sensitivity_command(o); }
  int prim(const prim_command_options& o) const { return prim_command(o); }
  int fail(int code) const { return code; }
};
#endif

}  // namespace coopgrid::cli
