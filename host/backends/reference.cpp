#include "host/backends/reference.hpp"

#include <cmath>

namespace coopgrid::reference {
namespace {

using real = long double;

/// 1 - (1 - 1/n)^x, MODEL.md section 2 (n = 0: 0; n = 1: 0^x).
real consensus(std::size_t n, real x) {
  if (n == 0) return 0;
  if (n == 1) return x > 0 ? 1 : 0;
  return -std::expm1(x * std::log1p(-1.0L / static_cast<real>(n)));
}

/// A standards or ethics list, straight from MODEL.md section 2.
consensus_result<real> consensus_block(const std::vector<double>& difficulty) {
  const std::size_t n = difficulty.size();
  real sum = 0, product = 1, expected = 0, constrained = 0;
  for (double x : difficulty) {
    const real p = consensus(n, x);
    sum += x;
    product *= p;
    expected += p;
    if (x <= 1) constrained += 1;
  }
  return consensus_result<real>{sum, consensus(n, sum), product, expected, constrained};
}

}  // namespace

row evaluate(const scenario& s) {
  real d = 0, shared = 0, variance = 0, quota = 0;
  for (std::size_t i = 0; i < s.datasets.size(); ++i) {
    const real di = s.datasets[i], pi = s.country_share_prob[i];
    d += di;
    shared += pi * di;
    variance += di * pi * (1 - pi);
    // MODEL.md floors the product formed in double, not in long double.
    const double product = s.datasets[i] * s.country_share_prob[i];
    quota += std::floor(product);
  }
  real effect = 0, total = 0;
  if (s.countries_per_activity > 0) {
    const real g = static_cast<real>(s.countries_per_activity);
    const real lg = std::log10(static_cast<real>(s.activities));  // -inf for T = 0
    effect = g * lg;
    total = g * (g + 1) / 2 * lg;
  }
  real resources = 0;
  for (double r : s.resource_share_prob) resources += r;
  // The row is assembled by name from the metric table (kernels/metrics.hpp).
  const scenario_result<real> result{countries_result<real>{d, shared, variance, quota},
                                     consensus_block(s.standard_difficulty), exchange_result<real>{effect, total},
                                     resources_result<real>{resources}, consensus_block(s.ethics_difficulty)};
  row r;
  write_metrics(result, r.data());
  return r;
}

template <class T>
scenario batch_scenario(const batch_columns<T>& c, index_t s) {
  scenario out;
  out.activities = c.activities[s];
  out.countries_per_activity = c.countries_per_activity[s];
  for (index_t i = c.country_offsets[s]; i < c.country_offsets[s + 1]; ++i) {
    out.datasets.push_back(c.datasets[i]);
    out.country_share_prob.push_back(c.country_share_prob[i]);
  }
  for (index_t i = c.standard_offsets[s]; i < c.standard_offsets[s + 1]; ++i) {
    out.standard_difficulty.push_back(c.standard_difficulty[i]);
  }
  for (index_t i = c.resource_offsets[s]; i < c.resource_offsets[s + 1]; ++i) {
    out.resource_share_prob.push_back(c.resource_share_prob[i]);
  }
  for (index_t i = c.ethics_offsets[s]; i < c.ethics_offsets[s + 1]; ++i) {
    out.ethics_difficulty.push_back(c.ethics_difficulty[i]);
  }
  return out;
}

template scenario batch_scenario<float>(const batch_columns<float>&, index_t);
template scenario batch_scenario<double>(const batch_columns<double>&, index_t);

namespace {
/// A scenario of uniform blocks: every item of a block takes the field's value.
scenario uniform_scenario(const index_t* ints, const double* reals, bool as_float) {
  auto real_at = [&](int f) { return as_float ? static_cast<double>(static_cast<float>(reals[f])) : reals[f]; };
  auto int_at = [&](int f) { return static_cast<std::size_t>(ints[f]); };
  scenario s;
  s.activities = real_at(exchange_activities);
  s.countries_per_activity = ints[exchange_countries_per_activity];
  s.datasets.assign(int_at(countries_count), real_at(countries_datasets));
  s.country_share_prob.assign(int_at(countries_count), real_at(countries_share_prob));
  s.standard_difficulty.assign(int_at(standards_count), real_at(standards_difficulty));
  s.resource_share_prob.assign(int_at(resources_count), real_at(resources_share_prob));
  s.ethics_difficulty.assign(int_at(ethics_count), real_at(ethics_difficulty));
  return s;
}
}  // namespace

scenario grid_scenario(const grid& g, index_t k, bool as_float) {
  // Plain mixed-radix decoding, written independently of kernels/grid_view.hpp.
  std::array<index_t, num_grid_fields> p{};
  for (int f = num_grid_fields - 1; f >= 0; --f) {
    p[f] = k % g.size(f);
    k /= g.size(f);
  }
  std::array<index_t, num_grid_fields> ints{};
  std::array<double, num_grid_fields> reals{};
  for (int f = 0; f < num_grid_fields; ++f) {
    if (grid_field_is_integer(f)) {
      ints[f] = g.ints[f][p[f]];
    } else {
      reals[f] = g.reals[f][p[f]];
    }
  }
  return uniform_scenario(ints.data(), reals.data(), as_float);
}

namespace {
scenario design_scenario(const design_source& d, index_t k, bool as_float) {
  // The unit point and inverse CDFs (or the user's matrix) are the design's definition (DESIGNS.md section 2:
  // bit-identical everywhere), so the reference shares them; the metrics it computes itself.
  const design::field_values f = design::design_sample_field_values(d.view(), k);
  return uniform_scenario(f.ints, f.reals, as_float);
}
}  // namespace

scenario source_scenario(const source& src, index_t k, bool as_float) {
  return src.visit(
      [&](const batch& b) {
        scenario s = batch_scenario(b.columns, k);
        if (as_float) {
          auto round = [](double& v) { v = static_cast<double>(static_cast<float>(v)); };
          round(s.activities);
          for (auto* list : {&s.datasets, &s.country_share_prob, &s.standard_difficulty, &s.resource_share_prob,
                             &s.ethics_difficulty}) {
            for (double& v : *list) round(v);
          }
        }
        return s;
      },
      [&](const grid& g) { return grid_scenario(g, k, as_float); },
      [&](const design_source& d) { return design_scenario(d, k, as_float); });
}

}  // namespace coopgrid::reference
