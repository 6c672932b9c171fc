// The engine layer (host/engine/): the segmented run with checkpoints that the
// --reduce and analysis drivers share, the sensitivity methods' one list
// (host/analysis/method.hpp), and the layering: commands, MPI and Python call
// the engine, never each other.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "host/analysis/analysis_view.hpp"
#include "host/analysis/method.hpp"
#include "host/engine/segments.hpp"

namespace coopgrid {
namespace {

struct segment_log {
  std::vector<std::pair<index_t, index_t>> steps;  ///< (lo, count)
  std::vector<index_t> writes;                     ///< the end each write saw
};

segment_log segments_of(index_t first, index_t end, index_t segment, const checkpoint_policy& cp, bool write_last) {
  segment_log log;
  index_t done = first;
  run_segments(
      first, end, segment, cp, write_last,
      [&](index_t lo, index_t count) {
        log.steps.emplace_back(lo, count);
        done = lo + count;
      },
      [&](index_t at) {
        EXPECT_EQ(at, done);  // write() sees the state after step()
        log.writes.push_back(at);
      });
  return log;
}

TEST(Segments, CoverTheRangeInOrderWithAShortLastSegment) {
  const auto log = segments_of(3, 25, 10, {}, true);
  const std::vector<std::pair<index_t, index_t>> want = {{3, 10}, {13, 10}, {23, 2}};
  EXPECT_EQ(log.steps, want);
  EXPECT_TRUE(log.writes.empty());  // no checkpoint path: never written
  EXPECT_TRUE(segments_of(7, 7, 10, {"cp", 0}, true).steps.empty());
}

TEST(Segments, WriteEverySegmentAtIntervalZero) {
  const auto log = segments_of(0, 25, 10, {"cp", 0}, false);
  EXPECT_EQ(log.writes, (std::vector<index_t>{10, 20, 25}));
}

TEST(Segments, WriteTheLastSegmentOnlyWhenAskedBeforeTheInterval) {
  EXPECT_EQ(segments_of(0, 25, 10, {"cp", 1e9}, true).writes, (std::vector<index_t>{25}));
  EXPECT_TRUE(segments_of(0, 25, 10, {"cp", 1e9}, false).writes.empty());
}

TEST(Segments, CheckpointFingerprintNamesTheShard) {
  const std::uint64_t fp = 0x0123456789abcdefULL;
  // The formula the checkpoints on disk were written with: it must not change.
  EXPECT_EQ(shard_checkpoint_fingerprint(fp, 5, 9), fp ^ (5ULL * 0x9e3779b97f4a7c15ULL) ^ 9ULL);
  EXPECT_NE(shard_checkpoint_fingerprint(fp, 0, 2), shard_checkpoint_fingerprint(fp, 1, 2));
}

TEST(Methods, OneListFindsEveryModuleByKindAndName) {
  const auto& all = analysis_methods();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_STREQ(all[0]->name(), "sobol");  // the order `coopgrid --help` lists them in
  EXPECT_STREQ(all[1]->name(), "morris");
  std::set<std::string> names;
  for (const auto* m : all) {
    EXPECT_TRUE(names.insert(m->name()).second) << m->name();
    EXPECT_EQ(&method_of(m->kind()), m);
    EXPECT_EQ(find_method(m->name()), m);
    EXPECT_STREQ(analysis_name(m->kind()), m->name());
    EXPECT_EQ(analysis_design(m->kind()), m->design());
    const auto flags = m->design_flags();
    ASSERT_FALSE(flags.empty());
    EXPECT_EQ(flags[0].field, design_field::n);  // the size first
    EXPECT_STREQ(flags[0].flag, m->size_option());
  }
  EXPECT_EQ(find_method("prim"), nullptr);
  EXPECT_EQ(find_method("saltelli"), nullptr);  // a design, not a method
}

TEST(Methods, EachOwnsItsDesignAndIndices) {
  EXPECT_EQ(method_of(analysis::analysis_kind::sobol).design(), design::design_kind::saltelli);
  EXPECT_EQ(method_of(analysis::analysis_kind::morris).design(), design::design_kind::morris);
  metric_indices s, m;
  method_of(analysis::analysis_kind::sobol).fill_nan(s, 3, true);
  method_of(analysis::analysis_kind::morris).fill_nan(m, 3, true);
  EXPECT_EQ(s.S2.size(), 3u);  // pairs of 3
  EXPECT_TRUE(s.mu.empty());
  EXPECT_EQ(m.mu_star.size(), 3u);
  EXPECT_TRUE(m.S1.empty());
}

// ---- Layering ----

const std::filesystem::path& source_root() {
  static const auto root = std::filesystem::path(COOPGRID_DATA_DIR).parent_path();
  return root;
}

/// The project headers `file` includes.
std::vector<std::string> includes_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  static const std::regex include_re("#include \"([^\"]+)\"");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), include_re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

std::vector<std::filesystem::path> files_under(const char* dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(source_root() / dir)) out.push_back(e.path());
  return out;
}

bool is_command_header(const std::string& inc) { return inc.rfind("host/commands/", 0) == 0; }

TEST(Layering, EngineAndPythonIncludeNoCommand) {
  auto files = files_under("host/engine");
  for (const auto& f : files_under("python/src")) files.push_back(f);
  ASSERT_GT(files.size(), 4u);
  for (const auto& f : files) {
    for (const auto& inc : includes_of(f)) EXPECT_FALSE(is_command_header(inc)) << f << " includes " << inc;
  }
}

TEST(Layering, CommandsAndMpiCallNoOtherCommand) {
  for (const auto& f : files_under("host/commands")) {
    const auto own = f.stem().string();
    for (const auto& inc : includes_of(f)) {
      if (!is_command_header(inc)) continue;
      const auto stem = std::filesystem::path(inc).stem().string();
      // A file's own header; run.cpp writes the --reduce report through run_reduce.hpp, `run`'s other half.
      const bool allowed = stem == own || (own == "run" && stem == "run_reduce");
      EXPECT_TRUE(allowed) << f << " includes " << inc;
    }
  }
}

}  // namespace
}  // namespace coopgrid
