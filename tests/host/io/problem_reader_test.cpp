// Problem files (DESIGNS.md section 1): every distribution, groups, fixed
// values, the item-field rule, SALib's text format with --fixed, the data/
// examples, and each kind of bad input with file, line and rule in its message.
#include "host/io/problem_reader.hpp"

#include "host/io/grid_reader.hpp"
#include "host/util/errors.hpp"
#include "tests/support/bad_inputs.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using design::distribution_kind;

const problem_parameter& parameter_of(const problem& p, int f) {
  for (const auto& q : p.parameters) {
    if (q.field == f) return q;
  }
  throw std::runtime_error(std::string("not varied: ") + grid_field_names[f]);
}

/// The message of the input_error that `f` throws ("" when none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

TEST(ProblemToml, EveryDistribution) {
  const problem p = parse_problem(R"(
[countries]
count = { integers = [1, 30] }
datasets = { loguniform = [10, 1000] }
share_prob = { uniform = [0.2, 0.9] }
[standards]
count = { choice = [0, 2, 5] }
difficulty = { triangular = [0.1, 0.5, 2] }
[exchange]
activities = { lognormal = [2.3, 0.5] }
countries_per_activity = 4
[resources]
count = 3
share_prob = { truncnormal = [0.6, 0.15, 0, 1] }
[ethics]
count = 2
difficulty = { choice = [0.5, 1.25] }
)", "p.toml");
  EXPECT_EQ(p.source, "p.toml");
  ASSERT_EQ(p.num_parameters(), 8);
  EXPECT_FALSE(p.has_groups);
  // The file's order (here also the fields').
  const int order[] = {countries_count,      countries_datasets,  countries_share_prob, standards_count,
                       standards_difficulty, exchange_activities, resources_share_prob, ethics_difficulty};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(p.parameters[i].field, order[i]) << i;

  const auto& n = parameter_of(p, countries_count).dist;
  EXPECT_EQ(n.kind, distribution_kind::integers);
  EXPECT_EQ(n.i0, 1);
  EXPECT_EQ(n.i1, 30);
  const auto& d = parameter_of(p, countries_datasets).dist;
  EXPECT_EQ(d.kind, distribution_kind::loguniform);
  EXPECT_EQ(d.x0, 10);
  EXPECT_EQ(d.x1, 1000);
  EXPECT_EQ(d.c0, 100);
  const auto& q = parameter_of(p, countries_share_prob);
  EXPECT_EQ(q.dist.kind, distribution_kind::uniform);
  EXPECT_EQ(q.dist.x0, 0.2);
  EXPECT_EQ(q.dist.x1, 0.9);
  EXPECT_EQ(q.text, "uniform [0.2, 0.9]");
  EXPECT_EQ(q.group, "countries.share_prob");  // no group: the field's own
  const auto& m = parameter_of(p, standards_count);
  EXPECT_EQ(m.dist.kind, distribution_kind::choice);
  EXPECT_EQ(m.dist.i0, 3);
  EXPECT_EQ(m.choices, (std::vector<double>{0, 2, 5}));
  EXPECT_EQ(m.text, "choice [0, 2, 5]");
  const auto& c = parameter_of(p, standards_difficulty).dist;
  EXPECT_EQ(c.kind, distribution_kind::triangular);
  EXPECT_EQ(c.x0, 0.1);
  EXPECT_EQ(c.x1, 0.5);
  EXPECT_EQ(c.x2, 2);
  EXPECT_DOUBLE_EQ(c.c0, 0.4 / 1.9);
  const auto& t = parameter_of(p, exchange_activities).dist;
  EXPECT_EQ(t.kind, distribution_kind::lognormal);
  EXPECT_EQ(t.x0, 2.3);
  EXPECT_EQ(t.x1, 0.5);
  const auto& r = parameter_of(p, resources_share_prob);
  EXPECT_EQ(r.dist.kind, distribution_kind::truncnormal);
  EXPECT_EQ(r.dist.x0, 0.6);
  EXPECT_EQ(r.dist.x1, 0.15);
  EXPECT_EQ(r.dist.x2, 0);
  EXPECT_EQ(r.dist.x3, 1);
  EXPECT_EQ(r.text, "truncnormal [0.6, 0.15, 0, 1]");
  EXPECT_EQ(parameter_of(p, ethics_difficulty).choices, (std::vector<double>{0.5, 1.25}));
  EXPECT_EQ(parameter_of(p, countries_count).text, "integers [1, 30]");

  // Fixed values; absent fields are 0.
  EXPECT_EQ(p.ints[exchange_countries_per_activity], 4);
  EXPECT_EQ(p.ints[resources_count], 3);
  EXPECT_EQ(p.ints[ethics_count], 2);
  EXPECT_TRUE(p.given[resources_count]);
  EXPECT_TRUE(p.given[countries_datasets]);
}

