// Output files: complete or absent, never half-written under the final name.
#include <stdexcept>

#include "host/io/format.hpp"
#include "host/io/output_file.hpp"
#include "host/util/progress.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

TEST(OutputFile, RenamedOnlyOnCommit) {
  test::temp_dir d;
  const auto final_path = d / "out.csv";
  {
    output_file out(final_path.string());
    out.write("a,b\n");
    EXPECT_FALSE(std::filesystem::exists(final_path));
    out.commit();
  }
  EXPECT_EQ(test::read_file(final_path), "a,b\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path()), {}), 1);
}

TEST(OutputFile, AbandonedOutputLeavesNothing) {
  test::temp_dir d;
  {
    output_file out((d / "out.csv").string());
    out.write("partial");
  }  // destroyed without commit: a failed run
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path()), {}), 0);
}

TEST(OutputFile, UnwritableDestinationIsReported) {
  EXPECT_THROW(output_file("/nonexistent-dir/out.csv"), std::runtime_error);
}

TEST(Formatting, ShortestRoundTripAndSpecialValues) {
  fmt::memory_buffer b;
  format_number(b, 0.1);
  b.push_back(' ');
  format_number(b, 0.1f);
  b.push_back(' ');
  format_number(b, -std::numeric_limits<double>::infinity());
  b.push_back(' ');
  format_number(b, 1e300);
  EXPECT_EQ(std::string(b.data(), b.size()), "0.1 0.1 -inf 1e+300");
  // Strict JSON: no bare NaN or Infinity; json_not_finite says which value the null stands for.
  EXPECT_EQ(json_number(-INFINITY), "null");
  EXPECT_EQ(json_number(NAN), "null");
  EXPECT_EQ(json_number(0.25), "0.25");
  EXPECT_EQ(json_not_finite({{"min", -INFINITY}, {"max", 2.0}, {"mean", NAN}}),
            ", \"not_finite\": {\"min\": \"-inf\", \"mean\": \"nan\"}");
  EXPECT_EQ(json_not_finite({{"min", 1.0}}), "");
  EXPECT_EQ(json_string("a\"b\n"), "\"a\\\"b\\n\"");
  EXPECT_EQ(csv_field("x,y"), "\"x,y\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("plain"), "plain");
}

}  // namespace
}  // namespace coopgrid
