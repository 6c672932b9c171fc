#include "host/util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <string>

#include "host/util/text.hpp"

namespace coopgrid {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

namespace {
std::atomic<interrupt_check_fn> g_interrupt_check{nullptr};
std::atomic<progress_observer_fn> g_progress_observer{nullptr};

/// 250 ms, or COOPGRID_PROGRESS_REDRAW_MS.
std::chrono::milliseconds redraw_interval() {
  static const std::chrono::milliseconds interval = [] {
    const char* env = std::getenv("COOPGRID_PROGRESS_REDRAW_MS");
    return std::chrono::milliseconds(env != nullptr && *env != '\0' ? std::atol(env) : 250);
  }();
  return interval;
}

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
  if (now - last_ < redraw_interval()) return;
  last_ = now;
  draw(false);
}

void progress_meter::add_concurrent(index_t n) {
  const std::lock_guard<std::mutex> lock(concurrent_);
  add(n);
}

void progress_meter::skip(index_t n) {
  done_ += n;
  skipped_ += n;
  observe(done_, total_, unit_);
}

void progress_meter::set_note(std::string note) {
  if (!enabled_) return;
  // Its own line, above the progress line (which is redrawn below it).
  fmt::print(stderr, "{}{}\n", drawn_ ? "\r\x1b[K" : "", note);
  if (drawn_) draw(false);
}

void progress_meter::start_pass(std::string name, index_t total) {
  if (enabled_ && drawn_) {
    draw(true);
    std::fputs("\n", stderr);
    drawn_ = false;
  }
  pass_ = std::move(name);
  total_ = total;
  done_ = skipped_ = 0;
  start_ = last_ = std::chrono::steady_clock::now();
}

void progress_meter::finish() {
  observe(done_, total_, unit_);
  if (enabled_ && drawn_) draw(true);
  if (drawn_) std::fputs("\n", stderr);
  drawn_ = false;
}

namespace {

/// 1.23e7 as "12.3M" (rates: three digits are enough to read).
std::string si(double v) {
  const char* units[] = {"", "k", "M", "G", "T"};
  int u = 0;
  while (v >= 999.5 && u < 4) {
    v /= 1000;
    ++u;
  }
  return fmt::format("{:.3g}{}", v, units[u]);
}

std::string duration(double secs) {
  const auto s = static_cast<long long>(secs + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60) : fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

std::string progress_meter::line(bool final_line, double secs) const {
  // The rate and ETA count this run's work only (not what a resumed checkpoint had done).
  const double mine = static_cast<double>(done_ - skipped_);
  const double rate = secs > 0 ? mine / secs : 0.0;
  const double pct = total_ > 0 ? std::min(100.0, 100.0 * static_cast<double>(done_) / static_cast<double>(total_))
                                : 100.0;
  std::string eta = final_line ? fmt::format("done in {:.1f} s", secs) : "ETA --";
  if (rate > 0 && !final_line) eta = "ETA " + duration(static_cast<double>(std::max<index_t>(0, total_ - done_)) / rate);
  const std::string pass = pass_.empty() ? "" : pass_ + ": ";
  const std::string counts = fmt::format("{} / {}", grouped(std::min(done_, total_)), grouped(total_));
  const std::string body = fmt::format("{}{:5.1f}%  {} {}  {}/s  {}", pass, pct, counts, unit_, si(rate), eta);
  const std::size_t width = terminal_width(STDERR_FILENO) - 1;  // the last column would wrap on some terminals
  std::string text = "[coopgrid] " + body;
  if (text.size() > width) text = body;
  if (text.size() > width) {  // compact: counts in SI
    text = fmt::format("{}{:5.1f}% {}/{} {} {}/s {}", pass, pct, si(static_cast<double>(std::min(done_, total_))),
                       si(static_cast<double>(total_)), unit_, si(rate), eta);
  }
  return text.substr(0, width);
}

void progress_meter::draw(bool final_line) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // \r and erase-to-end: a shorter line leaves nothing of the longer one before it.
  fmt::print(stderr, "\r{}\x1b[K", line(final_line, secs));
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace coopgrid
