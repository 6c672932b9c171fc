// The terminal table of `run --reduce`, checked on real reports (compute_reduce
// on grids and batches): every selected metric's row with its count, extrema
// and their scenarios, the top rows in order, the histogram's counts and bars,
// empty selections, infinities, widths, and when the table is used at all.
#include "host/reduce/table.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "host/commands/run_reduce.hpp"
#include "host/io/load_source.hpp"
#include "host/reduce/metric_statistics.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

/// 12 scenarios: countries.count 1..4 x standards.count {1, 2, 50}; T = 0 with
/// G > 0 makes both exchange logs -inf everywhere.
const char* const small_grid_toml = R"(
[countries]
count = { range = [1, 4] }
datasets = 100
share_prob = 0.5
[standards]
count = { values = [1, 2, 50] }
difficulty = 0.3
[exchange]
activities = 0
countries_per_activity = 5
[resources]
count = 2
share_prob = 0.25
[ethics]
count = 1
difficulty = 0.5
)";

/// printf's %.6g: an independent spelling of what the table shows.
std::string g6(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string with_commas(long long n) {
  std::string d = std::to_string(n), out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

/// Index of the first line at or after `from` that starts with `prefix`; -1 when none.
int find_line(const std::vector<std::string>& lines, const std::string& prefix, int from = 0) {
  for (int i = from; i < static_cast<int>(lines.size()); ++i) {
    if (lines[i].compare(0, prefix.size(), prefix) == 0) return i;
  }
  return -1;
}

/// The table row of metric m: "  NAME  count ...".
std::string metric_line(const std::vector<std::string>& lines, int m) {
  const int i = find_line(lines, std::string("  ") + metric_names[m] + " ");
  return i < 0 ? std::string() : lines[i];
}

/// Metric m's cells, "NAME [count] min at max at mean sd": its row, and where the table is split to
/// fit (the statistics in a second table under the extrema) that table's cells after the name.
std::vector<std::string> metric_cells(const std::vector<std::string>& lines, int m) {
  const std::string prefix = std::string("  ") + metric_names[m] + " ";
  const int i = find_line(lines, prefix);
  if (i < 0) return {};
  auto w = words_of(lines[i]);
  const int j = find_line(lines, prefix, i + 1);
  if (j >= 0) {
    const auto stats = words_of(lines[j]);
    w.insert(w.end(), stats.begin() + 1, stats.end());
  }
  return w;
}

/// Axis values of grid scenario k as the table spells them.
std::string axes_text(const source& src, index_t k) {
  const auto& g = test::grid_of(src);
  const auto p = g.decode(k);
  std::string out;
  for (int f : g.axes()) {
    out += (out.empty() ? "" : " ") + std::string(grid_field_names[f]) + "=" + g6(g.value(f, p[f]));
  }
  return out;
}

/// A metric cell's scenario when the cells name grid indices; "-" for none (no value
/// beats the initial extremum: all -inf has a max of -inf reached nowhere).
std::string tag(index_t k) { return k < 0 ? "-" : "#" + std::to_string(k); }
std::string axes_cell(const source& src, index_t k) { return k < 0 ? "-" : axes_text(src, k); }

run_options reduce_options(const std::vector<std::string>& where, index_t top_k, const std::string& by) {
  run_options opt;
  opt.backend = backend_kind::cpu;
  opt.reduce = true;
  for (const auto& w : where) opt.where.push_back(parse_filter(w));
  opt.top = top_k;
  if (top_k > 0) opt.by = metric_by_name(by);
  return opt;
}

void set_histogram(run_options& opt, const std::string& metric, index_t bins) {
  opt.histogram = histogram_option{metric_by_name(metric), bins, false, 0, 0};
}

void set_histogram(run_options& opt, const std::string& metric, index_t bins, double lo, double hi) {
  opt.histogram = histogram_option{metric_by_name(metric), bins, true, lo, hi};
}

struct histogram_view {
  index_t below = -1, above = -1;
  std::vector<index_t> counts;
  std::vector<std::size_t> bars;  ///< '#' marks per bin
};

index_t parse_count(const std::string& word) {
  std::string digits;
  for (char c : word) {
    if (c != ',') digits += c;
  }
  return std::stoll(digits);
}

/// The histogram section as printed: bin lines "[a, b) N ###", then below/above.
histogram_view read_histogram(const std::vector<std::string>& lines) {
  histogram_view h;
  const int start = find_line(lines, "histogram of ");
  EXPECT_GE(start, 0);
  if (start < 0) return h;
  for (int i = start + 1; i < static_cast<int>(lines.size()) && !lines[i].empty(); ++i) {
    const auto& line = lines[i];
    if (line.compare(0, 8, "  below ") == 0) h.below = parse_count(words_of(line).at(2));
    if (line.compare(0, 8, "  above ") == 0) h.above = parse_count(words_of(line).at(2));
    if (line.compare(0, 3, "  [") != 0) continue;
    const auto close = line.find_first_of(")]");
    const auto w = words_of(line.substr(close + 1));
    EXPECT_GE(w.size(), 1u) << line;
    EXPECT_LE(w.size(), 2u) << line;
    h.counts.push_back(parse_count(w.at(0)));
    h.bars.push_back(w.size() == 2 ? w[1].size() : 0);
    if (w.size() == 2) {
      EXPECT_EQ(w[1], std::string(w[1].size(), '#')) << line;
    }
  }
  return h;
}

/// The histogram's counts sum to the selected scenarios, and its bars follow the counts.
void expect_histogram_consistent(const reduce_report& r, const histogram_view& h) {
  ASSERT_EQ(h.counts.size(), static_cast<std::size_t>(r.spec.hist_bins));
  EXPECT_EQ(h.below, r.state.hist.below);
  EXPECT_EQ(h.above, r.state.hist.above);
  index_t sum = 0;
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    EXPECT_EQ(h.counts[b], r.state.hist.bins[b]) << "bin " << b;
    sum += h.counts[b];
  }
  EXPECT_EQ(sum, r.state.selected - h.below - h.above);
  const auto most = std::max_element(h.counts.begin(), h.counts.end()) - h.counts.begin();
  const auto longest = *std::max_element(h.bars.begin(), h.bars.end());
  EXPECT_EQ(h.bars[most], longest) << "the largest count has the longest bar";
  if (h.counts[most] > 0) {
    EXPECT_GE(longest, 10u) << "room for the bars to differ";
  }
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    // Proportional to the count, rounded, at least one mark for a non-empty bin.
    const double want = h.counts[most] > 0 ? static_cast<double>(h.counts[b]) / h.counts[most] * longest : 0;
    EXPECT_LE(std::abs(static_cast<double>(h.bars[b]) - want), 1.0) << "bin " << b << ": " << h.counts[b];
  }
  for (std::size_t a = 0; a < h.counts.size(); ++a) {
    EXPECT_EQ(h.counts[a] == 0, h.bars[a] == 0) << "bin " << a << ": a bar exactly when the bin holds something";
    for (std::size_t b = 0; b < h.counts.size(); ++b) {
      if (h.counts[a] < h.counts[b]) {
        EXPECT_LE(h.bars[a], h.bars[b]) << "bins " << a << ", " << b;
      }
    }
  }
}

