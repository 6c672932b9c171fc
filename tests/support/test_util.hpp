#pragma once
// Helpers shared by the tests: building batches in code, temporary folders, files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <type_traits>
#include <random>
#include <string>
#include <vector>

#include "host/io/grid_reader.hpp"
#include "host/source/batch.hpp"
#include "host/source/grid.hpp"
#include "host/source/source.hpp"
#include "host/backends/reference.hpp"
#include "host/commands/compare.hpp"

namespace coopgrid::test {

/// The coopgrid binary and data/ folder: the build's paths, or $COOPGRID_BINARY
/// and $COOPGRID_DATA_DIR when the tests run elsewhere (the GPU machine).
inline std::string binary_path() {
  const char* env = std::getenv("COOPGRID_BINARY");
  return env ? env : COOPGRID_BINARY;
}
inline std::string data_dir() {
  const char* env = std::getenv("COOPGRID_DATA_DIR");
  return env ? env : COOPGRID_DATA_DIR;
}

/// A source holding the grid of TOML text `toml` (named "grid.toml" in messages).
inline source grid_source(const std::string& toml) { return source("grid.toml", parse_grid(toml, "grid.toml")); }

/// A grid over every edge of every block: empty and single-item blocks, long
/// standards lists (M up to 5000) with difficulties from 1e-3 to 1e5.
inline const char* const random_grid_toml = R"(
[countries]
count = { range = [0, 40, 7] }
datasets = { logspace = [-3, 6, 4] }
share_prob = { linspace = [0, 1, 5] }
[standards]
count = { values = [0, 1, 2, 3, 50, 1000, 5000] }
difficulty = { logspace = [-3, 5, 9] }
[exchange]
activities = { values = [0, 1, 10, 17.5] }
countries_per_activity = { values = [0, 1, 5, 300] }
[resources]
count = { range = [0, 3] }
share_prob = 0.25
[ethics]
count = { range = [0, 4] }
difficulty = { values = [0, 0.2, 1, 7] }
)";

/// n rows of NaN: a row a backend or kernel fails to write stays NaN and fails any check.
template <class T>
std::vector<metric_row<T>> poisoned_rows(std::size_t n) {
  std::vector<metric_row<T>> rows(n);
  for (auto& r : rows) std::fill(std::begin(r.v), std::end(r.v), std::numeric_limits<T>::quiet_NaN());
  return rows;
}

/// One scenario as item lists (what a row of each CSV file holds).
struct scenario_spec {
  std::string id;
  double activities = 0;
  index_t g = 0;
  std::vector<std::pair<double, double>> countries;  // (datasets, share_prob)
  std::vector<double> standards, resources, ethics;
};

inline batch make_batch(const std::vector<scenario_spec>& specs) {
  batch b;
  b.source = "<test>";
  column_vectors<double> c;
  for (const auto& s : specs) {
    b.ids.push_back(s.id);
    c.activities.push_back(s.activities);
    c.countries_per_activity.push_back(s.g);
    for (auto [d, p] : s.countries) {
      c.datasets.push_back(d);
      c.country_share_prob.push_back(p);
    }
    c.country_offsets.push_back(static_cast<index_t>(c.datasets.size()));
    c.standard_difficulty.insert(c.standard_difficulty.end(), s.standards.begin(), s.standards.end());
    c.standard_offsets.push_back(static_cast<index_t>(c.standard_difficulty.size()));
    c.resource_share_prob.insert(c.resource_share_prob.end(), s.resources.begin(), s.resources.end());
    c.resource_offsets.push_back(static_cast<index_t>(c.resource_share_prob.size()));
    c.ethics_difficulty.insert(c.ethics_difficulty.end(), s.ethics.begin(), s.ethics.end());
    c.ethics_offsets.push_back(static_cast<index_t>(c.ethics_difficulty.size()));
  }
  b.columns = batch_columns<double>(std::move(c));
  return b;
}

/// A source holding the explicit batch of `specs`.
inline source batch_source(const std::vector<scenario_spec>& specs) { return source("<test>", make_batch(specs)); }

/// The batch or grid a test source holds (the test knows which).
inline const batch& batch_of(const source& s) { return std::get<batch>(s.input); }
inline const grid& grid_of(const source& s) { return std::get<grid>(s.input); }

/// The precision whose working type is T.
template <class T>
constexpr precision precision_of() {
  return std::is_same_v<T, float> ? precision::f32 : precision::f64;
}

/**
 * @brief Rows of scenarios [first, first + count) of `src`, as a backend or
 *        kernel wrote them in precision T, against the reference on the same
 *        (rounded) inputs, at README's tolerance; `what` names the case.
 */
template <class T>
void expect_rows_match_reference(const source& src, index_t first, const metric_row<T>* rows, index_t count,
                                 const std::string& what) {
  constexpr bool f32 = std::is_same_v<T, float>;
  const auto tol = tolerance_for(precision_of<T>());
  for (index_t i = 0; i < count; ++i) {
    const index_t k = first + i;
    const auto ref = reference::evaluate(reference::source_scenario(src, k, f32));
    for (int m = 0; m < num_metrics; ++m) {
      const double x = static_cast<double>(rows[i].v[m]);
      ASSERT_TRUE(tol.agrees(x, ref[m])) << what << " scenario " << k << " " << metric_names[m] << ": " << x
                                         << " vs reference " << ref[m];
    }
  }
}