TEST(ProblemToml, NormalAndHalfBoundedTruncnormalWhereTheDomainAllows) {
  // Every field's domain excludes negatives, so `normal` never fits; truncnormal with hi = inf does.
  const problem p = parse_problem("[exchange]\nactivities = { truncnormal = [10, 5, 0, inf] }\n", "p.toml");
  const auto& t = parameter_of(p, exchange_activities).dist;
  EXPECT_EQ(t.kind, distribution_kind::truncnormal);
  EXPECT_EQ(t.x3, HUGE_VAL);
  EXPECT_EQ(parameter_of(p, exchange_activities).text, "truncnormal [10, 5, 0, inf]");
  // Real fields take integers and choice too, their values checked as scalars.
  const problem q = parse_problem("[resources]\ncount = 1\nshare_prob = { integers = [0, 1] }\n", "q.toml");
  EXPECT_EQ(parameter_of(q, resources_share_prob).dist.kind, distribution_kind::integers);
}

TEST(ProblemToml, Groups) {
  const problem p = parse_problem(R"(
[countries]
count = 10
datasets = { uniform = [1, 2] }
share_prob = { uniform = [0, 1], group = "sharing" }
[resources]
count = 2
share_prob = { uniform = [0.1, 0.3], group = 'sharing' }
)", "g.toml");
  EXPECT_TRUE(p.has_groups);
  EXPECT_EQ(parameter_of(p, countries_share_prob).group, "sharing");
  EXPECT_EQ(parameter_of(p, resources_share_prob).group, "sharing");
  EXPECT_EQ(parameter_of(p, countries_datasets).group, "countries.datasets");
  EXPECT_EQ(parameter_of(p, countries_share_prob).text, "uniform [0, 1] group sharing");
  const std::string d = describe_problem(p);
  EXPECT_NE(d.find("problem g.toml: 3 parameters (2 groups)\n"), std::string::npos) << d;
  EXPECT_NE(d.find("countries.datasets                 uniform [1, 2] group countries.datasets\n"),
            std::string::npos) << d;
  EXPECT_NE(d.find("resources.share_prob               uniform [0.1, 0.3] group sharing\n"), std::string::npos) << d;
  EXPECT_NE(d.find("fixed:\n"), std::string::npos) << d;
  EXPECT_NE(d.find("  countries.count                    = 10\n"), std::string::npos) << d;
  EXPECT_NE(d.find("  ethics.difficulty                  = 0\n"), std::string::npos) << d;
  EXPECT_EQ(d.find("countries.share_prob               ="), std::string::npos) << "varied, not fixed: " << d;
}

TEST(ProblemToml, ItemFieldsRequiredOnlyWhereTheCountCanBePositive) {
  // A count that is always 0 needs no items; one that can be > 0 does (a varied count: its max).
  EXPECT_NO_THROW(parse_problem("[standards]\ncount = { choice = [0] }\n[exchange]\nactivities = { uniform = [0, 1] }\n",
                                "a.toml"));
  EXPECT_NO_THROW(parse_problem("[standards]\ncount = { integers = [0, 0] }\n", "b.toml"));
  EXPECT_NE(error_of([] { parse_problem("[standards]\ncount = { integers = [0, 1] }\n", "c.toml"); })
                .find("c.toml: standards.difficulty: missing, but standards.count can be > 0"),
            std::string::npos);
  // A varied item field counts as given.
  const problem p = parse_problem("[ethics]\ncount = 4\ndifficulty = { uniform = [0, 2] }\n", "d.toml");
  EXPECT_EQ(p.ints[ethics_count], 4);
}

