// The designs' unit points (DESIGNS.md section 2) as design_view decodes them: LHS
// strata, Sobol' points and nets (scrambled or not), Saltelli's rows in SALib's order,
// Morris trajectories on the p-level grid, mc coordinates; decoding sample i alone;
// the values (inverse CDFs) and metrics of a sample; and mc / LHS means of a metric.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "host/source/design.hpp"
#include "host/util/parallel.hpp"
#include "kernels/design/design_view.hpp"
#include "tests/support/expect_usage_error.hpp"

namespace coopgrid::design {
namespace {

/// A view of kind `kind` with n design points and d uniform [0, 1] parameters (fields 0..d-1).
design_view make_view(design_kind kind, index_t n, int d, std::uint64_t seed = 42) {
  design_view v;
  v.kind = kind;
  v.num_points = n;
  v.num_parameters = d;
  v.num_groups = d;
  for (int j = 0; j < d; ++j) v.group_of[j] = j;
  v.rows_per_point = design_rows_per_point(kind, d, false, d);
  v.num_samples = n * v.rows_per_point;
  v.seed = seed;
  for (int j = 0; j < d; ++j) {
    v.params[j].field = j;
    v.params[j].dist = make_uniform(0.0, 1.0);
  }
  return v;
}

design_view make_saltelli(index_t n, int d, bool second_order, bool mc_base, bool scramble = false,
                          std::uint64_t seed = 42) {
  design_view v = make_view(design_kind::saltelli, n, d, seed);
  v.second_order = second_order;
  v.mc_base = mc_base;
  v.scramble = scramble;
  v.rows_per_point = design_rows_per_point(design_kind::saltelli, d, second_order, d);
  v.num_samples = n * v.rows_per_point;
  return v;
}

design_view make_morris(index_t r, int d, int levels, std::uint64_t seed = 42) {
  design_view v = make_view(design_kind::morris, r, d, seed);
  v.levels = levels;
  return v;
}

std::vector<double> unit_point(const design_view& v, index_t i) {
  std::vector<double> u(static_cast<std::size_t>(max_parameters), -1.0);
  design_unit_point(v, i, u.data());
  u.resize(static_cast<std::size_t>(v.num_parameters));
  return u;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// The stratum s of n with s/n <= u < (s+1)/n, decided exactly (fma), not by a rounded u * n.
index_t exact_stratum(double u, index_t n) {
  const double nn = static_cast<double>(n);
  double s = std::floor(u * nn);
  if (std::fma(u, nn, -s) < 0.0) s -= 1.0;
  if (std::fma(u, nn, -(s + 1.0)) >= 0.0) s += 1.0;
  return static_cast<index_t>(s);
}

// ---- LHS ----

TEST(DesignLhs, EveryStratumOfEveryCoordinateHoldsOneSample) {
  const int d = 3;
  for (const index_t n : {index_t{1}, index_t{2}, index_t{1000}, (index_t{1} << 20) + 3}) {
    const design_view v = make_view(design_kind::lhs, n, d);
    ASSERT_EQ(v.num_samples, n);
    std::vector<std::vector<char>> seen(d, std::vector<char>(static_cast<std::size_t>(n), 0));
    double u[max_parameters];
    for (index_t i = 0; i < n; ++i) {
      design_unit_point(v, i, u);
      for (int j = 0; j < d; ++j) {
        if (!(u[j] > 0.0 && u[j] < 1.0)) FAIL() << "n " << n << " sample " << i << " coordinate " << j << ": " << u[j];
        const index_t s = exact_stratum(u[j], n);
        if (s < 0 || s >= n || seen[j][static_cast<std::size_t>(s)])
          FAIL() << "n " << n << " sample " << i << " coordinate " << j << ": stratum " << s << " taken twice";
        seen[j][static_cast<std::size_t>(s)] = 1;
        // The stratum is the keyed permutation's image of i (design_view adds nothing);
        // checked on the small designs, where the second permute costs nothing.
        if (n <= 1000 && s != permute(i, n, lhs_key(v.seed, j)))
          FAIL() << "n " << n << " sample " << i << " coordinate " << j;
      }
    }
    // n samples, each in a stratum never seen before: all n strata hold one.
  }
}

TEST(DesignLhs, CoordinatesArePermutedIndependently) {
  // A check that can fail: the coordinates' permutations differ, and differ with the seed.
  const index_t n = 1000;
  const design_view a = make_view(design_kind::lhs, n, 3, 1), b = make_view(design_kind::lhs, n, 3, 2);
  int same01 = 0, same_seed = 0;
  for (index_t i = 0; i < n; ++i) {
    const auto ua = unit_point(a, i), ub = unit_point(b, i);
    same01 += exact_stratum(ua[0], n) == exact_stratum(ua[1], n);
    same_seed += exact_stratum(ua[0], n) == exact_stratum(ub[0], n);
  }
  EXPECT_LT(same01, 10);  // a random pair of permutations agrees at ~1 index
  EXPECT_LT(same_seed, 10);
}

// ---- Sobol' ----

// qmc.Sobol(3, scramble=False).random(8) (scipy 1.10.1, printed with python3).
const double scipy_sobol3[8][3] = {
    {0.0, 0.0, 0.0},       {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},    {0.25, 0.75, 0.75},
    {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375},
};

TEST(DesignSobol, UnscrambledPointsAreSobolPoints) {
  const design_view v = make_view(design_kind::sobol, 4096, 3);
  for (int i = 0; i < 8; ++i) {
    const auto u = unit_point(v, i);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(u[j], scipy_sobol3[i][j]) << i << ' ' << j;
  }
  for (index_t i = 0; i < v.num_samples; ++i) {
    const auto u = unit_point(v, i);
    for (int j = 0; j < 3; ++j) ASSERT_EQ(u[j], sobol_point_coordinate(i, j)) << i << ' ' << j;
  }
  // The seed does not enter unscrambled points.
  design_view w = v;
  w.seed = 99;
  EXPECT_TRUE(same_bits(unit_point(v, 77), unit_point(w, 77)));
}

TEST(DesignSobol, ScrambledPointsAreInsideTheCubeAndDependOnTheSeed) {
  design_view v = make_view(design_kind::sobol, 4096, 3, 7);
  v.scramble = true;
  design_view w = v;
  w.seed = 8;
  design_view plain = v;
  plain.scramble = false;
  int same_plain = 0, same_seed = 0;
  for (index_t i = 0; i < v.num_samples; ++i) {
    const auto u = unit_point(v, i), us = unit_point(w, i), up = unit_point(plain, i);
    for (int j = 0; j < 3; ++j) {
      ASSERT_TRUE(u[j] > 0.0 && u[j] < 1.0) << i << ' ' << j << ' ' << u[j];
      ASSERT_EQ(u[j], sobol_scrambled_coordinate(i, j, v.seed));
      same_plain += u[j] == up[j];
      same_seed += u[j] == us[j];
    }
  }
  EXPECT_EQ(same_plain, 0);  // the centre of a 2^-32 cell is never a dyadic point of fewer digits
  EXPECT_EQ(same_seed, 0);
}

TEST(DesignSobol, ScrambledNetsStayStratified) {
  // Owen scrambling maps elementary intervals onto elementary intervals: the first 2^m
  // scrambled points still hold one point in each of the 2^m intervals of every coordinate.
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{12345}}) {
    design_view v = make_view(design_kind::sobol, index_t{1} << 12, 3, seed);
    v.scramble = true;
    for (int m = 0; m <= 12; ++m) {
      const index_t n = index_t{1} << m;
      for (int j = 0; j < 3; ++j) {
        std::vector<char> hit(static_cast<std::size_t>(n), 0);
        for (index_t i = 0; i < n; ++i) {
          const double x = unit_point(v, i)[j] * static_cast<double>(n);  // exact: a power of 2
          const auto cell = static_cast<std::size_t>(std::floor(x));
          ASSERT_LT(cell, hit.size());
          ASSERT_FALSE(hit[cell]) << "seed " << seed << " m " << m << " coordinate " << j << " point " << i;
          hit[cell] = 1;
        }
      }
    }
  }
  // A check that can fail: mc points are not stratified.
  const design_view mc = make_view(design_kind::mc, 256, 1);
  std::vector<char> hit(256, 0);
  int collisions = 0;
  for (index_t i = 0; i < 256; ++i) {
    const auto cell = static_cast<std::size_t>(unit_point(mc, i)[0] * 256.0);
    collisions += hit[cell];
    hit[cell] = 1;
  }
  EXPECT_GT(collisions, 0);
}

// ---- Saltelli ----

/// SALib's rows of base point b: A, AB_1..AB_d, [BA_1..BA_d], B, from the 2d base coordinates.
std::vector<std::vector<double>> salib_rows(const std::vector<double>& base, int d, bool second_order) {
  std::vector<double> a(base.begin(), base.begin() + d), b(base.begin() + d, base.end());
  std::vector<std::vector<double>> rows{a};
  for (int k = 0; k < d; ++k) {
    auto ab = a;
    ab[k] = b[k];
    rows.push_back(ab);
  }
  if (second_order) {
    for (int k = 0; k < d; ++k) {
      auto ba = b;
      ba[k] = a[k];
      rows.push_back(ba);
    }
  }
  rows.push_back(b);
  return rows;
}

TEST(DesignSaltelli, RowsAreSalibsCrossSamples) {
  const int d = 3;
  const index_t n = 64;
  for (const bool second_order : {false, true}) {
    for (const int base_kind : {0, 1, 2}) {  // Sobol', scrambled Sobol', mc
      const bool mc_base = base_kind == 2, scramble = base_kind == 1;
      const design_view v = make_saltelli(n, d, second_order, mc_base, scramble);
      const int rows = second_order ? 2 * d + 2 : d + 2;
      ASSERT_EQ(v.rows_per_point, rows);
      ASSERT_EQ(v.num_samples, n * rows);
      int a_differs_from_b = 0;
      for (index_t b = 0; b < n; ++b) {
        std::vector<double> base(2 * d);
        for (int k = 0; k < 2 * d; ++k) {
          base[k] = mc_base ? mc_coordinate(v.seed, b, k)
                    : scramble ? sobol_scrambled_coordinate(b, k, v.seed)
                               : sobol_point_coordinate(b, k);
          ASSERT_EQ(saltelli_base_coordinate(v, b, k), base[k]);
        }
        for (int k = 0; k < d; ++k) a_differs_from_b += base[k] != base[d + k];
        const auto expected = salib_rows(base, d, second_order);
        ASSERT_EQ(static_cast<int>(expected.size()), rows);
        for (int r = 0; r < rows; ++r) {
          ASSERT_EQ(unit_point(v, b * rows + r), expected[r])
              << "second order " << second_order << " base " << base_kind << " point " << b << " row " << r;
        }
      }
      // The cross-sampling shows: A and B differ in most coordinates.
      EXPECT_GT(a_differs_from_b, static_cast<int>(n) * d * 3 / 4);
    }
  }
}

TEST(DesignSaltelli, SobolBaseIsTheSobolSequenceOf2dDimensions) {
  // Base point b is scipy's qmc.Sobol(2d, scramble=False) point b: no points skipped.
  const int d = 3;
  const design_view v = make_saltelli(1024, d, true, false);
  for (index_t b = 0; b < v.num_points; ++b)
    for (int j = 0; j < 2 * d; ++j) ASSERT_EQ(saltelli_base_coordinate(v, b, j), sobol_point_coordinate(b, j));
  // qmc.Sobol(6, scramble=False).random(4)[2] = 0.75 0.25 0.25 | 0.25 0.75 0.75: rows of point 2.
  const auto a = unit_point(v, 2 * v.rows_per_point), bb = unit_point(v, 3 * v.rows_per_point - 1);
  EXPECT_EQ(a, (std::vector<double>{0.75, 0.25, 0.25}));
  EXPECT_EQ(bb, (std::vector<double>{0.25, 0.75, 0.75}));
}

// ---- Morris ----

TEST(DesignMorris, TrajectoriesAreOneAtATimeStepsOnTheGrid) {
  const int d = 4;
  const index_t r = 50;
  for (const int p : {4, 6}) {
    const design_view v = make_morris(r, d, p);
    ASSERT_EQ(v.rows_per_point, d + 1);
    ASSERT_EQ(v.num_samples, r * (d + 1));
    const double top = p - 1;
    const double delta = p / (2.0 * (p - 1));
    std::set<std::vector<std::vector<double>>> distinct;
    for (index_t t = 0; t < r; ++t) {
      std::vector<std::vector<double>> x;
      for (int s = 0; s <= d; ++s) x.push_back(unit_point(v, t * (d + 1) + s));
      distinct.insert(x);
      for (int j = 0; j < d; ++j) {
        const double level = std::round(x[0][j] * top);
        EXPECT_EQ(x[0][j], level / top) << "p " << p << " trajectory " << t << ": start off the grid";
      }
      std::vector<int> moves(d, 0);
      for (int s = 0; s <= d; ++s)
        for (int j = 0; j < d; ++j) EXPECT_TRUE(x[s][j] >= 0.0 && x[s][j] <= 1.0) << x[s][j];
      for (int s = 1; s <= d; ++s) {
        int changed = 0;
        for (int j = 0; j < d; ++j) {
          if (x[s][j] == x[s - 1][j]) continue;
          ++changed;
          ++moves[j];
          EXPECT_NEAR(std::fabs(x[s][j] - x[s - 1][j]), delta, 1e-15) << "p " << p << " trajectory " << t;
        }
        EXPECT_EQ(changed, 1) << "p " << p << " trajectory " << t << " step " << s;
      }
      for (int j = 0; j < d; ++j) EXPECT_EQ(moves[j], 1) << "p " << p << " trajectory " << t << " coordinate " << j;
    }
    // Different trajectories differ: (p / 2)^d start points x* times 2^d directions times d! orders.
    EXPECT_GE(static_cast<int>(distinct.size()), 48);
  }
}

TEST(DesignMorris, StartLevelsCoverTheGrid) {
  // SALib's x* takes the levels 0 .. p/2 - 1 (linspace(0, 1 - Delta, p / 2)); a coordinate
  // going down starts Delta above x*, so the first point's levels cover 0 .. p - 1, and the
  // orders and directions vary too.
  const int d = 4;
  const index_t r = 2000;
  for (const int p : {2, 4, 6, 10}) {
    const design_view v = make_morris(r, d, p, 3);
    const int half = p / 2;
    std::vector<std::vector<int>> first(d, std::vector<int>(p, 0)), low(d, std::vector<int>(p, 0));
    std::vector<int> up(d, 0), first_mover(d, 0);
    for (index_t t = 0; t < r; ++t) {
      const morris_trajectory m = draw_morris_trajectory(v, t);
      const auto x0 = unit_point(v, t * (d + 1));
      const auto x1 = unit_point(v, t * (d + 1) + 1);
      for (int j = 0; j < d; ++j) {
        ASSERT_GE(m.start_level[j], 0);
        ASSERT_LT(m.start_level[j], half);
        ++low[j][m.start_level[j]];
        const int level0 = static_cast<int>(std::lround(x0[j] * (p - 1)));
        ++first[j][level0];
        EXPECT_EQ(level0, m.start_level[j] + (m.direction[j] < 0 ? half : 0));
        up[j] += m.direction[j] > 0;
        first_mover[j] += x1[j] != x0[j];
      }
    }
    for (int j = 0; j < d; ++j) {
      for (int k = 0; k < p; ++k)
        EXPECT_GT(first[j][k], static_cast<int>(r) / (2 * p)) << "p " << p << " coordinate " << j << " level " << k;
      for (int k = 0; k < half; ++k) EXPECT_GT(low[j][k], static_cast<int>(r) / (2 * half));
      EXPECT_GT(up[j], static_cast<int>(r) * 4 / 10);
      EXPECT_LT(up[j], static_cast<int>(r) * 6 / 10);
      EXPECT_GT(first_mover[j], static_cast<int>(r) / (2 * d));  // every coordinate sometimes moves first
    }
  }
}

// ---- mc ----

TEST(DesignMc, CoordinatesArePhiloxAndDependOnTheSeed) {
  const design_view v = make_view(design_kind::mc, 10000, 11, 5);
  design_view w = v;
  w.seed = 6;
  int same = 0;
  for (index_t i = 0; i < v.num_samples; ++i) {
    const auto u = unit_point(v, i), us = unit_point(w, i);
    for (int j = 0; j < 11; ++j) {
      ASSERT_TRUE(u[j] > 0.0 && u[j] < 1.0);
      ASSERT_EQ(u[j], mc_coordinate(5, i, j));
      same += u[j] == us[j];
    }
  }
  EXPECT_EQ(same, 0);
}

// ---- Decoding sample i alone ----

std::vector<design_view> every_design(index_t n) {
  design_view lhs = make_view(design_kind::lhs, n, 3);
  design_view scrambled = make_view(design_kind::sobol, n, 3);
  scrambled.scramble = true;
  return {make_view(design_kind::mc, n, 3),   lhs,
          make_view(design_kind::sobol, n, 3), scrambled,
          make_saltelli(n, 3, false, false),   make_saltelli(n, 3, true, false, true),
          make_saltelli(n, 3, true, true),     make_morris(n, 3, 4),
          make_morris(n, 3, 6)};
}

TEST(DesignDecode, SampleAloneEqualsSweep) {
  for (const design_view& v : every_design(500)) {
    const auto n = static_cast<std::size_t>(v.num_samples);
    const int d = v.num_parameters;
    std::vector<double> sweep(n * d), parallel(n * d, -1.0);
    for (index_t i = 0; i < v.num_samples; ++i) design_unit_point(v, i, &sweep[static_cast<std::size_t>(i) * d]);
    // Out of order, on two threads, items handed out dynamically: the same bits.
    parallel_for(v.num_samples, 2, [&](index_t k) {
      const index_t i = v.num_samples - 1 - k;
      design_unit_point(v, i, &parallel[static_cast<std::size_t>(i) * d]);
    });
    EXPECT_EQ(std::memcmp(sweep.data(), parallel.data(), sweep.size() * sizeof(double)), 0)
        << design_kind_name(v.kind);
    for (const index_t i : {index_t{0}, index_t{1}, v.num_samples / 2, v.num_samples - 1}) {
      const auto u = unit_point(v, i);
      EXPECT_EQ(std::memcmp(u.data(), &sweep[static_cast<std::size_t>(i) * d], d * sizeof(double)), 0);
      const auto m1 = evaluate_design_sample<double>(v, i), m2 = evaluate_design_sample<double>(v, i);
      EXPECT_EQ(std::memcmp(&m1, &m2, sizeof m1), 0);
    }
  }
}

TEST(DesignDecode, FarIndicesAreFiniteAndRepeatable) {
  // Designs of more than 2^32 samples; scrambled Sobol' points stop at 2^32.
  const index_t big = (index_t{1} << 33) + 11;
  for (design_view v : every_design(big)) {
    const bool scrambled = v.scramble;
    if (scrambled) {
      v.num_points = sobol_scrambled_max_points;
      v.num_samples = v.num_points * v.rows_per_point;
    }
    for (const index_t i : {index_t{0}, index_t{1}, (index_t{1} << 32) + 5, v.num_samples - 1}) {
      if (i >= v.num_samples) continue;
      const auto a = unit_point(v, i), b = unit_point(v, i);
      EXPECT_TRUE(same_bits(a, b));
      for (const double x : a) {
        EXPECT_TRUE(std::isfinite(x));
        EXPECT_GE(x, 0.0);
        EXPECT_LE(x, v.kind == design_kind::morris ? 1.0 : std::nextafter(1.0, 0.0))
            << design_kind_name(v.kind) << " sample " << i;
      }
    }
  }
  // Far LHS samples still land in their strata: (pi(i) + v) / n with pi(i) < n.
  const design_view lhs = make_view(design_kind::lhs, big, 3);
  for (const index_t i : {(index_t{1} << 32) + 5, big - 1}) {
    const auto u = unit_point(lhs, i);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(exact_stratum(u[j], big), permute(i, big, lhs_key(lhs.seed, j)));
  }
}

// ---- Values and metrics ----

TEST(DesignValues, InverseCdfsOfTheParameters) {
  design_view v = make_view(design_kind::mc, 10, 0);
  v.num_parameters = 4;
  const double choices[3] = {1.0, 10.0, 100.0};
  v.params[0] = {countries_datasets, make_normal(100.0, 10.0), nullptr};
  v.params[1] = {countries_share_prob, make_uniform(0.2, 0.6), nullptr};
  v.params[2] = {standards_count, make_integers(1, 10), nullptr};
  v.params[3] = {exchange_activities, make_choice(3), choices};
  for (int f = 0; f < num_grid_fields; ++f) {
    v.fixed_ints[f] = 100 + f;
    v.fixed_reals[f] = 0.5 + f;
  }
  {
    const double u[4] = {0.0, 0.0, 0.0, 0.0};  // the unscrambled Sobol' point 0
    const field_values f = design_field_values(v, u);
    EXPECT_TRUE(std::isfinite(f.reals[countries_datasets]));
    EXPECT_EQ(f.reals[countries_datasets], 100.0 + 10.0 * normal_quantile(unit_clamp_lo));
    EXPECT_LT(f.reals[countries_datasets], 100.0 - 80.0);  // 2^-53 is 8.2 sigma below the mean
    EXPECT_EQ(f.reals[countries_share_prob], 0.2);
    EXPECT_EQ(f.ints[standards_count], 1);
    EXPECT_EQ(f.reals[exchange_activities], 1.0);
  }
  {
    const double u[4] = {0.5, 0.25, 0.55, 0.5};
    const field_values f = design_field_values(v, u);
    EXPECT_EQ(f.reals[countries_datasets], 100.0);
    EXPECT_EQ(f.reals[countries_share_prob], 0.2 + 0.25 * (0.6 - 0.2));
    EXPECT_EQ(f.ints[standards_count], 6);  // 1 + floor(0.55 * 10)
    EXPECT_EQ(f.reals[exchange_activities], 10.0);
  }
  {
    const double top = unit_clamp_hi;  // the largest unit coordinate below 1
    const double u[4] = {top, top, top, top};
    const field_values f = design_field_values(v, u);
    EXPECT_TRUE(std::isfinite(f.reals[countries_datasets]));
    EXPECT_GT(f.reals[countries_datasets], 180.0);
    EXPECT_LE(f.reals[countries_share_prob], 0.6);
    EXPECT_EQ(f.ints[standards_count], 10);
    EXPECT_EQ(f.reals[exchange_activities], 100.0);
  }
  // Fixed fields keep their values; varied ones are overwritten in their own slot only.
  const double u[4] = {0.3, 0.3, 0.3, 0.3};
  const field_values f = design_field_values(v, u);
  for (int k = 0; k < num_grid_fields; ++k) {
    if (k == countries_datasets || k == countries_share_prob || k == exchange_activities) continue;
    EXPECT_EQ(f.reals[k], 0.5 + k) << grid_field_names[k];
    if (k != standards_count) {
      EXPECT_EQ(f.ints[k], 100 + k) << grid_field_names[k];
    }
  }
}

/// Fixed values of a small scenario: 5 countries of 100 datasets, 3 standards, ...
void set_fixed(index_t* ints, double* reals) {
  for (int k = 0; k < num_grid_fields; ++k) {
    ints[k] = 0;
    reals[k] = 0;
  }
  ints[countries_count] = 5;
  reals[countries_datasets] = 100.0;
  reals[countries_share_prob] = 0.5;
  ints[standards_count] = 3;
  reals[standards_difficulty] = 1.5;
  reals[exchange_activities] = 10.0;
  ints[exchange_countries_per_activity] = 2;
  ints[resources_count] = 4;
  reals[resources_share_prob] = 0.3;
  ints[ethics_count] = 2;
  reals[ethics_difficulty] = 0.4;
}

/// A problem where countries.share_prob ~ uniform [a, b] and resources.share_prob ~ uniform [0, 1].
problem share_prob_problem(double a, double b) {
  problem p;
  p.source = "<test>";
  set_fixed(p.ints.data(), p.reals.data());
  problem_parameter q;
  q.field = countries_share_prob;
  q.dist = make_uniform(a, b);
  q.group = grid_field_names[countries_share_prob];
  problem_parameter r;
  r.field = resources_share_prob;
  r.dist = make_uniform(0.0, 1.0);
  r.group = grid_field_names[resources_share_prob];
  p.parameters = {q, r};
  return p;
}

TEST(DesignMetrics, SampleEqualsItsFieldValuesAndTheGridClosedForm) {
  design_options o;
  o.kind = design_kind::sobol;
  o.n = 256;
  o.scramble = true;
  o.seed = 3;
  const design_source src(share_prob_problem(0.2, 0.6), o);
  const design_view v = src.view();
  ASSERT_EQ(v.num_parameters, 2);
  for (index_t i = 0; i < v.num_samples; ++i) {
    double u[max_parameters];
    design_unit_point(v, i, u);
    const field_values f = design_field_values(v, u);
    const metric_row<double> row = evaluate_design_sample<double>(v, i);
    const metric_row<double> direct = evaluate_field_values<double>(f);
    ASSERT_EQ(std::memcmp(&row, &direct, sizeof row), 0) << i;
    // The output columns are these values, in problem order.
    EXPECT_EQ(src.parameter_values(i), (std::vector<double>{f.reals[countries_share_prob],
                                                            f.reals[resources_share_prob]}));
    // A 1-point grid at the same values gives the same row, bit for bit. (Its axes are
    // the sample's values, known at run time only: constants would let the compiler fold
    // the libm calls, correctly rounded, where the design calls libm.)
    index_t ints[num_grid_fields];
    double reals[num_grid_fields];
    set_fixed(ints, reals);
    for (int k = 0; k < num_grid_fields; ++k) {
      if (grid_field_is_integer(k)) {
        ASSERT_EQ(f.ints[k], ints[k]) << grid_field_names[k];
      } else if (k != countries_share_prob && k != resources_share_prob) {
        ASSERT_EQ(f.reals[k], reals[k]) << grid_field_names[k];
      }
    }
    std::memcpy(ints, f.ints, sizeof ints);
    std::memcpy(reals, f.reals, sizeof reals);
    grid_view<double> g;
    g.num_scenarios = 1;
    for (int k = 0; k < num_grid_fields; ++k) {
      g.size[k] = 1;
      if (grid_field_is_integer(k)) {
        g.ints[k] = &ints[k];
      } else {
        g.reals[k] = &reals[k];
      }
    }
    const double standards_log_q = consensus_log_q(ints[standards_count]);
    const double ethics_log_q = consensus_log_q(ints[ethics_count]);
    const double activities_log10 = log10_activities(reals[exchange_activities]);
    g.standards_log_q = &standards_log_q;
    g.ethics_log_q = &ethics_log_q;
    g.activities_log10 = &activities_log10;
    const metric_row<double> grid_row = evaluate_grid_scenario(g, 0);
    for (int m = 0; m < num_metrics; ++m) ASSERT_EQ(row.v[m], grid_row.v[m]) << i << ' ' << metric_names[m];
    // And MODEL.md's formula: S = N D p.
    const double p = f.reals[countries_share_prob];
    ASSERT_GE(p, 0.2);
    ASSERT_LE(p, 0.6);
    EXPECT_NEAR(row[metric::shared_expected], 5 * 100.0 * p, 1e-12);
    EXPECT_NEAR(row[metric::resources_shared], 4 * f.reals[resources_share_prob], 1e-15);
  }
}

/// The mean of shared_expected over the n samples of design `kind` on share_prob_problem(a, b).
double mean_shared_expected(design_kind kind, index_t n, double a, double b) {
  design_options o;
  o.kind = kind;
  o.n = n;
  o.seed = 2026;
  const design_source src(share_prob_problem(a, b), o);
  const design_view v = src.view();
  long double sum = 0;
  for (index_t i = 0; i < v.num_samples; ++i) sum += evaluate_design_sample<double>(v, i)[metric::shared_expected];
  return static_cast<double>(sum / static_cast<long double>(v.num_samples));
}

TEST(DesignMetrics, McAndLhsMeansMatchTheExpectation) {
  // S = N D p with p ~ uniform [a, b]: E S = N D (a + b) / 2, sd N D (b - a) / sqrt(12).
  const double a = 0.2, b = 0.6, nd = 5 * 100.0;
  const index_t n = 100000;
  const double expected = nd * (a + b) / 2;
  const double sd = nd * (b - a) / std::sqrt(12.0);
  const double se_mc = sd / std::sqrt(static_cast<double>(n));
  EXPECT_NEAR(mean_shared_expected(design_kind::mc, n, a, b), expected, 4 * se_mc);
  // LHS: the stratum midpoints average to 1/2 exactly, leaving the jitter's mean over n
  // strata: sd / (n sqrt(n)), n times tighter than mc.
  const double se_lhs = se_mc / static_cast<double>(n);
  EXPECT_NEAR(mean_shared_expected(design_kind::lhs, n, a, b), expected, 4 * se_lhs);
  // A check that can fail: the mc mean is not that close.
  EXPECT_GT(std::fabs(mean_shared_expected(design_kind::mc, n, a, b) - expected), 4 * se_lhs);
}

}  // namespace
}  // namespace coopgrid::design

