#pragma once
/**
 * @file output_file.hpp
 * @brief Crash-safe output: results go to a temporary file beside the
 *        destination and are renamed onto it only when complete. A failed
 *        run, or one stopped by SIGINT/SIGTERM, leaves nothing under the
 *        final name. A symbolic link is followed: the file it names is
 *        replaced, the link stays. A destination that exists and is not a
 *        regular file (a device such as /dev/null, a FIFO) is written
 *        straight to, never renamed over; its write errors are reported.
 */
#include <cstdio>
#include <string>
#include <string_view>

namespace coopgrid {

class output_file {
 public:
  /// Opens `path` for writing through a temporary name; "" or "-" writes to stdout directly, as
  /// does a `path` that names a device or FIFO.
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
  std::string final_;  ///< the file the temporary one is renamed onto (symbolic links followed)
  std::string temp_;
  std::FILE* file_ = nullptr;
  bool to_stdout_ = false;
  bool direct_ = false;  ///< writing straight to a device or FIFO: no temporary file
  bool committed_ = false;
  int slot_ = -1;  ///< signal-cleanup registration of temp_
};

/// Installs SIGINT/SIGTERM handlers that remove the open temporary file and exit 130/143.
void install_signal_cleanup();

}  // namespace coopgrid
