// coopgrid_design_bench: what sampling a design costs next to evaluating its samples
// (bench/RESULTS.md, "Sampling designs"). For each design at d = 11 and d = 4, on one
// thread and on all cores:
//   unit    design_unit_point (sample i from its index alone)
//   eval    design_field_values + evaluate_field_values<double> on unit points already
//           drawn (inverse CDFs + metrics: the evaluation a design adds its unit point to)
//   sample  evaluate_design_sample<double> (unit point + inverse CDFs + metrics)
// and the ratio unit / eval. Nothing is stored: every loop folds its results into a
// checksum, so nothing is memory-bound and the compiler cannot drop the work.
//
//   coopgrid_design_bench [--n N (250000)] [--repeats R (3)] [--smoke]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "host/source/design.hpp"
#include "host/util/parallel.hpp"

using namespace coopgrid;
using design::design_kind;

namespace {

int repeats = 3;

double median_seconds(const std::function<double()>& fn) {
  volatile double sink = fn();  // warm-up
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const auto a = std::chrono::steady_clock::now();
    sink = sink + fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

/// fn(i) for i in [0, n) on `threads` threads, in chunks; the sum of what fn returns.
template <class Fn>
double chunked_sum(index_t n, int threads, Fn&& fn) {
  constexpr index_t chunk = index_t{1} << 14;
  const index_t chunks = (n + chunk - 1) / chunk;
  std::vector<double> partial(static_cast<std::size_t>(chunks), 0.0);
  parallel_for(chunks, threads, [&](index_t c) {
    double s = 0;
    const index_t end = std::min(n, (c + 1) * chunk);
    for (index_t i = c * chunk; i < end; ++i) s += fn(i);
    partial[static_cast<std::size_t>(c)] = s;
  });
  double s = 0;
  for (double x : partial) s += x;
  return s;
}

problem_parameter parameter(int field, design::distribution dist) {
  problem_parameter p;
  p.field = field;
  p.dist = dist;
  p.group = grid_field_names[field];
  return p;
}

/// d = 11: every field varies (counts as integers, the reals by five kinds of distribution);
/// d = 4: four reals vary, the rest are W1-like fixed values.
problem bench_problem(int d) {
  using namespace design;
  problem p;
  p.source = fmt::format("bench d={}", d);
  p.ints[countries_count] = 64;
  p.reals[countries_datasets] = 1e4;
  p.reals[countries_share_prob] = 0.5;
  p.ints[standards_count] = 16;
  p.reals[standards_difficulty] = 2.5;
  p.reals[exchange_activities] = 10;
  p.ints[exchange_countries_per_activity] = 5;
  p.ints[resources_count] = 8;
  p.reals[resources_share_prob] = 0.5;
  p.ints[ethics_count] = 8;
  p.reals[ethics_difficulty] = 2.5;
  if (d == 11) {
    p.parameters = {parameter(countries_count, make_integers(1, 128)),
                    parameter(countries_datasets, make_loguniform(1e2, 1e6)),
                    parameter(countries_share_prob, make_uniform(0, 1)),
                    parameter(standards_count, make_integers(1, 32)),
                    parameter(standards_difficulty, make_triangular(0, 1, 5)),
                    parameter(exchange_activities, make_uniform(1, 20)),
                    parameter(exchange_countries_per_activity, make_integers(0, 10)),
                    parameter(resources_count, make_integers(1, 16)),
                    parameter(resources_share_prob, make_truncnormal(0.5, 0.2, 0, 1)),
                    parameter(ethics_count, make_integers(1, 16)),
                    parameter(ethics_difficulty, make_lognormal(0, 0.5))};
  } else {
    p.parameters = {parameter(countries_share_prob, make_uniform(0, 1)),
                    parameter(standards_difficulty, make_triangular(0, 1, 5)),
                    parameter(exchange_activities, make_loguniform(1, 20)),
                    parameter(resources_share_prob, make_truncnormal(0.5, 0.2, 0, 1))};
  }
  return p;
}

struct bench_design {
  const char* name;
  design_options options;
};

std::vector<bench_design> bench_designs(index_t n, int d) {
  auto make = [&](design_kind kind) {
    design_options o;
    o.kind = kind;
    o.n = n;
    o.seed = 2026;
    return o;
  };
  design_options scrambled = make(design_kind::sobol);
  scrambled.scramble = true;
  // Saltelli and Morris: n samples in all (base points or trajectories times their rows).
  design_options saltelli = make(design_kind::saltelli);
  saltelli.second_order = true;
  saltelli.n = std::max<index_t>(1, n / (2 * d + 2));
  design_options saltelli_mc = saltelli;
  saltelli_mc.mc_base = true;
  design_options morris = make(design_kind::morris);
  morris.n = std::max<index_t>(1, n / (d + 1));
  return {{"mc", make(design_kind::mc)},
          {"lhs", make(design_kind::lhs)},
          {"sobol", make(design_kind::sobol)},
          {"sobol --scramble", scrambled},
          {"saltelli --second-order", saltelli},
          {"saltelli --second-order --base mc", saltelli_mc},
          {"morris --levels 4", morris}};
}

}  // namespace

int main(int argc, char** argv) {
  index_t n = 250000;  // the whole table in ~2-3 min on 2 cores
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--smoke") {
      n = 4096;
      repeats = 1;
    } else if (a == "--n" && i + 1 < argc) {
      n = static_cast<index_t>(std::stod(argv[++i]));
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::stoi(argv[++i]);
    } else {
      fmt::print(stderr, "usage: coopgrid_design_bench [--n N] [--repeats R] [--smoke]\n");
      return 2;
    }
  }
  const int all = hardware_threads();
  fmt::print("coopgrid_design_bench: about {} samples per design, median of {} runs, {} hardware threads\n", n,
             repeats, all);
  fmt::print("{:>2} {:<34} {:>7} {:>12} {:>12} {:>12} {:>10} {:>12}\n", "d", "design", "threads", "unit pt/s",
             "eval /s", "sample /s", "unit/eval", "core-ns/pt");
  for (const int d : {11, 4}) {
    const problem prob = bench_problem(d);
    for (const bench_design& b : bench_designs(n, d)) {
      const design_source src(prob, b.options);
      const design::design_view v = src.view();
      const index_t m = v.num_samples;
      // The unit points `eval` reads: the design's own, 4096 of them cycled (L2-resident).
      constexpr index_t pool = 4096;
      std::vector<double> points(static_cast<std::size_t>(pool * d));
      for (index_t i = 0; i < pool; ++i) design::design_unit_point(v, i % m, &points[static_cast<std::size_t>(i * d)]);
      for (const int threads : {1, all}) {
        if (threads == all && all == 1) continue;
        const double t_unit = median_seconds([&] {
          return chunked_sum(m, threads, [&](index_t i) {
            double u[design::max_parameters];
            design::design_unit_point(v, i, u);
            double s = 0;
            for (int j = 0; j < d; ++j) s += u[j];
            return s;
          });
        });
        const double t_eval = median_seconds([&] {
          return chunked_sum(m, threads, [&](index_t i) {
            const double* u = &points[static_cast<std::size_t>((i & (pool - 1)) * d)];
            const metric_row<double> r = design::evaluate_field_values<double>(design::design_field_values(v, u));
            double s = 0;
            for (int k = 0; k < num_metrics; ++k) s += r.v[k];
            return s;
          });
        });
        const double t_sample = median_seconds([&] {
          return chunked_sum(m, threads, [&](index_t i) {
            const metric_row<double> r = design::evaluate_design_sample<double>(v, i);
            double s = 0;
            for (int k = 0; k < num_metrics; ++k) s += r.v[k];
            return s;
          });
        });
        const double mm = static_cast<double>(m);
        fmt::print("{:>2} {:<34} {:>7} {:>12.4g} {:>12.4g} {:>12.4g} {:>10.3f} {:>12.2f}\n", d, b.name, threads,
                   mm / t_unit, mm / t_eval, mm / t_sample, t_unit / t_eval, t_unit / mm * 1e9 * threads);
      }
    }
  }
  return 0;
}