/// Every selected metric's row: count, min, max, mean and sd (%.6g), in r.metrics order.
void expect_metric_rows(const reduce_report& r, const std::vector<std::string>& lines) {
  int last = -1;
  for (int m : r.metrics) {
    const int at = find_line(lines, std::string("  ") + metric_names[m] + " ");
    ASSERT_GE(at, 0) << metric_names[m];
    EXPECT_GT(at, last) << metric_names[m] << " out of order";
    last = at;
    const auto& s = r.state.metrics[m];
    const auto w = metric_cells(lines, m);
    ASSERT_GE(w.size(), 7u) << lines[at];
    // The count column stands only where some metric's count differs from the selection's.
    bool one_count = true;
    for (int k : r.metrics) one_count = one_count && r.state.metrics[k].count == r.state.selected;
    if (!one_count) EXPECT_EQ(w[1], with_commas(s.count)) << lines[at];
    if (s.count == 0) continue;
    EXPECT_EQ(w[one_count ? 1 : 2], g6(s.min)) << lines[at];
    EXPECT_NE(lines[at].find("  " + g6(s.max) + "  "), std::string::npos) << lines[at];
    EXPECT_EQ(w[w.size() - 2], g6(s.mean())) << lines[at];
    EXPECT_EQ(w.back(), g6(sd_of(s))) << lines[at];
  }
}

