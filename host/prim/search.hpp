#pragma once
// PRIM's search, once, over any space that can count and take quantiles:
// rows in memory (prim.cpp), a grid counted block by block (grid_prim.cpp) or
// rows streamed through per-input histograms (streamed.cpp).
// A Space provides:
//   std::int64_t columns() const;   box_limits initial() const;
//   std::int64_t total_rows() const; std::int64_t total_cases() const;
//   counts count(const box_limits& b, const std::vector<std::int64_t>& dims, bool within_box) const;
//       rows and cases inside b, checking the inputs `dims` (the others span
//       everything); within_box: b lies inside the current box (a peel)
//   double quantile(std::int64_t j, double q, bool upper) const;   EMA's quantile of input j over the current box
//   std::optional<double> slab_quantile(const box_limits& slab, const std::vector<std::int64_t>& dims,
//                                       std::int64_t j, double q, bool upper) const;  over all rows in the slab
//       upper: the cut becomes an upper limit (a space whose cuts fall between bins keeps a bin whole)
//   void enter(const box_limits& b);   b becomes the current box
#include <optional>
#include <vector>

#include "host/prim/prim.hpp"
#include "host/util/errors.hpp"

namespace coopgrid::prim {

struct counts {
  std::int64_t rows = 0, cases = 0;
};

namespace search_detail {

inline double mean(const counts& c) {
  return c.rows > 0 ? static_cast<double>(c.cases) / static_cast<double>(c.rows) : 0.0;
}

// EMA's lenient1 objective: the gain in mean over the change in row count.
inline double lenient1(const counts& old_box, const counts& new_box) {
  const double a = mean(old_box), b = mean(new_box);
  if (a == b) return 0.0;
  COOPGRID_EXPECTS(old_box.rows != new_box.rows, "prim: different means over the same number of rows");
  const std::int64_t d = old_box.rows > new_box.rows ? old_box.rows - new_box.rows : new_box.rows - old_box.rows;
  return (b - a) / static_cast<double>(d);
}

inline std::vector<std::int64_t> restricted_dims(const box_limits& b, const box_limits& init) {
  std::vector<std::int64_t> dims;
  for (std::size_t j = 0; j < b.lower.size(); ++j)
    if (b.lower[j] != init.lower[j] || b.upper[j] != init.upper[j]) dims.push_back(static_cast<std::int64_t>(j));
  return dims;
}

struct candidate {
  box_limits limits;
  counts inside;
  double objective = 0;
  std::int64_t unrestricted = 0;
};

// EMA sorts (objective, unrestricted count) descending with a stable sort:
// the first candidate in generation order wins a tie.
inline const candidate& best(const std::vector<candidate>& all) {
  const candidate* b = &all.front();
  for (const candidate& c : all)
    if (c.objective > b->objective || (c.objective == b->objective && c.unrestricted > b->unrestricted)) b = &c;
  return *b;
}

template <class Space>
box_entry make_entry(const Space& s, const box_limits& limits, const counts& inside) {
  box_entry e;
  e.limits = limits;
  e.rows = inside.rows;
  e.cases = inside.cases;
  e.coverage = static_cast<double>(e.cases) / static_cast<double>(s.total_cases());
  e.density = mean(inside);
  e.mass = static_cast<double>(e.rows) / static_cast<double>(s.total_rows());
  const box_limits init = s.initial();
  const std::vector<std::int64_t> dims = restricted_dims(limits, init);
  e.restricted = static_cast<std::int64_t>(dims.size());
  e.quasi_p.assign(static_cast<std::size_t>(s.columns()), {-1.0, -1.0});
  for (std::int64_t u : dims) {
    for (int side = 0; side < 2; ++side) {  // that limit removed: a one-sided binomial test
      const double unlimited = side == 0 ? init.lower[u] : init.upper[u];
      if ((side == 0 ? limits.lower[u] : limits.upper[u]) == unlimited) continue;
      box_limits wider = limits;
      (side == 0 ? wider.lower : wider.upper)[u] = unlimited;
      const counts c = s.count(wider, dims, false);
      e.quasi_p[u][side] = binomial_upper_tail(e.cases, e.rows, static_cast<double>(c.cases) / static_cast<double>(c.rows));
    }
  }
  return e;
}

// One peeling step's candidates, in EMA's order: per input, upper then lower.
template <class Space>
std::vector<candidate> peels(const Space& s, const box_limits& limits, const prim_options& o) {
  std::vector<candidate> out;
  const std::vector<std::int64_t> dims = restricted_dims(limits, s.initial());
  for (std::int64_t j = 0; j < s.columns(); ++j) {
    for (bool upper : {true, false}) {
      candidate c{limits, {}, 0, 0};
      (upper ? c.limits.upper : c.limits.lower)[j] = s.quantile(j, upper ? 1 - o.peel_alpha : o.peel_alpha, upper);
      std::vector<std::int64_t> check = dims;
      check.push_back(j);
      c.inside = s.count(c.limits, check, true);
      out.push_back(std::move(c));
    }
  }
  return out;
}

// One pasting step's candidates: per restricted input, lower then upper; the
// cut is EMA's quantile of the input over the slab between box and initial limit.
template <class Space>
std::vector<candidate> pastes(const Space& s, const box_limits& limits, const prim_options& o) {
  std::vector<candidate> out;
  const box_limits init = s.initial();
  const std::vector<std::int64_t> dims = restricted_dims(limits, init);
  for (std::int64_t u : dims) {
    for (bool upper : {false, true}) {
      box_limits slab = limits;
      if (upper) slab.lower[u] = limits.upper[u], slab.upper[u] = init.upper[u];
      else slab.lower[u] = init.lower[u], slab.upper[u] = limits.lower[u];
      const std::optional<double> q = s.slab_quantile(slab, dims, u, upper ? o.paste_alpha : 1 - o.paste_alpha, upper);
      candidate c{limits, {}, 0, 0};
      (upper ? c.limits.upper : c.limits.lower)[u] = q ? *q : (upper ? init.upper[u] : init.lower[u]);
      c.inside = s.count(c.limits, dims, false);
      out.push_back(std::move(c));
    }
  }
  return out;
}

template <class Space>
prim_result search(Space& s, const prim_options& o) {
  if (s.total_cases() == 0) throw input_error("prim: no case of interest: no row passes every --where");
  prim_result out;
  out.initial = s.initial();
  out.total_rows = s.total_rows();
  out.total_cases = s.total_cases();
  box_limits limits = s.initial();
  counts inside{s.total_rows(), s.total_cases()};
  s.enter(limits);
  out.trajectory.push_back(make_entry(s, limits, inside));
  for (bool pasting : {false, true}) {
    for (;;) {
      std::vector<candidate> all = pasting ? pastes(s, limits, o) : peels(s, limits, o);
      if (all.empty()) break;
      for (candidate& c : all) {
        c.objective = lenient1(inside, c.inside);
        c.unrestricted = s.columns() - static_cast<std::int64_t>(restricted_dims(c.limits, out.initial).size());
      }
      const candidate& c = best(all);
      const double mass_old = static_cast<double>(inside.rows) / static_cast<double>(s.total_rows());
      const double mass_new = static_cast<double>(c.inside.rows) / static_cast<double>(s.total_rows());
      const bool accept = mass_new >= o.mass_min && c.objective > 0 &&
                          (pasting ? mass_new > mass_old && mean(c.inside) > mean(inside) : mass_new < mass_old);
      if (!accept) break;
      limits = c.limits;
      inside = c.inside;
      s.enter(limits);
      out.trajectory.push_back(make_entry(s, limits, inside));
    }
    if (!pasting) out.peel_steps = static_cast<std::int64_t>(out.trajectory.size()) - 1;
  }
  out.threshold_met = out.trajectory.back().density >= o.threshold;
  return out;
}

}  // namespace search_detail
}  // namespace coopgrid::prim
