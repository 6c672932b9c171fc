// The benchmark's workloads: W1's batch (and W4's lighter one), W3's grid and its
// reduction, and a batch written as CSV (W4). bench/RESULTS.md describes them.
#include "bench/workloads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <stdexcept>

namespace coopgrid::bench {

batch make_w1_batch(index_t n, std::uint64_t seed, bool light) {
  batch b;
  b.source = "W1";
  column_vectors<double> c;
  rng64 r{seed};
  c.activities.resize(static_cast<std::size_t>(n));
  c.countries_per_activity.resize(static_cast<std::size_t>(n));
  auto fill = [&](std::vector<index_t>& off, index_t lo, index_t hi) {
    off.resize(static_cast<std::size_t>(n) + 1);
    off[0] = 0;
    for (index_t s = 0; s < n; ++s) off[s + 1] = off[s] + r.between(lo, hi);
  };
  fill(c.country_offsets, 1, light ? 8 : 128);
  fill(c.standard_offsets, 1, light ? 4 : 32);
  fill(c.resource_offsets, 1, light ? 2 : 16);
  fill(c.ethics_offsets, 1, light ? 2 : 16);
  for (index_t s = 0; s < n; ++s) {
    c.activities[s] = 20 * r.uniform();
    c.countries_per_activity[s] = r.between(0, 10);
  }
  auto reals = [&](std::vector<double>& v, index_t count, double scale) {
    v.resize(static_cast<std::size_t>(count));
    for (auto& x : v) x = scale * r.uniform();
  };
  reals(c.datasets, c.country_offsets.back(), 1e6);
  reals(c.country_share_prob, c.country_offsets.back(), 1);
  reals(c.standard_difficulty, c.standard_offsets.back(), 5);
  reals(c.resource_share_prob, c.resource_offsets.back(), 1);
  reals(c.ethics_difficulty, c.ethics_offsets.back(), 5);
  b.columns = batch_columns<double>(std::move(c));
  b.ids = scenario_ids::numbered(n);
  return b;
}

std::string w3_grid(double scale) {
  const auto countries = std::max<index_t>(1, static_cast<index_t>(std::llround(100 * std::min(1.0, scale * 100))));
  const auto probs = std::max<index_t>(2, static_cast<index_t>(std::llround(101 * std::min(1.0, scale * 100 > 1 ? 1.0 : scale * 100))));
  const auto standards = std::max<index_t>(1, static_cast<index_t>(std::llround(50 * std::min(1.0, scale))));
  return fmt::format(R"(
[countries]
count = {{ range = [1, {}] }}
datasets = {{ logspace = [2, 6, 10] }}
share_prob = {{ linspace = [0, 1, {}] }}
[standards]
count = {{ range = [1, {}] }}
difficulty = {{ linspace = [0, 5, 100] }}
[exchange]
activities = {{ linspace = [0, 20, 20] }}
countries_per_activity = 5
[resources]
count = 5
share_prob = 0.5
[ethics]
count = 2
difficulty = 0.2
)", countries, probs, standards);
}

reduce_spec w3_spec() {
  reduce_spec spec;
  spec.where = {parse_filter("standards_p_any>=0.5")};
  spec.top_k = 100;
  spec.top_by = static_cast<int>(metric::shared_expected);
  return spec;
}

void write_csv_batch(const batch& b, const std::string& dir) {
  std::filesystem::create_directories(dir);
  const auto& c = b.columns;
  auto write = [&](const std::string& name, const std::string& header, auto&& body) {
    std::FILE* f = std::fopen((dir + "/" + name).c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + dir + "/" + name);
    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf), "{}\n", header);
    body(buf);
    std::fwrite(buf.data(), 1, buf.size(), f);
    std::fclose(f);
  };
  write("scenarios.csv", "scenario,activities,countries_per_activity", [&](auto& buf) {
    for (index_t s = 0; s < c.num_scenarios(); ++s) {
      fmt::format_to(std::back_inserter(buf), "{},{},{}\n", b.ids[s], c.activities[s], c.countries_per_activity[s]);
    }
  });
  auto items = [&](const char* name, const char* header, column<index_t> off, column<double> a,
                   const column<double>* second) {
    write(name, header, [&](auto& buf) {
      for (index_t s = 0; s < c.num_scenarios(); ++s) {
        for (index_t i = off[s]; i < off[s + 1]; ++i) {
          if (second) {
            fmt::format_to(std::back_inserter(buf), "{},{},{}\n", b.ids[s], a[i], (*second)[i]);
          } else {
            fmt::format_to(std::back_inserter(buf), "{},{}\n", b.ids[s], a[i]);
          }
        }
      }
    });
  };
  items("countries.csv", "scenario,datasets,share_prob", c.country_offsets, c.datasets, &c.country_share_prob);
  items("standards.csv", "scenario,difficulty", c.standard_offsets, c.standard_difficulty, nullptr);
  items("resources.csv", "scenario,share_prob", c.resource_offsets, c.resource_share_prob, nullptr);
  items("ethics.csv", "scenario,difficulty", c.ethics_offsets, c.ethics_difficulty, nullptr);
}

}  // namespace coopgrid::bench
