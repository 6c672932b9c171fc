#pragma once
// The tables of bad inputs: each case names the input, its text and the
// message (with file and line or key) it must produce. Used by the parser
// tests and, through the CLI, by the exit-code tests.
namespace coopgrid::test {

struct bad_case {
  const char* name;
  const char* file;      // which file gets `text`
  const char* text;
  const char* message;   // expected substring, including file and line
};

// scenarios.csv below is valid unless the case replaces it.
constexpr const char* good_scenarios = "scenario,activities,countries_per_activity\na,10,5\nb,1,0\n";

const bad_case bad_cases[] = {
    {"EmptyScenarios", "scenarios.csv", "", "scenarios.csv: empty file, expected a header row"},
    {"HeaderOnly", "scenarios.csv", "scenario,activities,countries_per_activity\n",
     "scenarios.csv: no scenarios"},
    {"MissingColumn", "scenarios.csv", "scenario,activities\na,1\n",
     "scenarios.csv:1: missing column 'countries_per_activity'"},
    {"UnknownColumn", "scenarios.csv", "scenario,activities,countries_per_activity,colour\na,1,1,red\n",
     "scenarios.csv:1: unknown column 'colour'"},
    {"DuplicateColumn", "scenarios.csv", "scenario,activities,activities,countries_per_activity\n",
     "scenarios.csv:1: column 'activities' appears twice"},
    {"DuplicateId", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,1\nb,1,1\na,2,2\n",
     "scenarios.csv:4: column 'scenario': id 'a' duplicates line 2"},
    {"EmptyId", "scenarios.csv", "scenario,activities,countries_per_activity\n,1,1\n",
     "scenarios.csv:2: column 'scenario': empty id"},
    {"TrailingGarbage", "scenarios.csv", "scenario,activities,countries_per_activity\na,10x,1\n",
     "scenarios.csv:2: column 'activities': value '10x' is not a number"},
    {"NaN", "scenarios.csv", "scenario,activities,countries_per_activity\na,nan,1\n",
     "scenarios.csv:2: column 'activities': value 'nan' is not finite"},
    {"Infinity", "scenarios.csv", "scenario,activities,countries_per_activity\na,inf,1\n",
     "scenarios.csv:2: column 'activities': value 'inf' is not finite"},
    {"NegativeActivities", "scenarios.csv", "scenario,activities,countries_per_activity\na,-1,1\n",
     "scenarios.csv:2: column 'activities': value '-1' is negative"},
    {"NonIntegerG", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,2.5\n",
     "scenarios.csv:2: column 'countries_per_activity': value '2.5' is not an integer"},
    {"NegativeG", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,-3\n",
     "scenarios.csv:2: column 'countries_per_activity': value '-3' is negative"},
    {"OverflowG", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,99999999999999999999\n",
     "scenarios.csv:2: column 'countries_per_activity': value '99999999999999999999' overflows a 64-bit integer"},
    {"HugeReal", "scenarios.csv", "scenario,activities,countries_per_activity\na,1e999,1\n",
     "scenarios.csv:2: column 'activities': value '1e999' is out of the range of a double"},
    {"EmptyValue", "scenarios.csv", "scenario,activities,countries_per_activity\na,,1\n",
     "scenarios.csv:2: column 'activities': empty value"},
    {"TooFewFields", "scenarios.csv", "scenario,activities,countries_per_activity\na,1\n",
     "scenarios.csv:2: expected 3 fields as in the header, found 2"},
    {"TooManyFields", "scenarios.csv", "scenario,activities,countries_per_activity\na,1,1,1\n",
     "scenarios.csv:2: expected 3 fields as in the header, found 4"},
    {"UnterminatedQuote", "scenarios.csv", "scenario,activities,countries_per_activity\n\"a,1,1\n",
     "scenarios.csv:2: unterminated quoted field"},
    {"StrayQuote", "scenarios.csv", "scenario,activities,countries_per_activity\na\"b,1,1\n",
     "scenarios.csv:2: a quote inside an unquoted field"},
    {"ProbabilityAboveOne", "countries.csv", "scenario,datasets,share_prob\na,10,0.5\nb,10,1.5\n",
     "countries.csv:3: column 'share_prob': value '1.5' is not a probability in [0, 1]"},
    {"NegativeProbability", "resources.csv", "scenario,share_prob\na,-0.1\n",
     "resources.csv:2: column 'share_prob': value '-0.1' is not a probability in [0, 1]"},
    {"NegativeDatasets", "countries.csv", "scenario,datasets,share_prob\na,-5,0.5\n",
     "countries.csv:2: column 'datasets': value '-5' is negative"},
    {"NegativeDifficulty", "standards.csv", "scenario,difficulty\na,-0.1\n",
     "standards.csv:2: column 'difficulty': value '-0.1' is negative"},
    {"EthicsNaN", "ethics.csv", "scenario,difficulty\n\nb,NaN\n",
     "ethics.csv:3: column 'difficulty': value 'NaN' is not finite"},
    {"UnknownScenario", "ethics.csv", "scenario,difficulty\nzz,1\n",
     "ethics.csv:2: column 'scenario': id 'zz' is not in scenarios.csv"},
    {"EmptyItemFile", "standards.csv", "", "standards.csv: empty file, expected a header row"},
    {"ItemMissingColumn", "countries.csv", "scenario,datasets\na,1\n",
     "countries.csv:1: missing column 'share_prob'"},
};

struct bad_grid {
  const char* name;
  const char* text;
  const char* message;
};

const bad_grid bad_grids[] = {
    {"Syntax", "[countries\ncount = 1\n", "bad.toml:1:"},
    {"UnknownTable", "[colours]\nred = 1\n", "bad.toml:1:1: colours: unknown table"},
    {"UnknownTopLevelKey", "speed = 3\n", "bad.toml:1:9: speed: unknown top-level key"},
    {"UnknownKey", "[countries]\ncount = 1\ndatasets = 1\nshare_prob = 1\nsize = 2\n",
     "bad.toml:5:8: countries.size: unknown key (the table [countries] takes count, datasets, share_prob)"},
    {"NegativeCount", "[standards]\ncount = -1\n", "bad.toml:2:9: standards.count: value -1 is negative"},
    {"FractionalCount", "[standards]\ncount = 2.5\ndifficulty = 1\n",
     "bad.toml:2:9: standards.count: value 2.5 is not an integer"},
    {"FractionalG", "[exchange]\ncountries_per_activity = { linspace = [0, 1, 3] }\n",
     "bad.toml:2:26: exchange.countries_per_activity: value 0.5 is not an integer"},
    {"ProbabilityAboveOne", "[resources]\ncount = 1\nshare_prob = { values = [0.5, 1.2] }\n",
     "bad.toml:3:14: resources.share_prob: value 1.2 is not a probability in [0, 1]"},
    {"NaN", "[ethics]\ncount = 1\ndifficulty = nan\n",
     "bad.toml:3:14: ethics.difficulty: value nan is not finite"},
    {"Infinity", "[exchange]\nactivities = inf\n", "bad.toml:2:14: exchange.activities: value inf is not finite"},
    {"NegativeDifficulty", "[ethics]\ncount = 1\ndifficulty = -0.5\n",
     "bad.toml:3:14: ethics.difficulty: value -0.5 is negative"},
    {"String", "[exchange]\nactivities = \"ten\"\n",
     "bad.toml:2:14: a quote: grid files use bare keys and numbers, no strings"},
    {"Boolean", "[exchange]\nactivities = true\n",
     "bad.toml:2:14: exchange.activities: value is true, expected a number or an axis table"},
    {"NonAscii", "[exchange]\nactivities = 1\xc2\xa7\n", "bad.toml:2:15: non-ASCII byte 0xC2 outside a comment"},
    {"MultilineString", "s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "bad.toml:1:5: a quote"},
    {"ZeroPointLinspace", "[exchange]\nactivities = { linspace = [0, 5, 0] }\n",
     "exchange.activities: linspace = [0, 5, 0] has zero points"},
    {"ZeroPointRange", "[standards]\ncount = { range = [5, 1] }\n",
     "standards.count: range = [5, 1] has zero points"},
    {"EmptyValues", "[exchange]\nactivities = { values = [] }\n",
     "bad.toml:2:25: exchange.activities: values has 0 elements, expected 1 to"},
    {"EmptyArray", "[exchange]\nactivities = []\n", "bad.toml:2:14: exchange.activities: axis has zero points"},
    {"TwoAxisKinds", "[exchange]\nactivities = { values = [1], linspace = [0, 1, 2] }\n",
     "exchange.activities: axis has both 'linspace' and 'values'"},
    {"UnknownAxisKey", "[exchange]\nactivities = { points = [1] }\n",
     "exchange.activities: unknown axis key 'points'"},
    {"StepWithoutRange", "[exchange]\nactivities = { values = [1], step = 2 }\n",
     "exchange.activities: 'step' is only allowed with 'range'"},
    {"ZeroStep", "[standards]\ncount = { range = [1, 5], step = 0 }\n", "step 0 must be a positive integer"},
    {"LinspaceArity", "[exchange]\nactivities = { linspace = [0, 1] }\n",
     "exchange.activities: linspace has 2 elements, expected 3"},
    {"LogspaceOverflow", "[countries]\ncount = 1\nshare_prob = 1\ndatasets = { logspace = [300, 400, 3] }\n",
     "countries.datasets: logspace = [300, 400, 3] reaches 10^400 which overflows a double"},
    {"MissingItems", "[standards]\ncount = { range = [0, 3] }\n",
     "bad.toml: standards.difficulty: missing, but standards.count can be > 0"},
    {"IntegerOverflow", "[standards]\ncount = 99999999999999999999\n", "bad.toml:2:"},
    {"GridOverflow",
     "[countries]\ncount = { range = [0, 99] }\ndatasets = { linspace = [0, 1, 100] }\n"
     "share_prob = { linspace = [0, 1, 100] }\n[standards]\ncount = { range = [0, 99] }\n"
     "difficulty = { linspace = [0, 1, 100] }\n[exchange]\nactivities = { linspace = [0, 1, 100] }\n"
     "countries_per_activity = { range = [0, 99] }\n[resources]\ncount = { range = [0, 99] }\n"
     "share_prob = { linspace = [0, 1, 100] }\n[ethics]\ncount = { range = [0, 99] }\ndifficulty = 1\n",
     "bad.toml: the grid has more than 2^63 - 1 scenarios"},
    {"AxisTooLong", "[exchange]\nactivities = { linspace = [0, 1, 100000001] }\n",
     "has 100000001 points, more than the 100000000 allowed per axis"},
};

}  // namespace coopgrid::test
