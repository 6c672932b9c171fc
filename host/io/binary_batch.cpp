#include "host/io/binary_batch.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <fstream>
#include <algorithm>

#include "host/util/errors.hpp"
#include "host/util/nvtx.hpp"
#include "host/util/parallel.hpp"
#include "host/util/progress.hpp"
#include "host/io/text_file.hpp"

namespace coopgrid {
namespace {

/// A read-only memory map of a whole file (unmapped at destruction); move-only.
class mapped_file {
 public:
  explicit mapped_file(const std::filesystem::path& p) {
    const std::string path = p.string();
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw input_error(fmt::format("{}: cannot be opened: {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw input_error(fmt::format("{}: cannot stat", path));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      // MAP_POPULATE maps every page now, in the kernel's batches: far cheaper than one
      // fault per page later, when parallel validation and evaluation touch them.
      void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        throw input_error(fmt::format("{}: cannot be memory-mapped", path));
      }
      data_ = m;
    }
    ::close(fd);  // the mapping keeps the file
  }
  mapped_file(mapped_file&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  mapped_file& operator=(mapped_file&& o) noexcept {
    if (this != &o) {
      unmap();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  ~mapped_file() { unmap(); }
  const unsigned char* data() const { return static_cast<const unsigned char*>(data_); }
  std::size_t size() const { return size_; }

 private:
  void unmap() noexcept {
    if (data_) ::munmap(data_, size_);
    data_ = nullptr;
  }
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

/// What a binary batch's columns point into: the mappings, and copies of columns whose data is misaligned.
struct mapped_storage {
  std::vector<mapped_file> files;
  std::vector<std::vector<double>> real_copies;
  std::vector<std::vector<index_t>> int_copies;
};

/**
 * Maps a 1-D .npy column of `descr` ('<f8' or '<i8', the only dtypes, so no
 * conversion) and views it in place; the mapping joins `store`. Data that is
 * not aligned for V (a hand-written header of odd length) is copied instead.
 */
/// A column's .npy dtype: little-endian float64 or int64.
template <class V>
inline constexpr const char* npy_descr = std::is_same_v<V, double> ? "<f8" : "<i8";
static_assert(std::is_same_v<index_t, std::int64_t>, "offsets and counts are stored as <i8");

template <class V>
column<V> read_npy(const std::filesystem::path& p, const char* descr, mapped_storage& store) {
  const std::string name = p.string();
  if (!std::filesystem::exists(p)) throw input_error(fmt::format("{}: file not found", name));
  mapped_file f(p);
  const auto* d = f.data();
  if (f.size() < 10 || std::memcmp(d, "\x93NUMPY", 6) != 0) {
    throw input_error(fmt::format("{}: not a NumPy .npy file (bad magic)", name));
  }
  const int major = d[6];
  std::size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = static_cast<std::size_t>(d[8] | (d[9] << 8));
    start = 10;
  } else if (major == 2 || major == 3) {
    if (f.size() < 12) throw input_error(fmt::format("{}: truncated .npy header", name));
    header_len = static_cast<std::size_t>(d[8] | (d[9] << 8) | (d[10] << 16)) |
                 (static_cast<std::size_t>(d[11]) << 24);
    start = 12;
  } else {
    throw input_error(fmt::format("{}: unsupported .npy version {}", name, major));
  }
  if (start + header_len > f.size()) throw input_error(fmt::format("{}: truncated .npy header", name));
  const std::string header(reinterpret_cast<const char*>(d + start), header_len);
  auto field = [&](const std::string& key) {
    const auto at = header.find("'" + key + "'");
    if (at == std::string::npos) throw input_error(fmt::format("{}: .npy header lacks '{}'", name, key));
    auto v = header.substr(header.find(':', at) + 1);
    return v.substr(v.find_first_not_of(' '));
  };
  const auto dt = field("descr");
  if (dt.compare(0, std::strlen(descr) + 2, std::string("'") + descr + "'") != 0) {
    throw input_error(fmt::format("{}: dtype {} is not {} (write it with dtype={})", name,
                                  dt.substr(0, dt.find(',')), descr,
                                  std::string(descr) == "<f8" ? "numpy.float64" : "numpy.int64"));
  }
  if (field("fortran_order").compare(0, 5, "False") != 0) {
    throw input_error(fmt::format("{}: fortran_order must be False", name));
  }
  const auto shape = field("shape");
  std::size_t n = 0;
  if (std::sscanf(shape.c_str(), "(%zu,)", &n) != 1 || shape.find(',') > shape.find(')') ||
      shape.find_first_of("0123456789", shape.find(',')) < shape.find(')')) {
    throw input_error(fmt::format("{}: shape {} is not one-dimensional", name, shape.substr(0, shape.find(')') + 1)));
  }
  const std::size_t offset = start + header_len;
  if (f.size() - offset != n * sizeof(V)) {
    throw input_error(fmt::format("{}: holds {} bytes of data, the header promises {} elements of {} bytes",
                                  name, f.size() - offset, n, sizeof(V)));
  }
  if (n == 0) return {};
  if (reinterpret_cast<std::uintptr_t>(d + offset) % alignof(V) == 0) {
    const auto* data = reinterpret_cast<const V*>(d + offset);
    store.files.push_back(std::move(f));
    return column<V>(data, n);
  }
  std::vector<V> copy(n);
  std::memcpy(copy.data(), d + offset, n * sizeof(V));
  auto& copies = [&]() -> std::vector<std::vector<V>>& {
    if constexpr (std::is_same_v<V, double>) {
      return store.real_copies;
    } else {
      return store.int_copies;
    }
  }();
  copies.push_back(std::move(copy));  // the buffer moves, so the view stays valid
  return column<V>(copies.back().data(), n);
}

template <class V>
void write_npy(const std::filesystem::path& p, const char* descr, column<V> v) {
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({},), }}", descr, v.size());
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(p, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  const char le[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(le, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(V)));
  if (!out) throw std::runtime_error(fmt::format("{}: write failed", p.string()));
}

/**
 * True when two of `hashes` are equal. Hashes are spread uniformly, so a
 * counting pass on their top bits splits them into cache-sized buckets
 * (equal hashes share one), each then sorted on its own, in parallel.
 */
bool any_equal_hashes(const std::vector<std::size_t>& hashes, int threads) {
  constexpr int bits = 12;
  constexpr std::size_t buckets = std::size_t{1} << bits;
  const int shift = static_cast<int>(sizeof(std::size_t) * 8) - bits;
  std::vector<std::size_t> start(buckets + 1, 0);
  for (const auto h : hashes) ++start[(h >> shift) + 1];
  for (std::size_t k = 0; k < buckets; ++k) start[k + 1] += start[k];
  std::vector<std::size_t> sorted(hashes.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (const auto h : hashes) sorted[next[h >> shift]++] = h;
  std::atomic<bool> equal{false};
  parallel_for(static_cast<index_t>(buckets), threads, [&](index_t k) {
    const auto lo = sorted.begin() + static_cast<std::ptrdiff_t>(start[static_cast<std::size_t>(k)]);
    const auto hi = sorted.begin() + static_cast<std::ptrdiff_t>(start[static_cast<std::size_t>(k) + 1]);
    std::sort(lo, hi);
    if (std::adjacent_find(lo, hi) != hi) equal = true;
  });
  return equal;
}

struct column_file {
  const char* file;
  bool integer;
};

constexpr index_t ids_per_task = 1 << 16;

/// The duplicate id with the lowest second line, if any: a duplicate needs two equal hashes,
/// so only then are ids compared.
void check_unique_ids(const batch& b, const std::filesystem::path& ids_path, std::vector<std::size_t>& hashes) {
  if (!any_equal_hashes(hashes, hardware_threads())) return;
  const auto& names = b.ids.names();
  std::vector<std::pair<std::size_t, std::size_t>> hashed(names.size());  // (hash, line index)
  for (std::size_t i = 0; i < names.size(); ++i) hashed[i] = {std::hash<std::string>{}(names[i]), i};
  std::sort(hashed.begin(), hashed.end());
  for (std::size_t i = 1; i < hashed.size(); ++i) {
    if (hashed[i].first != hashed[i - 1].first) continue;
    // Equal hashes: compare every pair of the run (almost always just this one).
    for (std::size_t j = i; j > 0 && hashed[j - 1].first == hashed[i].first; --j) {
      const auto first = std::min(hashed[j - 1].second, hashed[i].second);
      const auto second = std::max(hashed[j - 1].second, hashed[i].second);
      if (b.ids[first] == b.ids[second]) {
        throw input_error(fmt::format("{}:{}: id '{}' appears twice (first on line {})", ids_path.string(),
                                      second + 1, b.ids[second], first + 1));
      }
    }
  }
}

/// ids.txt, one id a line: one read and one sequential pass for the line ends; the strings and
/// their 64-bit hashes are made in parallel, and the hashes sorted in parallel.
void read_ids(batch& b, const std::filesystem::path& ids_path, index_t scenarios) {
  const std::string text = read_text_file(ids_path, "an ids.txt file");
  std::vector<std::string_view> lines;
  lines.reserve(static_cast<std::size_t>(scenarios));
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto n = lines.size() + 1;
    if (line.empty()) throw input_error(fmt::format("{}:{}: empty id (ids must be non-empty)", ids_path.string(), n));
    lines.push_back(line);
    at = end + 1;
  }
  const auto count = static_cast<index_t>(lines.size());
  auto& names = b.ids.names();
  names.resize(lines.size());
  std::vector<std::size_t> hashes(lines.size());
  parallel_for((count + ids_per_task - 1) / ids_per_task, hardware_threads(), [&](index_t k) {
    for (index_t i = k * ids_per_task; i < std::min(count, (k + 1) * ids_per_task); ++i) {
      names[static_cast<std::size_t>(i)].assign(lines[static_cast<std::size_t>(i)]);
      hashes[static_cast<std::size_t>(i)] = std::hash<std::string_view>{}(lines[static_cast<std::size_t>(i)]);
    }
  });
  check_unique_ids(b, ids_path, hashes);
  if (count != scenarios) {
    throw input_error(fmt::format("{}: {} ids for {} scenarios", ids_path.string(), count, scenarios));
  }
}

/// Without ids.txt a scenario's id is its row number.
void number_ids(batch& b, index_t n) { b.ids = scenario_ids::numbered(n); }

}  // namespace

bool is_binary_batch(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) && std::filesystem::exists(dir / "activities.npy", ec);
}

batch read_binary_batch(const std::filesystem::path& dir, progress_meter* progress, bool checks_in_pass) {
  nvtx_range range("parse");
  batch b;
  b.source = dir.string();
  auto& c = b.columns;
  auto store = std::make_shared<mapped_storage>();
  auto& m = *store;
  m.files.reserve(num_batch_columns);
#define COOPGRID_X(name, kind, file) \
  c.name = read_npy<COOPGRID_BATCH_TYPE(kind, double)>(dir / #name ".npy", npy_descr<COOPGRID_BATCH_TYPE(kind, double)>, m);
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
  c.storage = std::move(store);
  const auto ids_path = dir / "ids.txt";
  std::error_code ec;
  const auto ids_bytes = std::filesystem::exists(ids_path, ec) ? std::filesystem::file_size(ids_path) : 0;
  if (progress != nullptr) progress->set_total(static_cast<index_t>(c.bytes() + ids_bytes));
  if (checks_in_pass) {  // the values when each chunk is evaluated (batch::checked)
    check_batch_shape(c, dir.string());
    if (progress != nullptr) progress->add(static_cast<index_t>(c.bytes()));
    b.checked = false;
  } else {
    validate_columns(c, dir.string(), 0, progress);
  }
  if (c.num_scenarios() == 0) throw input_error(fmt::format("{}: no scenarios (activities.npy is empty)", b.source));
  if (std::filesystem::exists(ids_path)) {
    read_ids(b, ids_path, c.num_scenarios());
    if (progress != nullptr) progress->add(static_cast<index_t>(ids_bytes));
  } else {
    number_ids(b, c.num_scenarios());
  }
  return b;
}

void write_binary_batch(const batch& b, const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir)) {
    throw usage_error(fmt::format("{}: already exists (convert writes a new directory)", dir.string()));
  }
  const auto tmp = dir.parent_path() / fmt::format(".{}.tmp-{}", dir.filename().string(), ::getpid());
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp);
  try {
    const auto& c = b.columns;
#define COOPGRID_X(name, kind, file) write_npy(tmp / #name ".npy", npy_descr<COOPGRID_BATCH_TYPE(kind, double)>, c.name);
    COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
    std::ofstream ids(tmp / "ids.txt", std::ios::binary);
    for (std::size_t k = 0; k < b.ids.size(); ++k) {
      const std::string id = b.ids[k];
      if (id.find('\n') != std::string::npos) {
        throw usage_error(fmt::format("scenario id '{}' holds a line break, which ids.txt cannot", id));
      }
      ids << id << '\n';
    }
    ids.close();
    if (!ids) throw std::runtime_error(fmt::format("{}: write failed", (tmp / "ids.txt").string()));
    std::filesystem::rename(tmp, dir);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace coopgrid
