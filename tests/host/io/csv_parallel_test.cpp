// CSV batches parsed in parallel chunks: every thread count and chunk size
// (down to one byte, so every position is a chunk boundary) gives the serial
// parse bit for bit, and a bad record is reported exactly as a serial read
// reports it, however many later chunks also hold errors.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "host/io/csv_batch.hpp"
#include "host/util/progress.hpp"
#include "host/io/csv_reader.hpp"
#include "host/source/batch.hpp"
#include "host/util/errors.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::temp_dir;
using test::write_file;

const int thread_counts[] = {1, 2, 3, 7};
const std::size_t chunk_sizes[] = {1, 5, 17, 64, 301, 4096};

csv_parse_options parse_opts(int threads, std::size_t chunk) {
  csv_parse_options o;
  o.threads = threads;
  o.chunk_bytes = chunk;
  return o;
}

const csv_parse_options serial = parse_opts(1, 0);

/// A field as CSV text: quoted (quotes doubled) when it must be, and sometimes when it need not.
std::string field(const std::string& raw, std::mt19937_64& rng) {
  const bool must = raw.find_first_of(",\"\r\n") != std::string::npos || raw.front() == ' ' ||
                    raw.back() == ' ';
  if (!must && rng() % 4 != 0) return rng() % 3 == 0 ? " " + raw + "\t" : raw;  // unquoted fields are trimmed
  std::string out = "\"";
  for (char c : raw) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string random_id(int k, std::mt19937_64& rng) {
  static const char* const decorations[] = {"", ",", "\"", "\n", "\r\n", " x", "\"\"", ",\"\n\""};
  std::string id = "s" + std::to_string(k);
  const int pieces = static_cast<int>(rng() % 3);
  for (int i = 0; i < pieces; ++i) id += decorations[rng() % 8];
  return id;
}

std::string real_text(std::mt19937_64& rng, double scale) {
  char buf[64];
  const double v = std::uniform_real_distribution<double>(0.0, scale)(rng);
  switch (rng() % 4) {
    case 0: std::snprintf(buf, sizeof buf, "%.17g", v); break;
    case 1: std::snprintf(buf, sizeof buf, "%.3e", v); break;
    case 2: std::snprintf(buf, sizeof buf, "+%.5f", v); break;
    default: std::snprintf(buf, sizeof buf, "%d", static_cast<int>(v)); break;
  }
  return buf;
}

/// One CSV file: header and rows, LF or CRLF ends, blank lines sprinkled, the last end sometimes missing.
std::string csv_text(const std::string& header, const std::vector<std::string>& rows, std::mt19937_64& rng) {
  const std::string eol = rng() % 2 ? "\r\n" : "\n";
  std::string out = header + eol;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rng() % 10 == 0) out += rng() % 2 ? eol : " \t" + eol;
    out += rows[i];
    if (i + 1 < rows.size() || rng() % 3 != 0) out += eol;
  }
  return out;
}

/// A random batch directory with every tricky field the reader accepts.
void write_random_batch(const std::filesystem::path& dir, int scenarios, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> ids, rows;
  for (int k = 0; k < scenarios; ++k) {
    ids.push_back(random_id(k, rng));
    const std::string g = std::to_string(rng() % 9) + (rng() % 5 == 0 ? ".0" : "");
    rows.push_back(field(ids.back(), rng) + "," + field(real_text(rng, 100), rng) + "," + g);
  }
  write_file(dir / "scenarios.csv", csv_text("scenario,activities,countries_per_activity", rows, rng));
  const bool grouped = seed % 2 == 0;  // item rows grouped by scenario, or in any order
  auto items = [&](const char* name, const char* header, int values) {
    std::vector<std::string> r;
    for (int k = 0; k < scenarios; ++k) {
      const int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) {
        std::string row = field(ids[static_cast<std::size_t>(k)], rng);
        for (int v = 0; v < values; ++v) row += "," + field(real_text(rng, v == values - 1 ? 1.0 : 1e4), rng);
        r.push_back(row);
      }
    }
    if (!grouped) std::shuffle(r.begin(), r.end(), rng);
    write_file(dir / name, csv_text(header, r, rng));
  };
  items("countries.csv", "scenario,datasets,share_prob", 2);
  items("standards.csv", "scenario,difficulty", 1);
  items("resources.csv", "scenario,share_prob", 1);
  if (seed % 3 != 0) items("ethics.csv", "scenario,difficulty", 1);  // sometimes a missing file
}

