// A binary batch with a bad value through the binary: `run` checks the values in
// its evaluation pass (one pass over the bytes) and still exits 2 naming the
// first bad value, as `validate` names it, with no output file left behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>

#include "host/io/binary_batch.hpp"
#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::run_cli;

using test::q;

/// d/b: a binary batch of n random scenarios whose activities[k] is overwritten by v in the file.
void write_bad_batch(const test::temp_dir& d, std::size_t n, std::size_t k, double v) {
  write_binary_batch(test::make_batch(test::random_specs(n, 21, 6)), d / "b");
  std::string bytes = test::read_file(d / "b/activities.npy");
  std::memcpy(bytes.data() + bytes.size() - 8 * (n - k), &v, sizeof v);  // the data end the file
  test::write_file(d / "b/activities.npy", bytes);
}

TEST(CliBinaryBatch, RunNamesTheBadValueAsValidateDoesAndWritesNothing) {
  test::temp_dir d;
  const std::size_t n = 150000;  // three reduce units: the bad value in the last chunk
  write_bad_batch(d, n, n - 2, -1.0);
  const std::string line = (d / "b").string() + "/activities.npy[149998]: value -1 is negative (must be >= 0)";
  const auto v = run_cli("validate " + q(d / "b"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find(line), std::string::npos) << v.err;
  for (const std::string& args : {"--reduce -o " + q(d / "out.json"), "-o " + q(d / "out.csv"),
                                 "--reduce --threads 1 -o " + q(d / "out.json"),
                                 "--reduce --backend reference -o " + q(d / "out.json")}) {
    const auto r = run_cli("run " + q(d / "b") + "--no-progress " + args);
    EXPECT_EQ(r.code, 2) << args << r.err;
    EXPECT_NE(r.err.find(line), std::string::npos) << args << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(d.path())) files += e.path().filename() != "b";
    EXPECT_EQ(files, 0) << args << ": an output (or its temporary) was left";
  }
}

}  // namespace
}  // namespace coopgrid