TEST(ProblemToml, ExactIntegers) {
  const problem p = parse_problem("[standards]\ncount = { integers = [9007199254740993, 9007199254740995] }\n"
                                  "difficulty = 1\n[ethics]\ncount = 9007199254740993\ndifficulty = 1\n", "big.toml");
  EXPECT_EQ(parameter_of(p, standards_count).dist.i0, 9007199254740993);
  EXPECT_EQ(p.ints[ethics_count], 9007199254740993);
}

TEST(TomlSource, OneParseDecidesGridOrProblem) {
  const auto g = parse_toml_source("[exchange]\nactivities = { values = [1, 2] }\n", "g.toml");
  ASSERT_TRUE(std::holds_alternative<grid>(g));
  EXPECT_EQ(std::get<grid>(g).num_scenarios, 2);
  const auto s = parse_toml_source("[exchange]\nactivities = 3\n", "s.toml");  // scalars only: a grid
  ASSERT_TRUE(std::holds_alternative<grid>(s));
  EXPECT_EQ(std::get<grid>(s).num_scenarios, 1);
  // A distribution makes it a problem, with the problem's rules (normal leaves [0, inf)).
  EXPECT_NE(error_of([] { parse_toml_source("[exchange]\nactivities = { normal = [5, 1] }\n", "p.toml"); })
                .find("p.toml:2:14: exchange.activities: normal [5, 1] leaves the field's domain [0, inf)"),
            std::string::npos);
}

TEST(TomlSource, ProblemThroughTheDispatcher) {
  const auto v = parse_toml_source("[exchange]\nactivities = { uniform = [1, 2], group = \"t\" }\n", "p.toml");
  ASSERT_TRUE(std::holds_alternative<problem>(v));
  EXPECT_EQ(std::get<problem>(v).num_parameters(), 1);
  EXPECT_TRUE(std::get<problem>(v).has_groups);
  EXPECT_NE(error_of([] {
              parse_toml_source("[exchange]\nactivities = [1, 2]\ncountries_per_activity = { integers = [0, 3] }\n",
                                "m.toml");
            }).find("m.toml:2:14: exchange.activities: a grid axis in a problem file"),
            std::string::npos);
}

TEST(TomlSource, GridsRejectStringsAsParseGridDoes) {
  // Every bad grid gives the dispatcher the message parse_grid gives.
  for (const auto& c : test::bad_grids) {
    const std::string want = error_of([&] { parse_grid(c.text, "bad.toml"); });
    const std::string got = error_of([&] { parse_toml_source(c.text, "bad.toml"); });
    EXPECT_NE(got.find(c.message), std::string::npos) << c.name << ": " << got << "\nparse_grid: " << want;
  }
  EXPECT_EQ(error_of([] { parse_toml_source("[exchange]\nactivities = \"ten\"\n", "s.toml"); }),
            "s.toml:2:14: a quote: grid files use bare keys and numbers, no strings");
  // And every good grid of data/ reads the same way.
  for (const char* f : {"grid_small.toml", "grid_edges.toml", "grid_main.toml", "grid_big.toml"}) {
    const auto path = std::filesystem::path(test::data_dir()) / f;
    const grid a = read_grid_file(path);
    const auto b = read_toml_source(path);
    ASSERT_TRUE(std::holds_alternative<grid>(b)) << f;
    const grid& g = std::get<grid>(b);
    EXPECT_EQ(g.num_scenarios, a.num_scenarios) << f;
    EXPECT_EQ(g.ints, a.ints) << f;
    EXPECT_EQ(g.reals, a.reals) << f;
    EXPECT_EQ(g.is_axis, a.is_axis) << f;
  }
}

class BadProblem : public ::testing::TestWithParam<test::bad_grid> {};