void expect_same_bits(column<double> a, column<double> b, const char* name) {
  ASSERT_EQ(a.size(), b.size()) << name;
  if (a.size() == 0) return;  // an empty column's data() may be null, which memcmp must not get (UBSan)
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << name;
}

void expect_same_batch(const batch& ref, const batch& b) {
  EXPECT_EQ(ref.ids, b.ids);
  const auto& r = ref.columns;
  const auto& c = b.columns;
  expect_same_bits(r.activities, c.activities, "activities");
  EXPECT_EQ(r.countries_per_activity, c.countries_per_activity);
  EXPECT_EQ(r.country_offsets, c.country_offsets);
  expect_same_bits(r.datasets, c.datasets, "datasets");
  expect_same_bits(r.country_share_prob, c.country_share_prob, "country_share_prob");
  EXPECT_EQ(r.standard_offsets, c.standard_offsets);
  expect_same_bits(r.standard_difficulty, c.standard_difficulty, "standard_difficulty");
  EXPECT_EQ(r.resource_offsets, c.resource_offsets);
  expect_same_bits(r.resource_share_prob, c.resource_share_prob, "resource_share_prob");
  EXPECT_EQ(r.ethics_offsets, c.ethics_offsets);
  expect_same_bits(r.ethics_difficulty, c.ethics_difficulty, "ethics_difficulty");
}

TEST(CsvParallel, RandomBatchesEqualTheSerialParseBitForBit) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    temp_dir d;
    write_random_batch(d.path(), 150, seed);
    const batch ref = read_batch_dir(d.path(), serial);
    ASSERT_EQ(ref.ids.size(), 150u);
    ASSERT_GT(ref.columns.datasets.size(), 100u);
    for (int t : thread_counts) {
      for (std::size_t chunk : chunk_sizes) {
        SCOPED_TRACE(testing::Message() << "seed " << seed << ", " << t << " threads, chunks of " << chunk);
        expect_same_batch(ref, read_batch_dir(d.path(), parse_opts(t, chunk)));
      }
    }
    expect_same_batch(ref, read_batch_dir(d.path(), parse_opts(0, 0)));  // the defaults: small files stay serial
  }
}

TEST(CsvParallel, ProgressCountsEveryByteOfEveryFileOnce) {
  temp_dir d;
  write_random_batch(d.path(), 150, 7);
  const index_t total = static_cast<index_t>(batch_dir_bytes(d.path()));
  ASSERT_GT(total, 1000);
  for (int t : thread_counts) {
    for (std::size_t chunk : chunk_sizes) {
      SCOPED_TRACE(testing::Message() << t << " threads, chunks of " << chunk);
      progress_meter meter(total, false, "bytes");
      auto opt = parse_opts(t, chunk);
      opt.progress = &meter;
      read_batch_dir(d.path(), opt);
      EXPECT_EQ(meter.done(), total);
    }
  }
}

struct record {
  std::int64_t line;
  std::vector<std::string> fields;
  bool operator==(const record& o) const { return line == o.line && fields == o.fields; }
};

std::vector<record> records_of(csv_reader& r) {
  std::vector<record> out;
  std::vector<std::string_view> f;
  while (r.next(f)) out.push_back({r.line(), std::vector<std::string>(f.begin(), f.end())});
  return out;
}