/// Axis values of grid scenario k, one "field=value" each, as the table spells them.
std::vector<std::string> axes_words(const source& src, index_t k) { return words_of(axes_text(src, k)); }

bool is_axis_word(const std::string& w) { return w.find('=') != std::string::npos; }

/// Top rows, ranked 1..n in the report's order, with the --by values best first;
/// for grids, the axis values all entries share on the "all N have" line and each
/// entry's others on its row (and the lines wrapped under it).
void expect_top_rows(const source& src, const reduce_report& r, const std::vector<std::string>& lines) {
  const int head = find_line(lines, "top " + std::to_string(r.spec.top_k) + " by " + metric_names[r.spec.top_by]);
  ASSERT_GE(head, 0);
  const auto& top = r.state.top;
  ASSERT_FALSE(top.empty());
  std::vector<std::string> common;  // what every entry shares (none with one entry)
  if (std::holds_alternative<grid>(src.input) && top.size() > 1) {
    for (const auto& w : axes_words(src, top[0].second)) {
      bool all = true;
      for (const auto& [v, k] : top) {
        const auto other = axes_words(src, k);
        all = all && std::find(other.begin(), other.end(), w) != other.end();
      }
      if (all) common.push_back(w);
    }
  }
  int at = head + 1;
  if (!common.empty()) {
    const std::string lead = "  all " + std::to_string(top.size()) + " have ";
    ASSERT_EQ(lines.at(at).compare(0, lead.size(), lead), 0) << lines.at(at);
    std::vector<std::string> shown;
    for (const auto& w : words_of(lines[at].substr(lead.size()))) shown.push_back(w);
    while (++at < static_cast<int>(lines.size()) && is_axis_word(words_of(lines[at]).at(0))) {
      for (const auto& w : words_of(lines[at])) shown.push_back(w);
    }
    EXPECT_EQ(shown, common);
  } else {
    EXPECT_EQ(find_line(lines, "  all ", head), -1);
  }
  // `at` is the column header line.
  double prev = r.spec.top_ascending ? -INFINITY : INFINITY;
  for (std::size_t i = 0; i < top.size(); ++i) {
    ++at;
    while (at < static_cast<int>(lines.size()) && is_axis_word(words_of(lines[at]).at(0))) ++at;  // wrapped inputs
    ASSERT_LT(at, static_cast<int>(lines.size()));
    const auto w = words_of(lines[at]);
    const auto [value, k] = top[i];
    ASSERT_GE(w.size(), 3u) << lines[at];
    EXPECT_EQ(w[0], std::to_string(i + 1)) << lines[at];
    EXPECT_EQ(w[1], g6(value)) << lines[at];
    const double shown = std::strtod(w[1].c_str(), nullptr);
    EXPECT_TRUE(r.spec.top_ascending ? shown >= prev : shown <= prev) << lines[at];
    prev = shown;
    if (!std::holds_alternative<grid>(src.input)) {
      EXPECT_EQ(w, (std::vector<std::string>{std::to_string(i + 1), g6(value),
                                              test::batch_of(src).ids[static_cast<std::size_t>(k)]}));
      continue;
    }
    EXPECT_EQ(w[2], "#" + std::to_string(k)) << lines[at];
    std::vector<std::string> own(w.begin() + 3, w.end());
    for (int j = at + 1; j < static_cast<int>(lines.size()) && !lines[j].empty() && is_axis_word(words_of(lines[j])[0]);
         ++j) {
      for (const auto& x : words_of(lines[j])) own.push_back(x);
    }
    std::vector<std::string> expected;
    for (const auto& x : axes_words(src, k)) {
      if (std::find(common.begin(), common.end(), x) == common.end()) expected.push_back(x);
    }
    EXPECT_EQ(own, expected) << lines[at];
  }
}