namespace coopgrid {
namespace {

// ---- design_source: the view built from a problem and the options ----

TEST(DesignSource, ViewCarriesTheProblemAndOptions) {
  problem p;
  p.source = "<test>";
  p.ints[countries_count] = 7;
  p.reals[ethics_difficulty] = 0.25;
  problem_parameter q;
  q.field = exchange_activities;
  q.dist = design::make_choice(2);
  q.choices = {3.0, 30.0};
  p.parameters = {q, q, q};
  p.parameters[0].field = countries_share_prob;
  p.parameters[0].dist = design::make_uniform(0.1, 0.2);
  p.parameters[0].choices.clear();
  p.parameters[2].field = ethics_count;
  p.parameters[2].dist = design::make_integers(2, 5);
  p.parameters[2].choices.clear();
  design_options o;
  o.kind = design::design_kind::saltelli;
  o.n = 16;
  o.second_order = true;
  o.seed = 9;
  const design_source src(p, o);
  EXPECT_EQ(src.num_samples, 16 * (2 * 3 + 2));
  const design::design_view v = src.view();
  EXPECT_EQ(v.num_parameters, 3);
  EXPECT_EQ(v.rows_per_point, 8);
  EXPECT_EQ(v.num_points, 16);
  EXPECT_EQ(v.num_samples, src.num_samples);
  EXPECT_TRUE(v.second_order);
  EXPECT_FALSE(v.mc_base);
  EXPECT_EQ(v.seed, 9u);
  EXPECT_EQ(v.params[1].field, exchange_activities);
  EXPECT_EQ(v.params[1].choices, src.prob.parameters[1].choices.data());
  EXPECT_EQ(v.params[0].choices, nullptr);
  EXPECT_EQ(v.fixed_ints[countries_count], 7);
  EXPECT_EQ(v.fixed_reals[ethics_difficulty], 0.25);
  for (index_t i = 0; i < v.num_samples; ++i) {
    const auto values = src.parameter_values(i);
    ASSERT_EQ(values.size(), 3u);
    EXPECT_TRUE(values[0] >= 0.1 && values[0] <= 0.2);
    EXPECT_TRUE(values[1] == 3.0 || values[1] == 30.0);
    EXPECT_TRUE(values[2] >= 2 && values[2] <= 5 && values[2] == std::floor(values[2]));
  }
}

TEST(DesignSource, ScrambledSobolPointsStopAt2To32) {
  // sobol_scrambled_coordinate keeps 32 digits: point 2^32 + k would reuse point k's cells.
  design_options o;
  o.kind = design::design_kind::sobol;
  o.scramble = true;
  o.n = design::sobol_scrambled_max_points;
  EXPECT_NO_THROW(o.validate(3));
  o.n += 1;
  test::expect_usage_error([&] { o.validate(3); },
                           "--n 4294967297: Owen-scrambled Sobol' points are defined for at most 2^32 points "
                           "(--scramble keeps 32 digits)");
  o.kind = design::design_kind::saltelli;
  test::expect_usage_error([&] { o.validate(3); },
                           "--n 4294967297: Owen-scrambled Sobol' points are defined for at most 2^32 points "
                           "(--scramble keeps 32 digits)");
  o.scramble = false;  // unscrambled: 64 digits
  EXPECT_NO_THROW(o.validate(3));
  o.kind = design::design_kind::sobol;
  EXPECT_NO_THROW(o.validate(3));
}

}  // namespace
}  // namespace coopgrid
