// Issue 29 through the binary: -o (and every other file a command writes) writes through a
// symbolic link and straight to a device or FIFO, never renaming over them; as root and as
// an ordinary user (nobody, in folders it cannot write).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <thread>

#include "tests/support/cli_runner.hpp"

namespace coopgrid {
namespace {

namespace fs = std::filesystem;
using test::run_cli;

using test::data;
const std::string sample_args = "sample '" + data + "/problem_sharing.toml' --design mc --n 8 --no-progress ";

using test::q;

/// What `sample_args` writes to a regular file: the bytes every other target must get.
std::string expected_sample() {
  test::temp_dir d;
  const auto r = run_cli(sample_args + "-o " + q(d / "plain.txt"));
  EXPECT_EQ(r.code, 0) << r.err;
  return test::read_file(d / "plain.txt");
}

TEST(OutputTargetCli, SymlinkIsWrittenThroughAndKept) {
  test::temp_dir d;
  test::write_file(d / "target", "old");
  fs::create_symlink("target", d / "link.json");
  const auto r = run_cli("sobol '" + data + "/problem_sharing.toml' --n 8 --bootstrap 0 --no-progress -o " +
                         q(d / "link.json"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "link.json")));
  EXPECT_NE(test::read_file(d / "target").find("\"S1\""), std::string::npos);
}

TEST(OutputTargetCli, MarginalCsvCheckpointAndMergeWriteThroughLinks) {
  test::temp_dir d;
  for (const char* name : {"m.csv", "cp", "r.json", "merged.json"}) {
    fs::create_symlink(std::string("real_") + name, d / name);
  }
  const auto r = run_cli("run '" + data + "/grid_small.toml' --reduce --json --no-progress --marginal "
                         "countries.count --marginal-csv " + q(d / "m.csv") + "--checkpoint " + q(d / "cp") +
                         "-o " + q(d / "r.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = run_cli("merge " + q(d / "r.json") + "-o " + q(d / "merged.json"));
  ASSERT_EQ(m.code, 0) << m.err;
  for (const char* name : {"m.csv", "cp", "r.json", "merged.json"}) {
    EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / name))) << name;
    EXPECT_TRUE(fs::is_regular_file(d / (std::string("real_") + name))) << name;
  }
  EXPECT_EQ(test::read_file(d / "real_merged.json"), test::read_file(d / "real_r.json"));
}

/// Calls run() while a thread reads the FIFO `fifo`; returns what the thread read.
template <class Run>
std::string read_fifo_while(const fs::path& fifo, Run run) {
  std::string got;
  std::thread reader([&] { got = test::read_file(fifo); });
  run();
  // A run that failed before opening the FIFO leaves the reader waiting: a writer's open releases it.
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) ::close(fd);
  reader.join();
  return got;
}

TEST(OutputTargetCli, FifoIsWrittenStraightTo) {
  test::temp_dir d;
  ASSERT_EQ(::mkfifo((d / "pipe").c_str(), 0666), 0);
  test::cli_result r{};
  const auto got = read_fifo_while(d / "pipe", [&] { r = run_cli(sample_args + "-o " + q(d / "pipe")); });
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(got, expected_sample());
  EXPECT_TRUE(fs::is_fifo(d / "pipe"));
}

/// A device node of our own (root only): a regression replaces it, never the system's /dev/null
/// or /dev/full (these tests never write those).
using test::make_char_device;

TEST(OutputTargetCli, FullDeviceExitsOneAndStaysADevice) {
  test::temp_dir d;
  if (!make_char_device(d / "full", 1, 7)) GTEST_SKIP() << "mknod needs root";
  const auto r = run_cli(sample_args + "-o " + q(d / "full"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("coopgrid: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_character_file(d / "full"));
}

TEST(OutputTargetCli, NullDeviceAndALinkToItStay) {
  test::temp_dir d;
  if (!make_char_device(d / "null", 1, 3)) GTEST_SKIP() << "mknod needs root";
  fs::create_symlink("null", d / "link");
  for (const char* name : {"null", "link"}) {
    const auto r = run_cli(sample_args + "-o " + q(d / name));
    EXPECT_EQ(r.code, 0) << r.err;
  }
  EXPECT_TRUE(fs::is_character_file(d / "null"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "link")));
}

// ---- As an ordinary user ----

/// The shell text that runs the binary as nobody, or "" where that is impossible (not root, no setpriv).
std::string as_nobody() {
  const char* probe = "setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null";
  if (::geteuid() != 0 || std::system(probe) != 0) {
    return "";
  }
  return "setpriv --reuid=nobody --regid=nogroup --clear-groups ";
}

/// `coopgrid ARGS` run as nobody (the temp dirs are root's 0755: nobody cannot write in them).
test::cli_result run_as_nobody(const std::string& args) {
  test::temp_dir d;
  test::write_file(d / "cmd.sh", "exec " + as_nobody() + "'" + test::binary_path() + "' " + args + " >" +
                                     q(d / "out") + "2>" + q(d / "err") + "\n");
  const int status = std::system(("bash " + q(d / "cmd.sh")).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, test::read_file(d / "out"), test::read_file(d / "err")};
}

TEST(OutputTargetCli, OrdinaryUserWritesThroughWhatItMayWrite) {
  if (as_nobody().empty()) GTEST_SKIP() << "needs root and setpriv to run as nobody";
  test::temp_dir d;
  fs::permissions(d.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);  // root's: nobody cannot write
  fs::create_directory(d / "open");
  fs::permissions(d / "open", fs::perms::all);
  fs::create_symlink("open/target", d / "link");
  const auto r = run_as_nobody(sample_args + "-o " + q(d / "link"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::read_file(d / "open/target"), expected_sample());
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "link")));

  // A device in a folder nobody cannot write, as /dev/null is (our own node: /dev/null stays untouched).
  ASSERT_TRUE(make_char_device(d / "null", 1, 3));
  const auto null = run_as_nobody(sample_args + "-o " + q(d / "null"));
  EXPECT_EQ(null.code, 0) << null.err;
  EXPECT_TRUE(fs::is_character_file(d / "null"));

  const auto denied = run_as_nobody(sample_args + "-o " + q(d / "plain.txt"));
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("Permission denied"), std::string::npos) << denied.err;
  EXPECT_FALSE(fs::exists(d / "plain.txt"));
}

TEST(OutputTargetCli, OrdinaryUserWritesAFifoInAFolderItCannotWrite) {
  if (as_nobody().empty()) GTEST_SKIP() << "needs root and setpriv to run as nobody";
  test::temp_dir d;
  ASSERT_EQ(::mkfifo((d / "pipe").c_str(), 0666), 0);
  ASSERT_EQ(::chmod((d / "pipe").c_str(), 0666), 0);  // past the umask
  test::cli_result r{};
  const auto got = read_fifo_while(d / "pipe", [&] { r = run_as_nobody(sample_args + "-o " + q(d / "pipe")); });
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(got, expected_sample());
  EXPECT_TRUE(fs::is_fifo(d / "pipe"));
}

}  // namespace
}  // namespace coopgrid