void expect_fits(const std::vector<std::string>& lines, std::size_t width) {
  for (const auto& line : lines) EXPECT_LE(line.size(), width) << line;
}

TEST(ReduceTable, GridWithWhereTopAndHistogram) {
  const auto src = test::grid_source(small_grid_toml);
  auto opt = reduce_options({"shared_expected>=100"}, 4, "standards_p_any");
  set_histogram(opt, "standards_p_any", 4);
  const auto r = compute_reduce(src, opt);
  ASSERT_EQ(r.state.scenarios, 12);
  ASSERT_GT(r.state.selected, 0);
  ASSERT_LT(r.state.selected, 12);

  const auto text = reduce_table(src, r, 100);
  const auto lines = lines_of(text);
  EXPECT_EQ(words_of(lines.at(find_line(lines, "  input "))), (std::vector<std::string>{"input", "grid.toml"}));
  EXPECT_EQ(words_of(lines.at(find_line(lines, "  kind "))), (std::vector<std::string>{"kind", "grid"}));
  EXPECT_EQ(words_of(lines.at(find_line(lines, "  backend "))), (std::vector<std::string>{"backend", r.backend}));
  EXPECT_EQ(words_of(lines.at(find_line(lines, "  precision "))), (std::vector<std::string>{"precision", "f64"}));
  EXPECT_NE(lines.at(find_line(lines, "  evaluated ")).find(" 12 scenarios"), std::string::npos);
  const auto& sel = lines.at(find_line(lines, "  selected "));
  EXPECT_EQ(words_of(sel).at(1), with_commas(r.state.selected)) << sel;
  EXPECT_NE(sel.find("where shared_expected>=100"), std::string::npos) << sel;
  EXPECT_EQ(find_line(lines, "  shard "), -1) << "no shard line for an unsharded run";

  expect_metric_rows(r, lines);
  // 100 columns cannot hold two axis-value cells: the cells name #k, listed once below.
  const int legend = find_line(lines, "  at (grid index: axis values):");
  ASSERT_GE(legend, 0) << text;
  for (int m : r.metrics) {
    const auto& s = r.state.metrics[m];
    const auto w = metric_cells(lines, m);
    ASSERT_EQ(w.size(), 7u) << metric_line(lines, m);  // every count is the selection's: no count column
    EXPECT_EQ(w[2], tag(s.argmin)) << metric_names[m];
    EXPECT_EQ(w[4], tag(s.argmax)) << metric_names[m];
    for (index_t k : {s.argmin, s.argmax}) {
      if (k < 0) continue;
      const int at = find_line(lines, "    #" + std::to_string(k) + " ", legend);
      ASSERT_GE(at, 0) << "#" << k << " missing under the table";
      EXPECT_EQ(lines[at].substr(lines[at].find_first_not_of(' ', lines[at].find(' ', 4))), axes_text(src, k));
    }
  }
  // T = 0 with G > 0: the exchange logs are -inf, and print so.
  const auto ex = metric_cells(lines, static_cast<int>(metric::exchange_effect_log10));
  EXPECT_EQ(ex.at(1), "-inf");  // metric min "min at" max "max at" mean sd: no count column
  EXPECT_EQ(ex.at(5), "-inf");
  EXPECT_EQ(ex.at(6), "nan");  // no sd with an infinity

  expect_top_rows(src, r, lines);
  expect_histogram_consistent(r, read_histogram(lines));
  EXPECT_NE(lines.back().find("--json"), std::string::npos) << lines.back();
  EXPECT_NE(lines.back().find("-o FILE"), std::string::npos) << lines.back();
  EXPECT_EQ(text.find("merge_state"), std::string::npos);
  expect_fits(lines, 100);
}

