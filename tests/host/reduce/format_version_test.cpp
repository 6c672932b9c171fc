// Checkpoints and merge states carry their format version and metric count:
// a file written by a build with another version or another number of
// metrics is refused as "written by another version of coopgrid" (exit 2),
// not read with shifted columns and not called damaged.
#include <sys/wait.h>

#include <regex>

#include "host/engine/run_options.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/reduce/merge_state.hpp"
#include "host/reduce/report.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "host/reduce/fingerprint.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

constexpr const char* other_version = "written by another version of coopgrid";

/// The message of the exception E that f throws ("" when it throws nothing or another type).
template <class E, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (...) {
    return "(another exception type)";
  }
  return "(no exception)";
}

/// `text` with its first match of `pattern` replaced (the test fails when there is none).
std::string edit(const std::string& text, const std::string& pattern, const std::string& with) {
  const std::regex re(pattern);
  EXPECT_TRUE(std::regex_search(text, re)) << pattern;
  return std::regex_replace(text, re, with, std::regex_constants::format_first_only);
}

const std::string metrics_line = "metrics " + std::to_string(num_metrics) + "\n";
const std::string fewer_metrics = "metrics " + std::to_string(num_metrics - 1) + "\n";

TEST(FormatVersion, CheckpointOfAnotherVersionIsRefused) {
  test::temp_dir d;
  const auto path = (d / "state.ckpt").string();
  reduce_spec spec;
  reduce_state state(spec);
  state.scenarios = 7;
  write_checkpoint(path, 0x1234, 7, state);
  const std::string text = test::read_file(path);
  ASSERT_EQ(text.find("coopgrid-checkpoint 5\n" + metrics_line), 0u) << text;
  reduce_state back;
  EXPECT_EQ(read_checkpoint(path, 0x1234, spec, back), 7);
  EXPECT_EQ(back.scenarios, 7);

  auto read = [&](const std::string& t) {
    test::write_file(path, t);
    return [&] { read_checkpoint(path, 0x1234, spec, back); };
  };
  // An older format version (checkpoint 2 had no metrics line), or another metric count.
  const auto old_version = read(edit(text, "coopgrid-checkpoint 5\nmetrics [0-9]+\n", "coopgrid-checkpoint 2\n"));
  EXPECT_NE(message_of<usage_error>(old_version).find(other_version), std::string::npos)
      << message_of<usage_error>(old_version);
  const auto other_count = read(edit(text, metrics_line, fewer_metrics));
  const auto m = message_of<usage_error>(other_count);
  EXPECT_NE(m.find(other_version), std::string::npos) << m;
  EXPECT_NE(m.find(std::to_string(num_metrics - 1) + " metrics"), std::string::npos) << m;
  // A build keeping another number of power sums per metric (kernels/statistics.hpp's num_moments).
  const std::string moments = " " + std::to_string(num_moments) + " 0";  // after argmax: the count, then sum 0
  ASSERT_NE(text.find(moments), std::string::npos) << text;
  const auto more = read(edit(text, moments, " " + std::to_string(num_moments + 1) + " 0 0"));
  const auto mm = message_of<usage_error>(more);
  EXPECT_NE(mm.find(other_version), std::string::npos) << mm;
  EXPECT_NE(mm.find(std::to_string(num_moments + 1) + " power sums"), std::string::npos) << mm;
  // Not a checkpoint at all, and a damaged one, stay input errors.
  EXPECT_NE(message_of<input_error>(read("hello\n")).find("not a coopgrid checkpoint"), std::string::npos);
  EXPECT_NE(message_of<input_error>(read(edit(text, metrics_line, "metrix\n"))).find("damaged"), std::string::npos);
}

