#pragma once
/**
 * @file progress.hpp
 * @brief Progress of long runs on stderr (done, rate, ETA), shown only when
 *        stderr is a terminal.
 */
#include <chrono>

#include "kernels/config.hpp"

namespace coopgrid {

/// True when stderr is a terminal (progress is shown only then).
bool stderr_is_terminal();

/**
 * @brief Progress on stderr (done, rate, ETA), redrawn at most 4 times a second;
 *        silent when disabled. Call add() from one thread.
 */
class progress_meter {
 public:
  progress_meter(index_t total, bool enabled);
  ~progress_meter();
  void add(index_t n);
  void finish();

 private:
  void draw(bool final_line);
  index_t total_;
  index_t done_ = 0;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace coopgrid
