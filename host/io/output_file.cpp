#include "host/io/output_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
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
  // A word on why the run ended, on a fresh line (a progress line may be half drawn), so that the
  // shell's prompt does not land on it.
  static const char interrupted[] = "\ncoopgrid: interrupted\n";
  static const char terminated[] = "\ncoopgrid: terminated\n";
  const char* msg = sig == SIGINT ? interrupted : terminated;
  const std::size_t len = sig == SIGINT ? sizeof interrupted - 1 : sizeof terminated - 1;
  if (::write(STDERR_FILENO, msg, len) < 0) {
    // Nothing more to do: the exit code still says which signal ended the run.
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

/// `path` with its symbolic links followed to the file they name (which may not exist yet):
/// the output replaces that file, never a link. A relative link is relative to its own folder.
std::filesystem::path resolve_links(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  for (int hops = 0; hops < 40; ++hops) {  // 40: the kernel's own limit (ELOOP)
    std::error_code ec;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(p, ec))) return p;
    const auto to = std::filesystem::read_symlink(p, ec);
    if (ec) throw io_error("cannot read the symbolic link", path.string(), ec.value());
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  throw io_error("cannot follow the symbolic link", path.string(), ELOOP);
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
  const std::filesystem::path target = resolve_links(path);
  std::error_code ec;
  const auto st = std::filesystem::status(target, ec);
  if (std::filesystem::is_directory(st)) {
    throw std::runtime_error(fmt::format("{}: is a directory, expected an output file name", path));
  }
  if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    // A device, FIFO or socket: renaming over it would replace the node, so write straight to it.
    direct_ = true;
    file_ = std::fopen(target.c_str(), "wb");
    if (!file_) throw io_error("cannot open the output file", path, errno);
    return;
  }
  final_ = target.string();
  const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  temp_ = (dir / fmt::format(".{}.tmp-{}", target.filename().string(), ::getpid())).string();
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) throw io_error("cannot create the output file", path, errno);
  slot_ = claim_slot(temp_);
}

output_file::~output_file() {
  if (to_stdout_ || committed_) return;
  if (file_) std::fclose(file_);
  if (direct_) return;  // nothing of ours to remove: the device or FIFO stays
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
  // fsync makes the rename crash-safe; a device or FIFO has nothing to sync (and may refuse it).
  if (std::fflush(file_) != 0 || (!direct_ && ::fsync(::fileno(file_)) != 0)) {
    throw io_error("write failed", path_, errno);
  }
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) throw io_error("write failed", path_, errno);
  if (direct_) {
    committed_ = true;
    return;
  }
  if (std::rename(temp_.c_str(), final_.c_str()) != 0) {
    throw io_error("cannot rename the finished output onto", path_, errno);
  }
  release_slot(slot_);
  committed_ = true;
}

}  // namespace coopgrid