TEST_P(BadProblem, NamesFileLineKeyAndRule) {
  const auto& c = GetParam();
  const std::string e = error_of([&] { parse_problem(c.text, "bad.toml"); });
  ASSERT_FALSE(e.empty()) << "no error for " << c.name;
  EXPECT_NE(e.find(c.message), std::string::npos) << "message: " << e << "\nexpected: " << c.message;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line only";
}

INSTANTIATE_TEST_SUITE_P(Table, BadProblem, ::testing::ValuesIn(test::bad_problems),
                         [](const auto& info) { return std::string(info.param.name); });

class BadSalibProblem : public ::testing::TestWithParam<test::bad_grid> {};

TEST_P(BadSalibProblem, NamesFileLineFieldAndRule) {
  const auto& c = GetParam();
  const std::string e = error_of([&] { parse_salib_problem(c.text, "bad.txt", nullptr); });
  ASSERT_FALSE(e.empty()) << "no error for " << c.name;
  EXPECT_NE(e.find(c.message), std::string::npos) << "message: " << e << "\nexpected: " << c.message;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line only";
}

INSTANTIATE_TEST_SUITE_P(Table, BadSalibProblem, ::testing::ValuesIn(test::bad_salib_problems),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ProblemToml, ParametersKeepTheOrderWritten) {
  // Tables out of field order, a dotted key at the top, and fields out of order within a table:
  // coordinate j is the j-th distribution in the text (DESIGNS.md section 1).
  const problem p = parse_problem(R"(exchange.activities = { uniform = [1, 5] }
standards.count = 0
[resources]
count = 2
share_prob = { uniform = [0.1, 0.2], group = "g" }
[countries]
share_prob = { uniform = [0.2, 0.9] }
datasets = { loguniform = [10, 1000], group = "g" }
)", "order.toml");
  ASSERT_EQ(p.num_parameters(), 4);
  EXPECT_EQ(p.parameters[0].field, exchange_activities);
  EXPECT_EQ(p.parameters[1].field, resources_share_prob);
  EXPECT_EQ(p.parameters[2].field, countries_share_prob);
  EXPECT_EQ(p.parameters[3].field, countries_datasets);
  EXPECT_EQ(p.group_names(), (std::vector<std::string>{"exchange.activities", "g", "countries.share_prob"}));
  EXPECT_NE(describe_problem(p).find("in problem order"), std::string::npos);
}

TEST(SalibText, SpaceDelimitedWithCommentsGroupsAndEveryDist) {
  const problem p = parse_salib_problem(
      "# name lower upper group dist\n"
      "\n"
      "exchange.activities\t2.3  0.5 NA lognorm\n"
      "  # an indented comment\n"
      "countries.share_prob 0.2 0.9 sharing\n"
      "countries.datasets 1 1000 NA logunif\r\n"
      "standards.difficulty 2.0 0.25 NA triang\n"
      "resources.share_prob 0.1 0.5 sharing unif\n"
      "ethics.difficulty 0 3\n",
      "s.txt", nullptr);
  ASSERT_EQ(p.num_parameters(), 6);
  EXPECT_TRUE(p.has_groups);
  // The file's order, as SALib's read_param_file keeps it (DESIGNS.md section 1), not the fields'.
  EXPECT_EQ(p.parameters[0].field, exchange_activities);
  EXPECT_EQ(p.parameters[1].field, countries_share_prob);
  EXPECT_EQ(p.parameters[2].field, countries_datasets);
  EXPECT_EQ(p.parameters[3].field, standards_difficulty);
  EXPECT_EQ(p.parameters[4].field, resources_share_prob);
  EXPECT_EQ(p.parameters[5].field, ethics_difficulty);
  // Groups in order of first appearance: SALib's.
  EXPECT_EQ(p.group_names(), (std::vector<std::string>{"exchange.activities", "sharing", "countries.datasets",
                                                       "standards.difficulty", "ethics.difficulty"}));
  const auto& t = parameter_of(p, exchange_activities);
  EXPECT_EQ(t.dist.kind, distribution_kind::lognormal);  // ln-space mean and sd
  EXPECT_EQ(t.dist.x0, 2.3);
  EXPECT_EQ(t.dist.x1, 0.5);
  EXPECT_EQ(t.group, "exchange.activities");  // NA: no group
  const auto& q = parameter_of(p, countries_share_prob);
  EXPECT_EQ(q.dist.kind, distribution_kind::uniform);  // no dist column: unif
  EXPECT_EQ(q.group, "sharing");
  EXPECT_EQ(q.text, "uniform [0.2, 0.9] group sharing");
  const auto& d = parameter_of(p, countries_datasets).dist;
  EXPECT_EQ(d.kind, distribution_kind::loguniform);
  EXPECT_EQ(d.x0, 1);
  EXPECT_EQ(d.x1, 1000);
  // triang's two-value form: end 2, peak at a quarter of the width, start 0.
  const auto& c = parameter_of(p, standards_difficulty).dist;
  EXPECT_EQ(c.kind, distribution_kind::triangular);
  EXPECT_EQ(c.x0, 0);
  EXPECT_EQ(c.x1, 0.5);
  EXPECT_EQ(c.x2, 2);
  EXPECT_EQ(parameter_of(p, resources_share_prob).group, "sharing");
  EXPECT_EQ(parameter_of(p, ethics_difficulty).dist.x1, 3);
  for (int f = 0; f < num_grid_fields; ++f) {
    if (grid_field_is_integer(f)) {
      EXPECT_EQ(p.ints[f], 0) << f;  // no --fixed: 0
    }
  }
}