/**
 * @brief Random scenarios covering the edge cases: empty blocks, single items
 *        (M = 1), zeros (0^0), G = 0, T = 0, tiny and huge magnitudes.
 */
inline std::vector<scenario_spec> random_specs(std::size_t n, unsigned seed, std::size_t max_items = 40) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto count = [&] {
    const double r = u(rng);
    if (r < 0.1) return std::size_t{0};
    if (r < 0.2) return std::size_t{1};
    return static_cast<std::size_t>(u(rng) * static_cast<double>(max_items)) + 1;
  };
  auto magnitude = [&] {
    const double r = u(rng);
    if (r < 0.05) return 0.0;
    if (r < 0.1) return 1.0;
    return std::pow(10.0, -3.0 + 9.0 * u(rng)) * u(rng);
  };
  auto prob = [&] {
    const double r = u(rng);
    if (r < 0.05) return 0.0;
    if (r < 0.1) return 1.0;
    return u(rng);
  };
  auto difficulty = [&] {
    const double r = u(rng);
    if (r < 0.05) return 0.0;
    if (r < 0.1) return 1.0;
    return r < 0.5 ? u(rng) : 10.0 * u(rng);
  };
  std::vector<scenario_spec> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& s = out[i];
    s.id = "r" + std::to_string(i);
    s.activities = u(rng) < 0.05 ? 0.0 : 20.0 * u(rng);
    s.g = u(rng) < 0.1 ? 0 : static_cast<index_t>(u(rng) * 300);
    for (std::size_t k = count(); k > 0; --k) s.countries.emplace_back(magnitude(), prob());
    for (std::size_t k = count(); k > 0; --k) s.standards.push_back(difficulty());
    for (std::size_t k = count(); k > 0; --k) s.resources.push_back(prob());
    for (std::size_t k = count(); k > 0; --k) s.ethics.push_back(difficulty());
  }
  return out;
}

/**
 * @brief Long standards and ethics lists whose items are all close to
 *        certain (P_m = 1 - e, e from 3e-5 to 0.3), with products P_all from
 *        1e-30 to 0.5: the regime where log(P_m) loses digits. Every fourth
 *        list repeats one difficulty (its rounding errors never cancel).
 */
inline std::vector<scenario_spec> near_certain_specs(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto list = [&](std::vector<double>& out, std::initializer_list<std::size_t> sizes, std::size_t k) {
    const std::size_t m = *(sizes.begin() + static_cast<std::ptrdiff_t>(k % sizes.size()));
    const double log_p_all = -std::pow(10.0, -0.3 + 1.8 * u(rng)) * std::log(10.0);  // P_all 1e-30..0.5
    const double e = -std::expm1(log_p_all / static_cast<double>(m));
    const double x = std::log(e) / std::log1p(-1.0 / static_cast<double>(m));
    const bool repeated = k % 4 == 0;
    for (std::size_t i = 0; i < m; ++i) out.push_back(repeated ? x : x * (0.99 + 0.02 * u(rng)));
  };
  std::vector<scenario_spec> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    auto& s = out[k];
    s.id = "c" + std::to_string(k);
    s.countries.emplace_back(1.0, 0.5);
    list(s.standards, {20000, 100, 5000, 1000}, k);
    list(s.ethics, {2, 300, 3000}, k);
  }
  return out;
}

/// A fresh, empty temporary folder removed at destruction.
/// A character device node at p (needs root: false where mknod is refused).
inline bool make_char_device(const std::filesystem::path& p, unsigned major, unsigned minor) {
  return ::mknod(p.c_str(), S_IFCHR | 0666, makedev(major, minor)) == 0 && ::chmod(p.c_str(), 0666) == 0;
}

class temp_dir {
 public:
  temp_dir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("coopgrid_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Writes a batch directory holding `specs`.
inline void write_batch_dir(const std::filesystem::path& dir, const std::vector<scenario_spec>& specs) {
  std::string sc = "scenario,activities,countries_per_activity\n", co = "scenario,datasets,share_prob\n",
              st = "scenario,difficulty\n", re = "scenario,share_prob\n", et = "scenario,difficulty\n";
  auto num = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf);
  };
  for (const auto& s : specs) {
    sc += s.id + "," + num(s.activities) + "," + std::to_string(s.g) + "\n";
    for (auto [d, p] : s.countries) co += s.id + "," + num(d) + "," + num(p) + "\n";
    for (double x : s.standards) st += s.id + "," + num(x) + "\n";
    for (double x : s.resources) re += s.id + "," + num(x) + "\n";
    for (double x : s.ethics) et += s.id + "," + num(x) + "\n";
  }
  write_file(dir / "scenarios.csv", sc);
  write_file(dir / "countries.csv", co);
  write_file(dir / "standards.csv", st);
  write_file(dir / "resources.csv", re);
  write_file(dir / "ethics.csv", et);
}

}  // namespace coopgrid::test
