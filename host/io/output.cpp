#include "host/io/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace coopgrid {
namespace {

// Temporary files a signal must remove: the output and a checkpoint can be
// open at once. Slots are claimed and released by output_file.
constexpr int temp_slots = 4;
char g_temp_path[temp_slots][4096] = {};
std::atomic<bool> g_temp_set[temp_slots] = {};

extern "C" void cleanup_on_signal(int sig) {
  for (int i = 0; i < temp_slots; ++i) {
    if (g_temp_set[i].load()) ::unlink(g_temp_path[i]);  // async-signal-safe
  }
  ::_exit(128 + sig);
}

int claim_slot(const std::string& path) {
  if (path.size() >= sizeof(g_temp_path[0])) return -1;
  for (int i = 0; i < temp_slots; ++i) {
    if (!g_temp_set[i].load()) {
      std::memcpy(g_temp_path[i], path.c_str(), path.size() + 1);
      g_temp_set[i] = true;
      return i;
    }
  }
  return -1;
}

void release_slot(int slot) {
  if (slot >= 0) g_temp_set[slot] = false;
}

std::runtime_error io_error(const std::string& what, const std::string& path, int err) {
  return std::runtime_error(fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

}  // namespace

void install_signal_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = cleanup_on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

output_file::output_file(const std::string& path) : path_(path) {
  if (path.empty() || path == "-") {
    to_stdout_ = true;
    path_ = "<stdout>";
    file_ = stdout;
    return;
  }
  const std::filesystem::path p(path);
  if (std::filesystem::is_directory(p)) {
    throw std::runtime_error(fmt::format("{}: is a directory, expected an output file name", path));
  }
  const auto dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  temp_ = (dir / fmt::format(".{}.tmp-{}", p.filename().string(), ::getpid())).string();
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) throw io_error("cannot create the output file", path, errno);
  slot_ = claim_slot(temp_);
}

output_file::~output_file() {
  if (to_stdout_ || committed_) return;
  if (file_) std::fclose(file_);
  std::remove(temp_.c_str());
  release_slot(slot_);
}

void output_file::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw io_error("write failed", path_, errno);
  }
}

void output_file::commit() {
  if (to_stdout_) {
    if (std::fflush(stdout) != 0) throw io_error("write failed", path_, errno);
    committed_ = true;
    return;
  }
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    throw io_error("write failed", path_, errno);
  }
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) throw io_error("write failed", path_, errno);
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    throw io_error("cannot rename the finished output onto", path_, errno);
  }
  release_slot(slot_);
  committed_ = true;
}

std::string json_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

progress_meter::progress_meter(index_t total, bool enabled)
    : total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

progress_meter::~progress_meter() {
  if (drawn_) std::fputs("\n", stderr);
}

void progress_meter::add(index_t n) {
  done_ += n;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  draw(false);
}

void progress_meter::finish() {
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
  fmt::print(stderr, "\r[coopgrid] {:5.1f}%  {:.4g} / {:.4g} scenarios  {:.3g} scenarios/s  {}{}   ", pct,
             static_cast<double>(done_), static_cast<double>(total_), rate, final_line ? "" : "ETA ", eta);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace coopgrid