TEST(CsvParallel, SpansStartOnTrueRecordStartsWhereverQuotesAndNewlinesFall) {
  // Embedded newlines, CRLF, "" escapes and blank lines at every offset: with
  // chunks of 1..40 bytes, every position is some split's nominal boundary.
  const std::string text =
      "a,b\r\n"
      "\"x\ny\",\"\"\"\"\r\n"
      "\r\n"
      "\"\"\"\n,\n\"\"\",\"q\"\"\n\"\"\"\n"
      "  \n"
      "plain, \"p\" \n"
      "\"\r\n\",\"a\"\"b\"\"c\nd\"\n"
      "last,\"no end\"";
  csv_reader whole("t.csv", text);
  const auto ref = records_of(whole);
  ASSERT_EQ(ref.size(), 5u);
  EXPECT_EQ(ref[0].fields, (std::vector<std::string>{"x\ny", "\""}));
  EXPECT_EQ(ref[1].line, 5);
  EXPECT_EQ(ref[1].fields, (std::vector<std::string>{"\"\n,\n\"", "q\"\n\""}));
  EXPECT_EQ(ref[2].line, 10);
  EXPECT_EQ(ref[2].fields, (std::vector<std::string>{"plain", "p"}));
  EXPECT_EQ(ref[3].fields, (std::vector<std::string>{"\r\n", "a\"b\"c\nd"}));
  EXPECT_EQ(ref.back().line, 14);
  for (std::size_t chunk = 1; chunk <= 40; ++chunk) {
    for (int t : thread_counts) {
      SCOPED_TRACE(testing::Message() << t << " threads, chunks of " << chunk);
      csv_reader csv("t.csv", text);
      const auto spans = csv.split(chunk, t);
      if (chunk <= 8) EXPECT_GT(spans.size(), 3u);
      ASSERT_FALSE(spans.empty());
      EXPECT_EQ(spans.front().begin, 5u);  // after the header
      EXPECT_EQ(spans.back().end, text.size());
      std::vector<record> got;
      for (std::size_t k = 0; k < spans.size(); ++k) {
        if (k > 0) EXPECT_EQ(spans[k].begin, spans[k - 1].end);
        csv_reader r(csv, spans[k]);
        const auto part = records_of(r);
        got.insert(got.end(), part.begin(), part.end());
      }
      EXPECT_EQ(got, ref);
    }
  }
}

TEST(CsvParallel, EmptyAndHeaderOnlyFilesAsSerial) {
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    for (int t : thread_counts) {
      temp_dir d;
      write_file(d / "scenarios.csv", "");
      try {
        read_batch_dir(d.path(), parse_opts(t, chunk));
        FAIL() << "an empty scenarios.csv was accepted";
      } catch (const input_error& e) {
        EXPECT_EQ(std::string(e.what()), (d / "scenarios.csv").string() + ": empty file, expected a header row");
      }
      write_file(d / "scenarios.csv", "scenario,activities,countries_per_activity\r\n\r\n  \n");
      try {
        read_batch_dir(d.path(), parse_opts(t, chunk));
        FAIL() << "a header-only scenarios.csv was accepted";
      } catch (const input_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  (d / "scenarios.csv").string() + ": no scenarios (the file holds only a header)");
      }
      write_file(d / "scenarios.csv", "scenario,activities,countries_per_activity\na,1,2\n\"b\nc\",3,4");
      write_file(d / "countries.csv", "scenario,datasets,share_prob");  // header only, no line end
      write_file(d / "standards.csv", "scenario,difficulty\n\n");
      const auto b = read_batch_dir(d.path(), parse_opts(t, chunk));
      EXPECT_EQ(b.ids, (std::vector<std::string>{"a", "b\nc"}));
      EXPECT_EQ(b.columns.country_offsets, (std::vector<index_t>{0, 0, 0}));
      EXPECT_EQ(b.columns.standard_offsets, (std::vector<index_t>{0, 0, 0}));
    }
  }
}

