#pragma once
/**
 * @file progress.hpp
 * @brief Progress of long runs on stderr (done, rate, ETA), shown only when
 *        stderr is a terminal.
 */
#include <chrono>
#include <mutex>
#include <string>

#include "kernels/config.hpp"

namespace coopgrid {

/// True when stderr is a terminal (progress is shown only then).
bool stderr_is_terminal();

/// Called by every progress_meter::add, on the thread running the work: an
/// embedder (the Python module, python/src/module.cpp) throws from it to stop
/// a run between units, e.g. on Ctrl-C. Null (the default): nothing is called.
using interrupt_check_fn = void (*)();
void set_interrupt_check(interrupt_check_fn check);
/// Calls the installed check, if any (long loops outside a progress_meter call it too).
void check_interrupt();

/// Called by every progress_meter::add and finish with the work done and the current total, on the
/// thread running the work, whether or not the meter draws: an embedder's own progress display (the
/// Python module's `progress=` callback). Null (the default): nothing is called.
using progress_observer_fn = void (*)(index_t done, index_t total, const char* unit);
void set_progress_observer(progress_observer_fn observer);

/**
 * @brief Progress on stderr (pass, done, rate, ETA), one line that fits the
 *        terminal, redrawn at most 4 times a second (every
 *        COOPGRID_PROGRESS_REDRAW_MS milliseconds where that is set: the
 *        terminal tests draw every add); silent when disabled. Call add()
 *        from one thread, add_concurrent() from several.
 */
class progress_meter {
 public:
  /// `unit` names what is counted ("scenarios", "evaluations").
  progress_meter(index_t total, bool enabled, const char* unit = "scenarios");
  ~progress_meter();
  progress_meter(const progress_meter&) = delete;
  progress_meter& operator=(const progress_meter&) = delete;
  void add(index_t n);
  /// add() from any of several threads (a parallel read): one at a time.
  void add_concurrent(index_t n);
  /// Work done so far in this pass (tests; the Python module's observer sees it too).
  index_t done() const { return done_; }
  /// Work done by an earlier run (a checkpoint resumed): counted as done, not in the rate or the ETA.
  void skip(index_t n);
  /// A line printed above the progress line (the analyses' widest confidence interval after each round).
  void set_note(std::string note);
  /// A new total (an analysis growing its design).
  void set_total(index_t total) { total_ = total; }
  /// Starts pass `name` ("histogram") of `total` units: done, rate and ETA start again, the line names it.
  void start_pass(std::string name, index_t total);
  void finish();

 private:
  void draw(bool final_line);
  std::string line(bool final_line, double secs) const;
  index_t total_;
  index_t done_ = 0;
  index_t skipped_ = 0;  ///< of done_, what an earlier run did
  bool enabled_;
  const char* unit_;
  std::string pass_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
  std::mutex concurrent_;
};

}  // namespace coopgrid
