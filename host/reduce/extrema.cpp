#include "host/reduce/extrema.hpp"

#include <fmt/format.h>

#include <cmath>

#include "host/util/errors.hpp"

namespace coopgrid {

void metric_summary::add(double v, index_t k) {
  add_extrema(v, k);
  if (std::isfinite(v)) for_each_moment_term(v, [&](int j, double t) { moments[static_cast<std::size_t>(j)].add(t); });
}

void metric_summary::add_extrema(double v, index_t k) {
  ++count;
  // Strict comparisons: rows arrive in index order within a unit, so the first index wins
  // ties, as the SIMD fold's running extrema do (also for a unit added before a lower one).
  // The first row always sets both (all -inf still has a first argmax, as on the device).
  if (argmin < 0 || v < min) {
    min = v;
    argmin = k;
  }
  if (argmax < 0 || v > max) {
    max = v;
    argmax = k;
  }
  if (std::isinf(v)) (v > 0 ? has_pos_inf : has_neg_inf) = true;
}

void metric_summary::multiply_sums(std::uint64_t m) {
  for (auto& s : moments) s.multiply(m);
}

void metric_summary::merge(const metric_summary& o) {
  if (o.count == 0) return;
  count += o.count;
  if (takes_min(o.min, o.argmin, min, argmin)) {
    min = o.min;
    argmin = o.argmin;
  }
  if (takes_max(o.max, o.argmax, max, argmax)) {
    max = o.max;
    argmax = o.argmax;
  }
  for (std::size_t j = 0; j < moments.size(); ++j) moments[j].merge(o.moments[j]);
  has_pos_inf = has_pos_inf || o.has_pos_inf;
  has_neg_inf = has_neg_inf || o.has_neg_inf;
}

double metric_summary::mean() const {
  if (count == 0) return std::nan("");
  if (has_pos_inf && has_neg_inf) return std::nan("");
  if (has_pos_inf) return std::numeric_limits<double>::infinity();
  if (has_neg_inf) return -std::numeric_limits<double>::infinity();
  return moments[0].value() / static_cast<double>(count);
}

std::string metric_summary::moments_text() const {
  std::string t = fmt::format("{}", moments.size());
  for (const auto& s : moments) t += " " + s.to_hex();
  return t;
}

bool metric_summary::parse_moments(std::istream& in, const std::string& what) {
  long long n = -1;
  in >> n;
  if (!in || n < 1 || n > 64) return false;
  if (n != num_moments) {
    throw usage_error(fmt::format("{}: written by another version of coopgrid ({} power sums per metric, this "
                                  "version keeps {}): run it again with this version",
                                  what, n, num_moments));
  }
  for (auto& s : moments) {
    std::string hex;
    in >> hex;
    if (!in || !s.from_hex(hex)) return false;
  }
  return true;
}

}  // namespace coopgrid