TEST(FormatVersion, MergeStateOfAnotherVersionIsRefused) {
  test::temp_dir d;
  auto coopgrid = [&](const std::string& args) {
    const std::string cmd = "'" + test::binary_path() + "' " + args + " 2>'" + (d / "err.txt").string() + "'";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const auto a = (d / "a.json").string();
  ASSERT_EQ(coopgrid("run '" + test::data_dir() + "/cases' --backend cpu --reduce -o '" + a + "'"), 0)
      << test::read_file(d / "err.txt");
  const std::string json = test::read_file(a);
  const std::string state = extract_merge_state(json, "a.json");
  ASSERT_EQ(state.find("coopgrid-merge-state 5\n" + metrics_line), 0u) << state;
  EXPECT_NO_THROW(parse_merge_state(state, "a.json"));

  auto parse = [&](const std::string& t) { return [t] { parse_merge_state(t, "a.json"); }; };
  for (const auto& bad : {edit(state, "coopgrid-merge-state 5\nmetrics [0-9]+\n", "coopgrid-merge-state 1\n"),
                          edit(state, metrics_line, fewer_metrics)}) {
    const auto m = message_of<usage_error>(parse(bad));
    EXPECT_NE(m.find(other_version), std::string::npos) << m;
    EXPECT_EQ(m.find("damaged"), std::string::npos) << m;
  }
  EXPECT_NE(message_of<input_error>(parse("hello\n")).find("not a coopgrid merge state"), std::string::npos);

  // Through the binary: `coopgrid merge` exits 2 with the one-line message.
  const auto old = d / "old.json";
  test::write_file(old, edit(json, "coopgrid-merge-state 5\\\\nmetrics [0-9]+\\\\n", "coopgrid-merge-state 1\\n"));
  EXPECT_EQ(coopgrid("merge '" + old.string() + "' -o '" + (d / "merged.json").string() + "'"), 2);
  const auto msg = test::read_file(d / "err.txt");
  EXPECT_NE(msg.find("old.json: " + std::string(other_version)), std::string::npos) << msg;
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 1) << msg;
  EXPECT_FALSE(std::filesystem::exists(d / "merged.json"));
}

// Reports of earlier versions merge with this one's only if the fingerprints of the same input
// and run are the same numbers: these are what 0.1.0 wrote into merge_state until 2026-12-06
// (`run INPUT --reduce`, cpu, f64), when both hashes came to be made in one read of the input.
// (Inputs with a column of 1 MiB or more hash differently from that day: block digests.)
TEST(Fingerprints, SameNumbersAsEarlierVersions) {
  struct pinned {
    const char* input;
    std::uint64_t run, input_only;
  };
  for (const auto& p : {pinned{"grid_small.toml", 0x08901def23a7e170ULL, 0x0b06ac37dbaec459ULL},
                        pinned{"varied", 0xcdcf0fafcfe42dc6ULL, 0x2b2a4a2434f2c54dULL}}) {
    const source src = load_source(test::data_dir() + "/" + p.input);
    const reduce_spec spec = run_options{}.spec();
    const auto [run, input] = run_and_input_fingerprints(src, "cpu", precision::f64, spec);
    EXPECT_EQ(run, p.run) << p.input;
    EXPECT_EQ(input, p.input_only) << p.input;
    EXPECT_EQ(input_fingerprint(src), p.input_only) << p.input;
    EXPECT_EQ(run_fingerprint(src, "cpu", precision::f64, spec), p.run) << p.input;
  }
}

// A column of a MiB or more hashes as the digests of its MiB blocks, made on every thread: one
// value changed in the first block, a middle one or the partial last one changes the
// fingerprint, and the same numbers give the same fingerprint again (whatever the schedule).
TEST(Fingerprints, LargeColumnsSeeEveryBlock) {
  auto specs = test::random_specs(60000, 12, 12);  // ~3 MiB of countries' datasets
  const auto base = input_fingerprint(test::batch_source(specs));
  ASSERT_GT(test::batch_of(test::batch_source(specs)).columns.datasets.size() * sizeof(double),
            std::size_t{2} << 20);
  EXPECT_EQ(input_fingerprint(test::batch_source(specs)), base);
  std::size_t with_countries = 0;
  for (const auto& sp : specs) with_countries += sp.countries.empty() ? 0 : 1;
  ASSERT_GT(with_countries, 100u);
  for (const double where : {0.0, 0.5, 1.0}) {
    std::size_t k = static_cast<std::size_t>(where * static_cast<double>(specs.size() - 1));
    while (specs[k].countries.empty()) k = where < 1.0 ? k + 1 : k - 1;
    const double old = specs[k].countries[0].first;
    specs[k].countries[0].first = std::nextafter(old, 2 * old + 1);
    EXPECT_NE(input_fingerprint(test::batch_source(specs)), base) << "scenario " << k;
    specs[k].countries[0].first = old;
  }
  EXPECT_EQ(input_fingerprint(test::batch_source(specs)), base);
}

}  // namespace
}  // namespace coopgrid