TEST(SalibText, CommaDelimited) {
  const problem p = parse_salib_problem("# a, b\nexchange.activities, 1, 10 ,t,unif\nethics.difficulty,0,1\n",
                                        "c.txt", nullptr);
  ASSERT_EQ(p.num_parameters(), 2);
  EXPECT_EQ(parameter_of(p, exchange_activities).group, "t");
  EXPECT_EQ(parameter_of(p, exchange_activities).dist.x1, 10);
  EXPECT_EQ(parameter_of(p, ethics_difficulty).dist.x1, 1);
  EXPECT_TRUE(p.has_groups);
  // Without a group column no groups.
  EXPECT_FALSE(parse_salib_problem("exchange.activities,1,10\n", "d.txt", nullptr).has_groups);
  EXPECT_FALSE(parse_salib_problem("exchange.activities 1 10 NA\n", "e.txt", nullptr).has_groups);
}

TEST(SalibText, NormMapsToNormal) {
  // norm is mean and sd; no field here allows negatives, so it is always out of domain.
  EXPECT_NE(error_of([] { parse_salib_problem("exchange.activities 100 1 NA norm\n", "n.txt", nullptr); })
                .find("n.txt:1: exchange.activities: normal [100, 1] leaves the field's domain"),
            std::string::npos);
}

TEST(SalibText, FixedValues) {
  const problem fixed = parse_fixed_values(
      "[countries]\ncount = 20\n[standards]\ncount = 3\ndifficulty = 0.5\n[exchange]\ncountries_per_activity = 4\n",
      "fixed.toml");
  EXPECT_EQ(fixed.num_parameters(), 0);
  // The SALib file varies countries' items; --fixed gives the count and the rest.
  const problem p = parse_salib_problem("countries.datasets 1 100\ncountries.share_prob 0 1\nstandards.difficulty 1 2\n",
                                        "s.txt", &fixed);
  EXPECT_EQ(p.source, "s.txt");
  EXPECT_EQ(p.num_parameters(), 3);
  EXPECT_EQ(p.ints[countries_count], 20);
  EXPECT_EQ(p.ints[standards_count], 3);
  EXPECT_EQ(p.ints[exchange_countries_per_activity], 4);
  EXPECT_EQ(p.reals[exchange_activities], 0);
  // Items still required: countries.count = 20 needs share_prob from one of the two files.
  EXPECT_NE(error_of([&] { parse_salib_problem("countries.datasets 1 100\n", "s.txt", &fixed); })
                .find("s.txt: countries.share_prob: missing, but countries.count can be > 0 (give the items a value "
                      "in the SALib file or the --fixed file)"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_fixed_values("[countries]\ncount = { range = [1, 3] }\n", "fixed.toml"); })
                .find("fixed.toml:2:9: countries.count: a grid axis in a --fixed file"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_fixed_values("[exchange]\nactivities = [1, 2]\n", "fixed.toml"); })
                .find("fixed.toml:2:14: exchange.activities: a grid axis in a --fixed file"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_fixed_values("[exchange]\nactivities = { uniform = [1, 2] }\n", "fixed.toml"); })
                .find("fixed.toml:2:14: exchange.activities: a distribution in a --fixed file"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_fixed_values("[exchange]\nactivities = -2\n", "fixed.toml"); })
                .find("fixed.toml:2:14: exchange.activities: value -2 is negative"),
            std::string::npos);
}

