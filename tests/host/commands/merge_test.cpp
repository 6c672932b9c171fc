// `coopgrid merge`, `validate` and `convert`: their options and the inputs they refuse.
#include "host/commands/convert.hpp"
#include "host/commands/merge.hpp"
#include "host/commands/validate.hpp"
#include "tests/support/expect_usage_error.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

TEST(MergeOptions, NeedFiles) {
  merge_options o;
  test::expect_refused(o, "merge: no files given");
  o.files = {"a.json"};
  EXPECT_NO_THROW(o.validate());
}

TEST(MergeCommand, RefusesMixedCsvAndJson) {
  test::temp_dir d;
  test::write_file(d / "a.csv", "scenario,datasets_total\n0,1\n");
  test::write_file(d / "b.csv", "scenario,shared_expected\n1,2\n");
  test::write_file(d / "c.json", "{\n}\n");
  const auto a = (d / "a.csv").string(), b = (d / "b.csv").string(), c = (d / "c.json").string();
  test::expect_usage_error([&] { merge_command({{a, b}, "", (d / "x.csv").string(), ""}); },
                           "merge: " + b + " does not start with the CSV header of " + a);
  test::expect_usage_error([&] { merge_command({{a, c}, "", (d / "x.csv").string(), ""}); },
                           "merge: " + c + " does not start with the CSV header of " + a);
  EXPECT_FALSE(std::filesystem::exists(d / "x.csv"));
}

TEST(ValidateOptions, NeedAnInput) {
  validate_options o;
  test::expect_refused(o, "validate: INPUT is required");
  o.input = "in.toml";
  EXPECT_NO_THROW(o.validate());
}

TEST(ConvertOptions, NeedBothDirectories) {
  convert_options o;
  o.input = "csv";
  test::expect_refused(o, "convert: INPUT and OUTPUT are required");
  o = {};
  o.output = "bin";
  test::expect_refused(o, "convert: INPUT and OUTPUT are required");
  o.input = "csv";
  EXPECT_NO_THROW(o.validate());
}

TEST(ConvertCommand, RefusesAGrid) {
  test::temp_dir d;
  test::expect_usage_error(
      [&] { convert_command({test::data_dir() + "/grid_small.toml", (d / "bin").string()}); },
      "convert: the input is a grid; grids need no conversion");
  EXPECT_FALSE(std::filesystem::exists(d / "bin"));
}

}  // namespace
}  // namespace coopgrid
