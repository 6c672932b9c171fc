#include "host/reduce/extrema.hpp"

#include <cmath>

namespace coopgrid {

void metric_summary::add(double v, index_t k) {
  add_extrema(v, k);
  if (std::isfinite(v)) sum.add(v);
}

void metric_summary::add_extrema(double v, index_t k) {
  ++count;
  // Strict comparisons: rows arrive in index order, so the first index wins ties.
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

void metric_summary::merge(const metric_summary& o) {
  if (o.count == 0) return;
  count += o.count;
  if (argmin < 0 || o.min < min || (o.min == min && o.argmin < argmin)) {
    min = o.min;
    argmin = o.argmin;
  }
  if (argmax < 0 || o.max > max || (o.max == max && o.argmax < argmax)) {
    max = o.max;
    argmax = o.argmax;
  }
  sum.merge(o.sum);
  has_pos_inf = has_pos_inf || o.has_pos_inf;
  has_neg_inf = has_neg_inf || o.has_neg_inf;
}

double metric_summary::mean() const {
  if (count == 0) return std::nan("");
  if (has_pos_inf && has_neg_inf) return std::nan("");
  if (has_pos_inf) return std::numeric_limits<double>::infinity();
  if (has_neg_inf) return -std::numeric_limits<double>::infinity();
  return sum.value() / static_cast<double>(count);
}

}  // namespace coopgrid
