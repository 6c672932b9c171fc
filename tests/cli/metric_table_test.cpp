// The metric table (kernels/metrics.hpp) is the one list of metrics: the
// README, the Python peers and --help must list exactly its names, in its order.
#include <cstdio>
#include <regex>

#include "kernels/metrics.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

const std::vector<std::string> table(std::begin(metric_names), std::end(metric_names));

/// A file of the source tree (data/ sits at its root).
std::string source_file(const std::string& relative) {
  return test::read_file(std::filesystem::path(test::data_dir()).parent_path() / relative);
}

/// Every match of group 1 of `pattern` in `text`, in order.
std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

TEST(MetricTable, NamesAndDescriptionsAreComplete) {
  ASSERT_EQ(table.size(), static_cast<std::size_t>(num_metrics));
  for (int m = 0; m < num_metrics; ++m) {
    EXPECT_NE(metric_names[m], nullptr);
    EXPECT_GT(std::strlen(metric_descriptions[m]), 0u) << metric_names[m];
    EXPECT_EQ(static_cast<int>(static_cast<metric>(m)), m);
  }
  EXPECT_EQ(std::string(metric_names[static_cast<int>(metric::shared_quota)]), "shared_quota");
  EXPECT_EQ(std::string(metric_names[num_metrics - 1]), "ethics_q_all");
}

// README.md, section "Outputs": the sentence listing the CSV's metric columns.
TEST(MetricTable, ReadmeListsEveryMetricInOrder) {
  const std::string readme = source_file("README.md");
  const std::string intro = "(`--metrics` picks a subset):";
  const auto at = readme.find(intro);
  ASSERT_NE(at, std::string::npos) << "README.md: no metric list after '" << intro << "'";
  const auto end = readme.find(".\n", at);
  ASSERT_NE(end, std::string::npos);
  const std::string list = readme.substr(at + intro.size(), end - at - intro.size());
  EXPECT_EQ(matches(list, "`([a-z0-9_]+)`"), table) << list;
  EXPECT_EQ(readme.find("14 metrics"), std::string::npos);
}

// bench/peers/peers.py computes the metrics positionally: its METRICS list
// fixes the order, and it checks that list against coopgrid's report.
TEST(MetricTable, PeersListEveryMetricInOrder) {
  const std::string peers = source_file("bench/peers/peers.py");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(peers, m, std::regex("\nMETRICS = \\[([^\\]]*)\\]"))) << "peers.py: no METRICS list";
  EXPECT_EQ(matches(m[1], "\"([a-z0-9_]+)\""), table) << m[1];
  EXPECT_FALSE(std::regex_search(peers, std::regex("\\b14\\b"))) << "peers.py: a hard-coded metric count?";
}

TEST(MetricTable, HelpListsEveryMetricWithItsDescription) {
  std::FILE* p = ::popen(("'" + test::binary_path() + "' run --help").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string help;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) help.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << help;
  // --help wraps at the terminal's width: compare with every run of blanks and newlines as one space.
  const auto squeeze = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      const bool blank = c == ' ' || c == '\n';
      if (!blank || (!out.empty() && out.back() != ' ')) out += blank ? ' ' : c;
    }
    return out;
  };
  help = squeeze(help);
  std::size_t at = 0;
  for (int m = 0; m < num_metrics; ++m) {
    const auto line = std::string(metric_names[m]);
    const auto found = help.find(line + " ", at);
    ASSERT_NE(found, std::string::npos) << metric_names[m] << " missing or out of order in:\n" << help;
    EXPECT_NE(help.find(squeeze(metric_descriptions[m]), found), std::string::npos) << metric_names[m];
    at = found + line.size();
  }
}

}  // namespace
}  // namespace coopgrid