/// The message of the error reading dir, or "" when it reads.
std::string csv_error_of(const std::filesystem::path& dir, const csv_parse_options& opt) {
  try {
    read_batch_dir(dir, opt);
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

/// Rows "s<k>,<k>,1" with `bad` replacing some of them (row index, text).
std::string scenario_rows(int n, const std::vector<std::pair<int, std::string>>& bad) {
  std::string out = "scenario,activities,countries_per_activity\n";
  for (int k = 0; k < n; ++k) {
    std::string row = "s" + std::to_string(k) + "," + std::to_string(k) + ",1";
    for (const auto& [i, text] : bad) {
      if (i == k) row = text;
    }
    out += row + "\n";
  }
  return out;
}

/// Every thread count and chunk size reports `expected` (checked first against the serial parse).
void expect_first_error(const std::filesystem::path& dir, const std::string& expected) {
  ASSERT_EQ(csv_error_of(dir, serial), expected);
  for (int t : thread_counts) {
    for (std::size_t chunk : chunk_sizes) {
      EXPECT_EQ(csv_error_of(dir, parse_opts(t, chunk)), expected) << t << " threads, chunks of " << chunk;
    }
  }
}

TEST(CsvParallel, TheFirstBadRecordInFileOrderIsReportedAsSerial) {
  // Row k sits on line k + 2. Each case puts errors of several kinds in several
  // chunks; the first one in file order must win.
  struct error_case {
    std::vector<std::pair<int, std::string>> bad;
    int line;
    std::string rule;  // the message after "scenarios.csv:LINE: "
  };
  const std::vector<error_case> cases = {
      {{{40, "s40,-1,1"}, {90, "s90,x,1"}, {150, "\"open"}}, 42,
       "column 'activities': value '-1' is negative (must be >= 0)"},
      {{{70, "s70,1,1,1"}, {20, "s20,1,1.5"}, {100, "s100,nan,1"}}, 22,
       "column 'countries_per_activity': value '1.5' is not an integer"},
      // A stray quote flips the quote parity of everything after it: later
      // chunks start at wrong places and fail, yet the stray quote is reported.
      {{{60, "s6\"0,1,1"}, {61, "s61,-2,1"}, {170, "s170,1,-1"}}, 62,
       "a quote inside an unquoted field (quote the whole field and double the quote)"},
      {{{30, "\"s30\" x,1,1"}, {120, "s1,1,1"}}, 32, "unexpected character 'x' after a quoted field"},
      {{{110, "s5,1,1"}, {111, "s111,-1,1"}}, 112, "column 'scenario': id 's5' duplicates line 7"},
      // A duplicate id is checked before the record's values.
      {{{80, "s3,-1,1"}, {130, "s130,x,1"}}, 82, "column 'scenario': id 's3' duplicates line 5"},
      {{{50, ",1,1"}, {51, "s0,1,1"}}, 52, "column 'scenario': empty id (ids must be non-empty)"},
      {{{55, "s55,1"}, {140, "s140,1"}}, 57, "expected 3 fields as in the header, found 2"},
      {{{175, "\"s175,1,1\ns176,2,2\n"}}, 177, "unterminated quoted field"},
  };
  for (const auto& c : cases) {
    temp_dir d;
    write_file(d / "scenarios.csv", scenario_rows(180, c.bad));
    expect_first_error(d.path(),
                       fmt::format("{}:{}: {}", (d / "scenarios.csv").string(), c.line, c.rule));
  }
}

TEST(CsvParallel, ItemFileErrorsInSeveralChunksReportTheFirst) {
  temp_dir d;
  write_file(d / "scenarios.csv", scenario_rows(50, {}));
  std::string co = "scenario,datasets,share_prob\n";
  for (int k = 0; k < 200; ++k) {
    std::string row = "s" + std::to_string(k % 50) + ",1000,0.5";
    if (k == 73) row = "s7,1000,1.5";
    if (k == 120) row = "nope,1,0.5";
    if (k == 160) row = "s1,-3,0.5";
    co += row + "\n";
  }
  write_file(d / "countries.csv", co);
  expect_first_error(d.path(), (d / "countries.csv").string() +
                                   ":75: column 'share_prob': value '1.5' is not a probability in [0, 1]");
  co.replace(co.find("s7,1000,1.5"), 11, "s7,1000,0.5");
  write_file(d / "countries.csv", co);
  expect_first_error(d.path(), (d / "countries.csv").string() + ":122: column 'scenario': id 'nope' is not in scenarios.csv");
}

}  // namespace
}  // namespace coopgrid