TEST(ProblemFiles, ReadDispatchesOnTheExtension) {
  test::temp_dir d;
  test::write_file(d / "p.toml", "[exchange]\nactivities = { uniform = [1, 2] }\n");
  test::write_file(d / "p.txt", "exchange.activities 1 2\n");
  test::write_file(d / "f.toml", "[exchange]\ncountries_per_activity = 7\n");
  EXPECT_EQ(read_problem_file(d / "p.toml", nullptr).num_parameters(), 1);
  EXPECT_EQ(read_problem_file(d / "p.txt", nullptr).ints[exchange_countries_per_activity], 0);
  const std::filesystem::path fixed = d / "f.toml";
  EXPECT_EQ(read_problem_file(d / "p.txt", &fixed).ints[exchange_countries_per_activity], 7);
  EXPECT_NE(error_of([&] { read_problem_file(d / "p.toml", &fixed); })
                .find("p.toml: --fixed applies to SALib text problem files"),
            std::string::npos);
  EXPECT_THROW(read_problem_file(d / "missing.txt", nullptr), input_error);
  const std::filesystem::path missing = d / "none.toml";
  EXPECT_THROW(read_problem_file(d / "p.txt", &missing), input_error);
}

TEST(ProblemFiles, DataExamplesParse) {
  const std::filesystem::path data = test::data_dir();
  const problem p = read_problem_file(data / "problem_sharing.toml", nullptr);
  EXPECT_TRUE(p.has_groups);
  EXPECT_EQ(p.ints[countries_count], 20);
  EXPECT_EQ(parameter_of(p, countries_share_prob).group, "sharing");
  EXPECT_EQ(parameter_of(p, resources_share_prob).group, "sharing");
  EXPECT_EQ(parameter_of(p, resources_share_prob).dist.kind, distribution_kind::truncnormal);
  EXPECT_EQ(parameter_of(p, standards_count).dist.kind, distribution_kind::integers);
  EXPECT_EQ(parameter_of(p, exchange_countries_per_activity).dist.kind, distribution_kind::choice);
  EXPECT_EQ(p.num_parameters(), 7);  // countries.count is fixed
  EXPECT_TRUE(std::holds_alternative<problem>(read_toml_source(data / "problem_sharing.toml")));

  const std::filesystem::path fixed = data / "problem_fixed.toml";
  const problem s = read_problem_file(data / "problem_salib.txt", &fixed);
  EXPECT_EQ(s.num_parameters(), 5);
  EXPECT_TRUE(s.has_groups);
  EXPECT_EQ(s.ints[countries_count], 20);
  EXPECT_EQ(s.reals[ethics_difficulty], 0.8);
  EXPECT_EQ(parameter_of(s, standards_difficulty).dist.kind, distribution_kind::triangular);
  // Without --fixed, the counts are 0: nothing needs items, still valid.
  EXPECT_EQ(read_problem_file(data / "problem_salib.txt", nullptr).ints[countries_count], 0);
  const std::string d = describe_problem(s);
  EXPECT_EQ(d.rfind("problem " + (data / "problem_salib.txt").string() + ": 5 parameters (4 groups)\n", 0), 0u) << d;
}

}  // namespace
}  // namespace coopgrid