TEST(ReduceTable, GridTopSharedAxesOnceAbove) {
  // The 3 largest shared_expected are the countries.count=4 scenarios: they share it and differ in standards.count.
  const auto src = test::grid_source(small_grid_toml);
  const auto r = compute_reduce(src, reduce_options({}, 3, "shared_expected"));
  const auto lines = lines_of(reduce_table(src, r, 100));
  const int at = find_line(lines, "  all 3 have ");
  ASSERT_GE(at, 0);
  EXPECT_EQ(words_of(lines[at]), (std::vector<std::string>{"all", "3", "have", "countries.count=4"}));
  expect_top_rows(src, r, lines);
}

TEST(ReduceTable, GridAxisValuesInlineWhenTheyFit) {
  const auto src = test::grid_source(small_grid_toml);
  const auto r = compute_reduce(src, reduce_options({}, 0, ""));
  const auto lines = lines_of(reduce_table(src, r, 200));
  EXPECT_EQ(find_line(lines, "  at (grid index"), -1) << "no index list when the values fit";
  EXPECT_EQ(find_line(lines, "top "), -1);
  EXPECT_EQ(find_line(lines, "histogram of "), -1);
  for (int m : r.metrics) {
    const auto& s = r.state.metrics[m];
    const auto line = metric_line(lines, m);
    const auto min_at = line.find("  " + axes_cell(src, s.argmin) + "  ");
    const auto max_at = line.find("  " + axes_cell(src, s.argmax) + "  ", min_at + 1);
    EXPECT_NE(min_at, std::string::npos) << line;
    EXPECT_NE(max_at, std::string::npos) << line;
  }
  expect_fits(lines, 200);
}

TEST(ReduceTable, BatchWithWhereTopHistogramBelowAndAbove) {
  const auto src = test::batch_source(test::random_specs(300, 11));
  auto opt = reduce_options({"standards_p_any>=0.2"}, 5, "shared_expected");
  set_histogram(opt, "ethics_q_any", 6, 0.2, 0.9);
  const auto r = compute_reduce(src, opt);
  ASSERT_GT(r.state.selected, 0);
  ASSERT_LT(r.state.selected, 300);
  ASSERT_GT(r.state.hist.below, 0) << "the case needs values below the range";
  ASSERT_GT(r.state.hist.above, 0) << "the case needs values above the range";

  const auto lines = lines_of(reduce_table(src, r, 100));
  EXPECT_EQ(words_of(lines.at(find_line(lines, "  kind "))).at(1), "batch");
  EXPECT_NE(lines.at(find_line(lines, "  evaluated ")).find(" 300 scenarios"), std::string::npos);
  expect_metric_rows(r, lines);
  const auto& ids = test::batch_of(src).ids;
  for (int m : r.metrics) {
    const auto& s = r.state.metrics[m];
    const auto w = metric_cells(lines, m);
    ASSERT_EQ(w.size(), 7u) << metric_line(lines, m);  // every count is the selection's: no count column
    EXPECT_EQ(w[2], ids[static_cast<std::size_t>(s.argmin)]) << metric_names[m];
    EXPECT_EQ(w[4], ids[static_cast<std::size_t>(s.argmax)]) << metric_names[m];
  }
  expect_top_rows(src, r, lines);
  expect_histogram_consistent(r, read_histogram(lines));
  expect_fits(lines, 100);
}

TEST(ReduceTable, AscendingTopAndSelectedMetricsOnly) {
  const auto src = test::batch_source(test::random_specs(120, 5));
  auto opt = reduce_options({}, 3, "datasets_total");
  opt.ascending = true;
  opt.metrics = {metric_by_name("ethics_q_all"), metric_by_name("datasets_total")};
  const auto r = compute_reduce(src, opt);
  const auto lines = lines_of(reduce_table(src, r, 100));
  expect_metric_rows(r, lines);  // ethics_q_all first: the selection's order
  EXPECT_EQ(metric_line(lines, metric_by_name("shared_expected")), "") << "only the selected metrics";
  EXPECT_GE(find_line(lines, "top 3 by datasets_total (smallest first)"), 0);
  expect_top_rows(src, r, lines);
  EXPECT_NE(lines.at(find_line(lines, "  selected ")).find("no --where filter"), std::string::npos);
}

