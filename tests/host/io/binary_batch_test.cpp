// The binary batch format: round trip through `convert`, and bad files.
#include "host/io/csv_batch.hpp"
#include "host/io/binary_batch.hpp"
#include "host/util/errors.hpp"
#include "host/source/source.hpp"
#include "tests/support/test_util.hpp"

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

}  // namespace
}  // namespace coopgrid
