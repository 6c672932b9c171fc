// Output targets that are not plain file names: a symbolic link is written through (its target
// replaced, the link kept), a device or FIFO straight to, never renamed over.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "host/io/output_file.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

namespace fs = std::filesystem;

void write_all(const fs::path& p, const std::string& text) {
  output_file out(p.string());
  out.write(text);
  out.commit();
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(OutputTargets, SymlinkWritesItsTargetAndStays) {
  test::temp_dir d;
  test::write_file(d / "sub/target.json", "old");
  fs::create_symlink("sub/target.json", d / "link.json");  // relative: to the link's folder
  write_all(d / "link.json", "new");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "link.json")));
  EXPECT_EQ(test::read_file(d / "sub/target.json"), "new");
  EXPECT_EQ(entries(d / "sub"), 1u);  // no temporary file left beside the target
}

TEST(OutputTargets, ChainOfLinksAndDanglingLink) {
  test::temp_dir d;
  fs::create_symlink(d / "missing.json", d / "dangling.json");
  fs::create_symlink("dangling.json", d / "chain.json");
  write_all(d / "chain.json", "x");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "chain.json")));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "dangling.json")));
  EXPECT_EQ(test::read_file(d / "missing.json"), "x");
}

TEST(OutputTargets, SymlinkLoopIsReported) {
  test::temp_dir d;
  fs::create_symlink("b", d / "a");
  fs::create_symlink("a", d / "b");
  EXPECT_THROW(output_file((d / "a").string()), std::runtime_error);
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "a")));
}

TEST(OutputTargets, AbandonedWriteThroughLinkLeavesTheTarget) {
  test::temp_dir d;
  test::write_file(d / "target.json", "old");
  fs::create_symlink("target.json", d / "link.json");
  {
    output_file out((d / "link.json").string());
    out.write("partial");
  }
  EXPECT_EQ(test::read_file(d / "target.json"), "old");
  EXPECT_EQ(entries(d.path()), 2u);
}

TEST(OutputTargets, FifoIsWrittenStraightTo) {
  test::temp_dir d;
  const auto fifo = d / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = test::read_file(fifo); });
  write_all(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(got, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(entries(d.path()), 1u);
}

/// A character device node of our own in a temp dir (root only): a regression then replaces
/// this node, never the system's /dev/null or /dev/full (the tests never write those).
using test::make_char_device;

TEST(OutputTargets, FullDeviceReportsTheWriteErrorAndStays) {
  test::temp_dir d;
  const auto full = d / "full";
  if (!make_char_device(full, 1, 7)) GTEST_SKIP() << "mknod needs root";
  try {
    write_all(full, std::string(1 << 16, 'x'));
    ADD_FAILURE() << "writing to a full device succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_character_file(full));
  EXPECT_EQ(entries(d.path()), 1u);
}

TEST(OutputTargets, NullDeviceAndALinkToItAreWrittenStraightTo) {
  test::temp_dir d;
  if (!make_char_device(d / "null", 1, 3)) GTEST_SKIP() << "mknod needs root";
  fs::create_symlink("null", d / "link");
  write_all(d / "null", "discarded");
  write_all(d / "link", "discarded");
  EXPECT_TRUE(fs::is_character_file(d / "null"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(d / "link")));
}

TEST(OutputTargets, DirectoryIsRefused) {
  test::temp_dir d;
  fs::create_symlink(d.path(), d / "link_to_dir");
  EXPECT_THROW(output_file(d.path().string()), std::runtime_error);
  EXPECT_THROW(output_file((d / "link_to_dir").string()), std::runtime_error);
}

}  // namespace
}  // namespace coopgrid
