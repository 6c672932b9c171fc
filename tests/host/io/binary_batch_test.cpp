// The binary batch format: round trip through `convert`, and bad files.
#include "host/io/csv_batch.hpp"
#include "host/io/binary_batch.hpp"
#include "host/util/errors.hpp"
#include "host/util/progress.hpp"
#include "host/source/source.hpp"
#include "host/io/load_source.hpp"
#include "tests/support/test_util.hpp"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

namespace coopgrid {
namespace {

TEST(BinaryBatch, RoundTripIsExact) {
  test::temp_dir d;
  test::write_batch_dir(d / "csv", test::random_specs(500, 4));
  const auto csv = read_batch_dir(d / "csv");
  write_binary_batch(csv, d / "bin");
  ASSERT_TRUE(is_binary_batch(d / "bin"));
  const auto src = load_source(d / "bin");
  ASSERT_TRUE(std::holds_alternative<batch>(src.input));
  const auto& bin = std::get<batch>(src.input);
  EXPECT_EQ(bin.ids, csv.ids);
  EXPECT_EQ(bin.columns.activities, csv.columns.activities);
  EXPECT_EQ(bin.columns.countries_per_activity, csv.columns.countries_per_activity);
  EXPECT_EQ(bin.columns.country_offsets, csv.columns.country_offsets);
  EXPECT_EQ(bin.columns.datasets, csv.columns.datasets);
  EXPECT_EQ(bin.columns.country_share_prob, csv.columns.country_share_prob);
  EXPECT_EQ(bin.columns.standard_offsets, csv.columns.standard_offsets);
  EXPECT_EQ(bin.columns.standard_difficulty, csv.columns.standard_difficulty);
  EXPECT_EQ(bin.columns.resource_share_prob, csv.columns.resource_share_prob);
  EXPECT_EQ(bin.columns.ethics_offsets, csv.columns.ethics_offsets);
  EXPECT_EQ(bin.columns.ethics_difficulty, csv.columns.ethics_difficulty);
  EXPECT_THROW(write_binary_batch(csv, d / "bin"), usage_error);  // never overwrites
}

TEST(BinaryBatch, ProgressCountsTheColumnsAndIdsChecked) {
  test::temp_dir d;
  test::write_batch_dir(d / "csv", test::random_specs(70000, 4, 2));  // columns of several parallel chunks
  const auto csv = read_batch_dir(d / "csv");
  write_binary_batch(csv, d / "bin");
  const index_t ids_bytes = static_cast<index_t>(std::filesystem::file_size(d / "bin" / "ids.txt"));
  progress_meter meter(0, false, "bytes");
  const auto bin = read_binary_batch(d / "bin", &meter);
  EXPECT_EQ(meter.done(), static_cast<index_t>(bin.columns.bytes()) + ids_bytes);
  EXPECT_GT(bin.columns.bytes(), 70000u * 8 * 3);
  progress_meter without_ids(0, false, "bytes");
  std::filesystem::remove(d / "bin" / "ids.txt");
  read_binary_batch(d / "bin", &without_ids);
  EXPECT_EQ(without_ids.done(), static_cast<index_t>(bin.columns.bytes()));
}

/// Rewrites one column file of a valid binary batch with a raw .npy body.
void write_npy_raw(const std::filesystem::path& p, const std::string& header, const std::string& body) {
  std::string h = header;
  const std::size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(h.size() & 0xff);
  bytes += static_cast<char>(h.size() >> 8);
  test::write_file(p, bytes + h + body);
}

std::string doubles(std::initializer_list<double> v) {
  return std::string(reinterpret_cast<const char*>(std::data(v)), v.size() * sizeof(double));
}

TEST(BinaryBatch, BadFilesNameTheFileAndRule) {
  test::temp_dir d;
  test::write_batch_dir(d / "csv", test::random_specs(3, 1, 2));
  write_binary_batch(read_batch_dir(d / "csv"), d / "bin");
  const auto act = d / "bin/activities.npy";
  auto expect_error = [&](const std::string& needle) {
    try {
      read_binary_batch(d / "bin");
      FAIL() << "no error, expected " << needle;
    } catch (const input_error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  write_npy_raw(act, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", std::string(12, '\0'));
  expect_error("activities.npy: dtype '<f4' is not <f8");
  write_npy_raw(act, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doubles({1, 2}));
  expect_error("activities.npy: holds 16 bytes of data, the header promises 3 elements");
  write_npy_raw(act, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", doubles({1, 2, 3, 4, 5, 6}));
  expect_error("is not one-dimensional");
  write_npy_raw(act, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doubles({1, -2, 3}));
  expect_error("activities.npy[1]: value -2 is negative");
  write_npy_raw(act, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", doubles({1, 2}));
  expect_error("countries_per_activity.npy: expected 2 values as in activities.npy");
  test::write_file(act, "not numpy at all");
  expect_error("activities.npy: not a NumPy .npy file");
  write_npy_raw(act, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doubles({1, 2, 3}));
  test::write_file(d / "bin/ids.txt", "a\nb\na\n");
  expect_error("ids.txt:3: id 'a' appears twice (first on line 1)");
  test::write_file(d / "bin/ids.txt", "a\n\nc\n");
  expect_error("ids.txt:2: empty id");
  test::write_file(d / "bin/ids.txt", "a\nb\n");
  expect_error("ids.txt: 2 ids for 3 scenarios");
  test::write_file(d / "bin/ids.txt", "a\r\nb\r\nc\r\n");
  EXPECT_EQ(read_binary_batch(d / "bin").ids, (std::vector<std::string>{"a", "b", "c"}));
  std::filesystem::remove(d / "bin/datasets.npy");
  expect_error("datasets.npy: file not found");
}

/// The file whose mapping holds address p in this process (/proc/self/maps), or "" when p is not file-mapped.
std::string mapped_file_of(const void* p) {
  std::ifstream maps("/proc/self/maps");
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  for (std::string line; std::getline(maps, line);) {
    std::uintptr_t lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi) != 2 || at < lo || at >= hi) continue;
    const auto slash = line.find('/');
    return slash == std::string::npos ? std::string() : line.substr(slash);
  }
  return {};
}

TEST(BinaryBatch, ColumnsAreViewsOfTheMappedFiles) {
  test::temp_dir d;
  test::write_batch_dir(d / "csv", test::random_specs(50, 3));
  write_binary_batch(read_batch_dir(d / "csv"), d / "bin");
  const batch b = read_binary_batch(d / "bin");
  const auto& c = b.columns;
  ASSERT_NE(c.storage, nullptr);
  const std::pair<const char*, const void*> columns[] = {
      {"activities.npy", c.activities.data()},
      {"countries_per_activity.npy", c.countries_per_activity.data()},
      {"country_offsets.npy", c.country_offsets.data()},
      {"datasets.npy", c.datasets.data()},
      {"country_share_prob.npy", c.country_share_prob.data()},
      {"standard_offsets.npy", c.standard_offsets.data()},
      {"standard_difficulty.npy", c.standard_difficulty.data()},
      {"resource_offsets.npy", c.resource_offsets.data()},
      {"resource_share_prob.npy", c.resource_share_prob.data()},
      {"ethics_offsets.npy", c.ethics_offsets.data()},
      {"ethics_difficulty.npy", c.ethics_difficulty.data()}};
  for (const auto& [file, data] : columns) {
    const auto mapped = mapped_file_of(data);
    EXPECT_EQ(mapped, (std::filesystem::canonical(d / "bin") / file).string()) << file << " is not read in place";
  }
  // Copies share the mapping; it outlives the batch it was read into.
  batch_columns<double> copy;
  {
    const batch again = read_binary_batch(d / "bin");
    copy = again.columns;
  }
  EXPECT_EQ(copy.datasets, c.datasets);
  EXPECT_NE(mapped_file_of(copy.datasets.data()), "");
}

TEST(BinaryBatch, MisalignedDataIsCopied) {
  test::temp_dir d;
  test::write_batch_dir(d / "csv", test::random_specs(3, 1, 2));
  write_binary_batch(read_batch_dir(d / "csv"), d / "bin");
  // A header whose data starts 4 bytes off an 8-byte boundary (NumPy pads to 64; hand-written files may not).
  std::string h = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  h.append((8 - (10 + h.size() + 1) % 8) % 8 + 4, ' ');
  h += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(h.size() & 0xff);
  bytes += static_cast<char>(h.size() >> 8);
  ASSERT_EQ((bytes.size() + h.size()) % 8, 4u);
  test::write_file(d / "bin/activities.npy", bytes + h + doubles({1.5, 2.5, 3.5}));
  const batch b = read_binary_batch(d / "bin");
  EXPECT_EQ(b.columns.activities, (std::vector<double>{1.5, 2.5, 3.5}));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.columns.activities.data()) % alignof(double), 0u);
  EXPECT_EQ(mapped_file_of(b.columns.activities.data()), "");  // a heap copy
}

/// A valid batch of n scenarios with `per` countries each (several validation chunks when large).
column_vectors<double> wide_columns(std::size_t n, std::size_t per) {
  column_vectors<double> v;
  v.activities.assign(n, 2.0);
  v.countries_per_activity.assign(n, 3);
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t k = 0; k < per; ++k) {
      v.datasets.push_back(static_cast<double>(k));
      v.country_share_prob.push_back(0.5);
    }
    v.country_offsets.push_back(static_cast<index_t>(v.datasets.size()));
    v.standard_difficulty.push_back(1.0);
    v.standard_offsets.push_back(static_cast<index_t>(v.standard_difficulty.size()));
    v.resource_offsets.push_back(0);
    v.ethics_difficulty.push_back(0.25);
    v.ethics_offsets.push_back(static_cast<index_t>(v.ethics_difficulty.size()));
  }
  return v;
}

/// The message validate_columns throws on `threads` threads, or "" when it accepts the columns.
std::string validation_error(column_vectors<double> v, int threads) {
  try {
    validate_columns(batch_columns<double>(std::move(v)), "B", threads);
    return {};
  } catch (const input_error& e) {
    return e.what();
  }
}

TEST(BinaryBatch, ParallelValidationNamesTheLowestFailingElement) {
  const std::size_t n = 100000, per = 4;  // 400000 items: a dozen chunks per item column
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (int threads : {1, 2, 3, 8}) {
    SCOPED_TRACE(threads);
    EXPECT_EQ(validation_error(wide_columns(n, per), threads), "");
    {
      auto v = wide_columns(n, per);  // failures in several chunks, the latest ones first in memory order of discovery
      v.datasets[390001] = -1;
      v.datasets[250000] = nan;
      v.datasets[131073] = inf;
      v.datasets[131074] = -5;
      EXPECT_EQ(validation_error(std::move(v), threads), "B/datasets.npy[131073]: value inf is not finite");
    }
    {
      auto v = wide_columns(n, per);
      v.country_share_prob[399999] = 1.5;
      v.country_share_prob[300000] = -0.5;
      EXPECT_EQ(validation_error(std::move(v), threads),
                "B/country_share_prob.npy[300000]: value -0.5 is negative (must be >= 0)");
      v = wide_columns(n, per);
      v.country_share_prob[399999] = 1.5;
      EXPECT_EQ(validation_error(std::move(v), threads),
                "B/country_share_prob.npy[399999]: value 1.5 is not a probability in [0, 1]");
    }
    {
      auto v = wide_columns(n, per);  // the first check in file order wins over a lower index in a later column
      v.ethics_difficulty[3] = -1;
      v.datasets[99999] = -2;
      EXPECT_EQ(validation_error(std::move(v), threads), "B/datasets.npy[99999]: value -2 is negative (must be >= 0)");
    }
    {
      auto v = wide_columns(n, per);
      v.country_offsets[70001] = v.country_offsets[70000] - 1;
      v.country_offsets[90001] = v.country_offsets[90000] - 1;
      v.country_offsets[40001] = v.country_offsets[40000] - 1;
      EXPECT_EQ(validation_error(std::move(v), threads),
                "B/country_offsets.npy[40001]: value 159999 is below its predecessor");
    }
    {
      auto v = wide_columns(n, per);
      v.countries_per_activity[77777] = -3;
      v.countries_per_activity[66666] = -4;
      v.activities[99998] = -0.0;  // not negative
      EXPECT_EQ(validation_error(std::move(v), threads),
                "B/countries_per_activity.npy[66666]: value -4 is negative (must be >= 0)");
    }
    {
      auto v = wide_columns(n, per);
      v.ethics_offsets.back() = 5;
      EXPECT_EQ(validation_error(std::move(v), threads),
                "B/ethics_offsets.npy: offsets must have 100001 entries from 0 to 100000 (the item count)");
    }
  }
}

}  // namespace
}  // namespace coopgrid
