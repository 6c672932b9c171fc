#include "host/util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace coopgrid {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

namespace {
std::atomic<interrupt_check_fn> g_interrupt_check{nullptr};
std::atomic<progress_observer_fn> g_progress_observer{nullptr};

void observe(index_t done, index_t total, const char* unit) {
  if (const auto observer = g_progress_observer.load()) observer(done, total, unit);
}
}  // namespace

void set_interrupt_check(interrupt_check_fn check) { g_interrupt_check = check; }
void set_progress_observer(progress_observer_fn observer) { g_progress_observer = observer; }

void check_interrupt() {
  if (const auto check = g_interrupt_check.load()) check();
}

progress_meter::progress_meter(index_t total, bool enabled, const char* unit)
    : total_(total), enabled_(enabled), unit_(unit), start_(std::chrono::steady_clock::now()), last_(start_) {}

progress_meter::~progress_meter() {
  if (drawn_) std::fputs("\n", stderr);
}

void progress_meter::add(index_t n) {
  done_ += n;
  check_interrupt();
  observe(done_, total_, unit_);
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  draw(false);
}

void progress_meter::finish() {
  observe(done_, total_, unit_);
  if (enabled_ && drawn_) draw(true);
  if (drawn_) std::fputs("\n", stderr);
  drawn_ = false;
}

void progress_meter::draw(bool final_line) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  const double pct = total_ > 0 ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100.0;
  std::string eta = final_line ? fmt::format("done in {:.1f} s", secs) : "--";
  if (rate > 0 && !final_line) {
    const auto left = static_cast<long long>(static_cast<double>(total_ - done_) / rate);
    eta = left >= 3600 ? fmt::format("{}h{:02}m", left / 3600, (left / 60) % 60)
                       : fmt::format("{}m{:02}s", left / 60, left % 60);
  }
  fmt::print(stderr, "\r[coopgrid] {:5.1f}%  {:.4g} / {:.4g} {}  {:.3g} {}/s  {}{}{}{}   ", pct,
             static_cast<double>(done_), static_cast<double>(total_), unit_, rate, unit_, final_line ? "" : "ETA ",
             eta, note_.empty() ? "" : "  ", note_);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace coopgrid