TEST(ReduceTable, EmptySelection) {
  const auto src = test::grid_source(small_grid_toml);
  auto opt = reduce_options({"shared_expected>=1e9"}, 3, "shared_expected");
  set_histogram(opt, "standards_p_any", 4, 0, 1);
  const auto r = compute_reduce(src, opt);
  ASSERT_EQ(r.state.selected, 0);
  const auto text = reduce_table(src, r, 100);
  const auto lines = lines_of(text);
  EXPECT_NE(lines.at(find_line(lines, "  selected ")).find("no scenario passes"), std::string::npos);
  EXPECT_GE(find_line(lines, "metrics: no scenario selected"), 0) << text;
  for (int m : r.metrics) {
    EXPECT_EQ(metric_cells(lines, m),
              (std::vector<std::string>{metric_names[m], "-", "-", "-", "-", "-", "-"}));
  }
  const int top = find_line(lines, "top 3 by shared_expected");
  ASSERT_GE(top, 0);
  EXPECT_EQ(lines.at(top + 1), "  no scenario selected");
  const auto h = read_histogram(lines);
  EXPECT_EQ(h.counts, std::vector<index_t>(4, 0));
  EXPECT_EQ(h.bars, std::vector<std::size_t>(4, 0));
  EXPECT_EQ(text.find("inf"), std::string::npos) << "an empty summary's extrema are not shown";
}

TEST(ReduceTable, InfinitiesAndNaN) {
  const auto src = test::batch_source(test::random_specs(50, 2));
  auto r = compute_reduce(src, reduce_options({}, 0, ""));
  auto& s = r.state.metrics[metric_by_name("shared_variance")];
  s.min = -INFINITY;
  s.max = INFINITY;
  s.has_neg_inf = s.has_pos_inf = true;  // the mean of +inf and -inf is undefined
  const auto w = metric_cells(lines_of(reduce_table(src, r, 100)), metric_by_name("shared_variance"));
  ASSERT_EQ(w.size(), 7u);  // every count is the selection's: no count column
  EXPECT_EQ(w[1], "-inf");
  EXPECT_EQ(w[3], "inf");
  EXPECT_EQ(w[5], "nan");
  EXPECT_EQ(w[6], "nan");
  s.has_neg_inf = false;
  EXPECT_EQ(metric_cells(lines_of(reduce_table(src, r, 100)), metric_by_name("shared_variance")).at(5), "inf");
  EXPECT_EQ(metric_cells(lines_of(reduce_table(src, r, 100)), metric_by_name("shared_variance")).at(6), "nan");
}

// 80 columns cannot hold the extrema and the statistics side by side: the statistics go to a
// second table under the first, and nothing is cut.
TEST(ReduceTable, StatisticsUnderTheExtremaWhereOneTableIsTooWide) {
  const auto src = load_source(test::data_dir() + "/grid_small.toml");  // min 1.59926e-20: 81 columns
  const auto r = compute_reduce(src, reduce_options({}, 0, ""));
  for (int width : {80, 100}) {
    const auto lines = lines_of(reduce_table(src, r, width));
    expect_fits(lines, static_cast<std::size_t>(width));
    expect_metric_rows(r, lines);
    const std::string first = std::string("  ") + metric_names[r.metrics.front()] + " ";
    const int split = find_line(lines, first, find_line(lines, first) + 1);
    EXPECT_EQ(split >= 0, width == 80) << width;
    if (split >= 0) EXPECT_EQ(words_of(lines.at(split - 1)), (std::vector<std::string>{"metric", "mean", "sd"}));
    for (int m : r.metrics) {
      EXPECT_EQ(metric_cells(lines, m).size(), 7u) << metric_names[m] << " at " << width;
      EXPECT_EQ(metric_cells(lines, m).at(2).find("..."), std::string::npos) << "no cell cut";
    }
  }
}

