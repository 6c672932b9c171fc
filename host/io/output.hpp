#pragma once
/**
 * @file output.hpp
 * @brief Crash-safe output: results go to a temporary file beside the
 *        destination and are renamed onto it only when complete. A failed
 *        run, or one stopped by SIGINT/SIGTERM, leaves nothing under the
 *        final name. Also: number formatting and the progress meter.
 */
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "kernels/config.hpp"

namespace coopgrid {

class output_file {
 public:
  /// Opens `path` for writing through a temporary name; "" or "-" writes to stdout directly.
  explicit output_file(const std::string& path);
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  /// Removes the temporary file unless commit() succeeded. Never throws.
  ~output_file();

  /// Appends bytes; throws std::runtime_error naming the file on any write error (full disk...).
  void write(std::string_view bytes);
  /// Flushes, closes and renames onto the final name; throws on failure.
  void commit();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
  bool to_stdout_ = false;
  bool committed_ = false;
  int slot_ = -1;  ///< signal-cleanup registration of temp_
};

/// Installs SIGINT/SIGTERM handlers that remove the open temporary file and exit 130/143.
void install_signal_cleanup();

/// Shortest round-trip form; inf and -inf spelled so (CSV).
template <class T>
inline void format_number(fmt::memory_buffer& out, T v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

/// A number as JSON: Infinity, -Infinity and NaN as Python's json module reads them.
std::string json_number(double v);
/// A JSON string literal with escapes.
std::string json_string(std::string_view s);
/// A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

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
