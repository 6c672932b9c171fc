// Command-line errors in one voice (cli/parse_error.hpp): `coopgrid: error:`, the subcommand,
// the nearest flag, subcommand or metric, exit 2; --help still exits 0.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/cli_runner.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::run_cli;

using test::data;

/// The one line a refused command writes, which must start in coopgrid's voice.
std::string refusal(const std::string& args) {
  const auto r = run_cli(args);
  EXPECT_EQ(r.code, 2) << args;
  EXPECT_TRUE(r.out.empty()) << args;
  EXPECT_EQ(r.err.rfind("coopgrid: error: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  return r.err;
}

TEST(CliErrors, UnknownFlagSuggestsTheNearest) {
  EXPECT_EQ(refusal("run " + data + "/grid_small.toml --reduc"),
            "coopgrid: error: run: The following argument was not expected: --reduc (did you mean --reduce?) "
            "(see 'coopgrid run --help')\n");
  EXPECT_NE(refusal("sobol " + data + "/problem_sharing.toml --n 8 --bootstrp 3").find("did you mean --bootstrap?"),
            std::string::npos);
  // Nothing near: no suggestion.
  EXPECT_EQ(refusal("run " + data + "/grid_small.toml --zzzzzzzz").find("did you mean"), std::string::npos);
}

TEST(CliErrors, UnknownSubcommandSuggestsTheNearest) {
  EXPECT_EQ(refusal("Run data/grid_small.toml"),
            "coopgrid: error: unknown subcommand 'Run' (did you mean run?) (see 'coopgrid --help')\n");
  EXPECT_EQ(refusal("smaple"), "coopgrid: error: unknown subcommand 'smaple' (did you mean sample?) "
                               "(see 'coopgrid --help')\n");
  EXPECT_NE(refusal("").find("A subcommand is required"), std::string::npos);
}

TEST(CliErrors, MissingArgumentsAndBadValuesNameTheSubcommand) {
  EXPECT_EQ(refusal("run"), "coopgrid: error: run: INPUT is required (see 'coopgrid run --help')\n");
  EXPECT_NE(refusal("run " + data + "/grid_small.toml --reduce --where 'shared_expectd >= 1'")
                .find("unknown metric 'shared_expectd' (did you mean 'shared_expected'?)"),
            std::string::npos);
}

TEST(CliErrors, HelpAndVersionStillExitZero) {
  EXPECT_EQ(run_cli("run --help").code, 0);
  EXPECT_EQ(run_cli("--version").code, 0);
}

}  // namespace
}  // namespace coopgrid