TEST(ReduceTable, SelectedShareNeverRoundsToAll) {
  const auto src = test::batch_source(test::random_specs(20, 3));
  auto r = compute_reduce(src, reduce_options({}, 0, ""));
  auto selected_line = [&] {
    const auto lines = lines_of(reduce_table(src, r, 100));
    return lines.at(find_line(lines, "  selected "));
  };
  EXPECT_EQ(words_of(selected_line()).at(2), "(100%),");
  r.state.scenarios = 1'000'000;  // the counts alone decide the share
  r.state.selected = 999'999;
  EXPECT_EQ(words_of(selected_line()).at(1), "999,999");
  EXPECT_EQ(words_of(selected_line()).at(2), "(>99.9%),");
  r.state.selected = 250'000;
  EXPECT_EQ(words_of(selected_line()).at(2), "(25%),");
}

TEST(ReduceTable, LongIdsAreCutToTheWidth) {
  auto specs = test::random_specs(40, 9);
  for (auto& sp : specs) sp.id = std::string(90, 'x') + sp.id;
  const auto src = test::batch_source(specs);
  const auto r = compute_reduce(src, reduce_options({}, 3, "shared_expected"));
  for (int width : {100, 140}) {
    const auto lines = lines_of(reduce_table(src, r, width));
    expect_fits(lines, static_cast<std::size_t>(width));
    for (int m : r.metrics) {
      const auto w = metric_cells(lines, m);
      ASSERT_EQ(w.size(), 7u) << metric_line(lines, m);  // no count column
      const auto& id = test::batch_of(src).ids[static_cast<std::size_t>(r.state.metrics[m].argmin)];
      ASSERT_GE(w[2].size(), 4u);
      EXPECT_EQ(w[2].substr(w[2].size() - 3), "...") << w[2];
      EXPECT_EQ(id.compare(0, w[2].size() - 3, w[2], 0, w[2].size() - 3), 0) << w[2] << " is not a prefix of " << id;
    }
  }
}

TEST(ReduceTable, ShardLine) {
  const auto src = test::batch_source(test::random_specs(30, 4));
  auto opt = reduce_options({}, 0, "");
  opt.shard = parse_shard("1/2");
  const auto r = compute_reduce(src, opt);
  const auto lines = lines_of(reduce_table(src, r, 100));
  const int at = find_line(lines, "  shard ");
  ASSERT_GE(at, 0);
  EXPECT_EQ(words_of(lines[at]).at(1), "1/2:") << lines[at];
  EXPECT_NE(lines.at(find_line(lines, "  evaluated ")).find(" " + with_commas(r.state.scenarios) + " scenarios"),
            std::string::npos);
}

TEST(ReduceTable, UseTableOnlyForATerminalWithoutJson) {
  // stdout made a terminal (a pseudo-terminal), then a pipe; checked after it is restored.
  const int saved = ::dup(STDOUT_FILENO);
  ASSERT_GE(saved, 0);
  std::fflush(stdout);
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0);
  ASSERT_EQ(::dup2(slave, STDOUT_FILENO), STDOUT_FILENO);
  const bool tty_default = use_table("", false), tty_dash = use_table("-", false), tty_json = use_table("", true),
             tty_file = use_table("out.json", false), tty_file_json = use_table("out.json", true);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::dup2(fds[1], STDOUT_FILENO);
  const bool pipe_default = use_table("", false), pipe_dash = use_table("-", false);
  ::dup2(saved, STDOUT_FILENO);
  for (int fd : {saved, master, slave, fds[0], fds[1]}) ::close(fd);

  EXPECT_TRUE(tty_default);
  EXPECT_TRUE(tty_dash);
  EXPECT_FALSE(tty_json);
  EXPECT_FALSE(tty_file);
  EXPECT_FALSE(tty_file_json);
  EXPECT_FALSE(pipe_default);
  EXPECT_FALSE(pipe_dash);
}

}  // namespace
}  // namespace coopgrid
