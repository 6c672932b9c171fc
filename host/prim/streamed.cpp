#include "host/prim/streamed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "host/prim/search.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/util/progress.hpp"

namespace coopgrid::prim {
namespace {

constexpr std::int64_t rows_per_block = 4096;

// One input's bins: value v is in bin upper_bound(edges, v); lo and hi are the
// smallest and largest value of every row in a bin (+inf and -inf when none).
struct bin_table {
  std::vector<double> edges, lo, hi;
  std::int64_t size() const { return static_cast<std::int64_t>(edges.size()) + 1; }
  std::int64_t bin(double v) const {
    return std::upper_bound(edges.begin(), edges.end(), v) - edges.begin();
  }
  bool filled(std::int64_t g) const { return lo[g] <= hi[g]; }
};

// Edges from the sorted sample: one bin per distinct value when there are at
// most `bins`, else bins of about sample / bins values, closed between two
// different values.
bin_table make_bins(std::vector<double>& sample, std::int64_t bins) {
  std::sort(sample.begin(), sample.end());
  std::int64_t different = 1;
  for (std::size_t i = 1; i < sample.size(); ++i) different += sample[i] != sample[i - 1];
  const auto n = static_cast<std::int64_t>(sample.size());
  const std::int64_t target = different <= bins ? 1 : (n + bins - 1) / bins;
  bin_table t;
  std::int64_t start = 0;
  for (std::int64_t i = 1; i < n; ++i) {
    if (sample[i] == sample[i - 1] || i - start < target) continue;
    t.edges.push_back(sample[i - 1] + (sample[i] - sample[i - 1]) / 2);
    start = i;
  }
  t.lo.assign(static_cast<std::size_t>(t.size()), std::numeric_limits<double>::infinity());
  t.hi.assign(static_cast<std::size_t>(t.size()), -std::numeric_limits<double>::infinity());
  return t;
}

// One pass's counts, per input and bin (flat, input j from offset[j]): rows
// and cases in the box, and rows and cases that only input j keeps out of it.
struct tallies {
  std::vector<std::int64_t> in_rows, in_cases, out_rows, out_cases;
  std::vector<double> lo, hi;  // the first pass: every bin's extremes
  void reset(std::size_t size, bool extremes) {
    for (auto* v : {&in_rows, &in_cases, &out_rows, &out_cases}) v->assign(size, 0);
    lo.assign(extremes ? size : 0, std::numeric_limits<double>::infinity());
    hi.assign(extremes ? size : 0, -std::numeric_limits<double>::infinity());
  }
  void add(const tallies& o) {
    for (std::size_t i = 0; i < in_rows.size(); ++i) {
      in_rows[i] += o.in_rows[i], in_cases[i] += o.in_cases[i];
      out_rows[i] += o.out_rows[i], out_cases[i] += o.out_cases[i];
    }
    for (std::size_t i = 0; i < lo.size(); ++i) lo[i] = std::min(lo[i], o.lo[i]), hi[i] = std::max(hi[i], o.hi[i]);
  }
};

class streamed_space {
 public:
  streamed_space(row_stream& rows, const stream_options& so)
      : rows_(rows), so_(so), n_(rows.rows()), cols_(rows.columns()), first_(so.group.first),
        last_(so.group.last < 0 ? n_ : so.group.last), meter_(last_ - first_, so.progress, "rows") {
    COOPGRID_EXPECTS(0 <= first_ && first_ <= last_ && last_ <= n_, "prim: a process's rows outside the rows");
    read_interest();
    place_bins();
    if (total_cases_ > 0) first_pass();  // else search() refuses the data at once
  }
  std::int64_t columns() const { return cols_; }
  std::int64_t total_rows() const { return n_; }
  std::int64_t total_cases() const { return total_cases_; }
  std::int64_t passes() const { return passes_; }
  std::int64_t bins(std::int64_t j) const { return bins_[j].size(); }
  bool cached() const { return !codes_.empty(); }
  box_limits initial() const { return initial_; }

  counts count(const box_limits& b, const std::vector<std::int64_t>&, bool) const {
    const std::int64_t j = changed_input(b);
    if (j < 0) return inside_;
    const auto [g0, g1] = range(j, b.lower[j], b.upper[j]);
    return sum(j, g0, g1, true);
  }
  double quantile(std::int64_t j, double q, bool upper) const {
    return binned_quantile(j, 0, bins_[j].size() - 1, false, q, upper).value();
  }
  std::optional<double> slab_quantile(const box_limits& slab, const std::vector<std::int64_t>&, std::int64_t j,
                                      double q, bool upper) const {
    COOPGRID_EXPECTS(changed_input(slab) < 0 || changed_input(slab) == j, "prim: a slab differs in another input");
    const auto [g0, g1] = range(j, slab.lower[j], slab.upper[j], true);
    return binned_quantile(j, g0, g1, true, q, upper);
  }
  void enter(const box_limits& b) {
    std::vector<std::int64_t> g0(cols_), g1(cols_);
    for (std::int64_t j = 0; j < cols_; ++j) std::tie(g0[j], g1[j]) = range(j, b.lower[j], b.upper[j]);
    if (g0 != box_lo_ || g1 != box_hi_) scan(g0, g1, false);
    current_ = b;
  }

 private:
  void read_interest();
  void place_bins();
  void first_pass();
  void scan(const std::vector<std::int64_t>& g0, const std::vector<std::int64_t>& g1, bool first);
  void scan_block(std::int64_t begin, std::int64_t count, const std::vector<double>& x, tallies& t, bool first,
                  bool read_codes);

  bool is_case(std::int64_t r) const { return (interest_[(r - first_) >> 6] >> ((r - first_) & 63)) & 1u; }
  std::int64_t changed_input(const box_limits& b) const {
    std::int64_t changed = -1;
    for (std::int64_t j = 0; j < cols_; ++j) {
      if (b.lower[j] == current_.lower[j] && b.upper[j] == current_.upper[j]) continue;
      COOPGRID_EXPECTS(changed < 0, "prim: a candidate box differs from the box in two inputs");
      changed = j;
    }
    return changed;
  }
  // The bins inside [lower, upper]: a box's limit never falls inside a bin.
  // A slab's may: EMA's slab takes the rows at the box's own limit too, and
  // with `touching` a bin is in where any of its values are.
  std::pair<std::int64_t, std::int64_t> range(std::int64_t j, double lower, double upper,
                                              bool touching = false) const {
    const bin_table& t = bins_[j];
    std::int64_t g0 = 0, g1 = t.size() - 1;
    for (std::int64_t g = 0; g < t.size(); ++g) {
      if (!t.filled(g)) continue;
      COOPGRID_EXPECTS(touching || (!(t.lo[g] < lower && lower <= t.hi[g]) && !(t.lo[g] <= upper && upper < t.hi[g])),
                       "prim: a limit inside a bin");
      if (t.hi[g] < lower) g0 = g + 1;  // below: with no bin split, the other bins are inside
      if (t.lo[g] > upper && g1 == t.size() - 1) g1 = g - 1;
    }
    return {g0, g1};
  }
  std::int64_t rows_at(std::int64_t j, std::int64_t g, bool outside) const {
    return box_.in_rows[offset_[j] + g] + (outside ? box_.out_rows[offset_[j] + g] : 0);
  }
  counts sum(std::int64_t j, std::int64_t g0, std::int64_t g1, bool outside) const {
    counts c;
    for (std::int64_t g = g0; g <= g1; ++g) {
      c.rows += rows_at(j, g, outside);
      c.cases += box_.in_cases[offset_[j] + g] + (outside ? box_.out_cases[offset_[j] + g] : 0);
    }
    return c;
  }
  std::optional<double> binned_quantile(std::int64_t j, std::int64_t g0, std::int64_t g1, bool outside, double q,
                                        bool upper) const;
  double cut(std::int64_t j, std::int64_t ga, std::int64_t gb, bool upper) const;

  row_stream& rows_;
  stream_options so_;
  std::int64_t n_, cols_;
  std::int64_t first_, last_;            // this process's rows
  std::vector<std::uint64_t> interest_;  // a bit a row of this process's
  std::vector<std::uint16_t> codes_;     // every row's bins, where they fit in so.cache_bytes
  std::int64_t total_cases_ = 0;
  std::vector<bin_table> bins_;
  std::vector<std::size_t> offset_;
  tallies box_;  // the current box's
  std::vector<std::int64_t> box_lo_, box_hi_;
  box_limits initial_, current_;
  counts inside_;
  std::int64_t passes_ = 0;
  progress_meter meter_;
};

void streamed_space::read_interest() {
  interest_.assign(static_cast<std::size_t>((last_ - first_ + 63) / 64), 0);
  constexpr std::int64_t chunk = std::int64_t{1} << 16;
  std::vector<std::uint8_t> flags(static_cast<std::size_t>(std::min(last_ - first_, chunk)));
  meter_.start_pass("cases of interest", last_ - first_);
  for (std::int64_t first = first_; first < last_; first += chunk) {
    const std::int64_t count = std::min(chunk, last_ - first);
    rows_.interest(first, count, flags.data());
    for (std::int64_t i = 0; i < count; ++i) {
      if (flags[i] == 0) continue;
      const std::int64_t bit = first - first_ + i;
      interest_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
      ++total_cases_;
    }
    meter_.add(count);
  }
  if (so_.group.sum) so_.group.sum(&total_cases_, 1);
}

// The bins of every input, from min(rows, sample) evenly spaced rows.
void streamed_space::place_bins() {
  const std::int64_t s = std::min(n_, so_.sample);
  std::vector<std::vector<double>> values(static_cast<std::size_t>(cols_), std::vector<double>(s));
  std::vector<double> x(static_cast<std::size_t>(cols_));
  for (std::int64_t i = 0; i < s; ++i) {
    const std::int64_t r = static_cast<std::int64_t>(static_cast<unsigned __int128>(i) * n_ / s);
    rows_.inputs(r, 1, x.data());
    for (std::int64_t j = 0; j < cols_; ++j) values[j][i] = x[j];
  }
  std::size_t total = 0;
  for (std::int64_t j = 0; j < cols_; ++j) {
    for (double v : values[j])
      if (!std::isfinite(v)) throw input_error(fmt::format("prim: input {} of a row is not finite ({})", j, v));
    bins_.push_back(make_bins(values[j], so_.bins));
    offset_.push_back(total);
    total += static_cast<std::size_t>(bins_.back().size());
  }
}

void streamed_space::first_pass() {
  std::vector<std::int64_t> g0(cols_, 0), g1(cols_);
  for (std::int64_t j = 0; j < cols_; ++j) g1[j] = bins_[j].size() - 1;
  scan(g0, g1, true);
  for (std::int64_t j = 0; j < cols_; ++j) {
    bin_table& t = bins_[j];
    for (std::int64_t g = 0; g < t.size(); ++g) t.lo[g] = box_.lo[offset_[j] + g], t.hi[g] = box_.hi[offset_[j] + g];
    initial_.lower.push_back(*std::min_element(t.lo.begin(), t.lo.end()));
    initial_.upper.push_back(*std::max_element(t.hi.begin(), t.hi.end()));
  }
  current_ = initial_;
}

// One pass: rows in the box ([g0, g1] of every input) and rows out of it by
// one input only. The first pass keeps every row's bins where they fit in
// so.cache_bytes; the other passes then read them instead of the inputs.
void streamed_space::scan(const std::vector<std::int64_t>& g0, const std::vector<std::int64_t>& g1, bool first) {
  const std::size_t size = offset_.back() + static_cast<std::size_t>(bins_.back().size());
  const int threads = so_.threads > 0 ? so_.threads : hardware_threads();
  const std::int64_t rows = last_ - first_, blocks = (rows + rows_per_block - 1) / rows_per_block;
  if (first && rows <= so_.cache_bytes / static_cast<std::int64_t>(sizeof(std::uint16_t)) / cols_)
    codes_.resize(static_cast<std::size_t>(rows * cols_));
  const bool read_codes = !first && !codes_.empty();
  std::vector<tallies> per_thread(static_cast<std::size_t>(threads));
  box_lo_ = g0, box_hi_ = g1;
  meter_.start_pass(first ? std::string("bins") : fmt::format("box {}", passes_), rows);
  std::atomic<std::int64_t> next{0};
  parallel_for(threads, threads, [&](index_t w) {
    tallies& t = per_thread[static_cast<std::size_t>(w)];
    t.reset(size, first);
    std::vector<double> x(read_codes ? 0 : static_cast<std::size_t>(rows_per_block * cols_));
    for (std::int64_t b = next++; b < blocks; b = next++) {
      const std::int64_t begin = first_ + b * rows_per_block, count = std::min(rows_per_block, last_ - begin);
      if (!read_codes) rows_.inputs(begin, count, x.data());
      scan_block(begin, count, x, t, first, read_codes);
      meter_.add_concurrent(count);
    }
  });
  box_.reset(size, first);
  for (const tallies& t : per_thread) box_.add(t);
  if (so_.group.sum)
    for (auto* v : {&box_.in_rows, &box_.in_cases, &box_.out_rows, &box_.out_cases}) so_.group.sum(v->data(), size);
  if (first && so_.group.extremes) so_.group.extremes(box_.lo.data(), box_.hi.data(), size);
  inside_ = sum(0, 0, bins_[0].size() - 1, false);
  ++passes_;
}

void streamed_space::scan_block(std::int64_t begin, std::int64_t count, const std::vector<double>& x, tallies& t,
                                bool first, bool read_codes) {
  // Row i's bin of input j: codes[i * cols + j].
  std::uint16_t* codes = codes_.empty() ? nullptr : codes_.data() + (begin - first_) * cols_;
  std::vector<std::int64_t> code(static_cast<std::size_t>(cols_));
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t c = is_case(begin + i) ? 1 : 0;
    std::int64_t fails = 0, out = -1;
    for (std::int64_t j = 0; j < cols_ && fails < 2; ++j) {
      if (read_codes) {
        code[j] = codes[i * cols_ + j];
      } else {
        const double v = x[static_cast<std::size_t>(j * count + i)];
        if (first && !std::isfinite(v))
          throw input_error(fmt::format("prim: input {} of row {} is not finite ({})", j, begin + i, v));
        code[j] = bins_[j].bin(v);
        if (first && codes != nullptr) codes[i * cols_ + j] = static_cast<std::uint16_t>(code[j]);
      }
      if (code[j] < box_lo_[j] || code[j] > box_hi_[j]) ++fails, out = j;
    }
    if (fails == 1) {
      t.out_rows[offset_[out] + code[out]] += 1, t.out_cases[offset_[out] + code[out]] += c;
    } else if (fails == 0) {
      for (std::int64_t j = 0; j < cols_; ++j) {
        const std::size_t k = offset_[j] + static_cast<std::size_t>(code[j]);
        t.in_rows[k] += 1, t.in_cases[k] += c;
        if (!first) continue;
        const double v = x[static_cast<std::size_t>(j * count + i)];
        t.lo[k] = std::min(t.lo[k], v), t.hi[k] = std::max(t.hi[k], v);
      }
    }
  }
}

// EMA's get_quantile over the rows of bins [g0, g1], a bin's rows as ties.
std::optional<double> streamed_space::binned_quantile(std::int64_t j, std::int64_t g0, std::int64_t g1, bool outside,
                                                      double q, bool upper) const {
  std::int64_t n = 0;
  for (std::int64_t g = g0; g <= g1; ++g) n += rows_at(j, g, outside);
  if (n == 0) return std::nullopt;
  const double i = static_cast<double>(n - 1) * q;
  const auto lo = static_cast<std::int64_t>(std::floor(i)), hi = static_cast<std::int64_t>(std::ceil(i));
  auto bin_of = [&](std::int64_t position) {
    std::int64_t g = g0;
    for (std::int64_t seen = rows_at(j, g, outside); seen <= position; seen += rows_at(j, g, outside)) ++g;
    return g;
  };
  const std::int64_t ga = bin_of(lo), gb = bin_of(hi);
  if (ga != gb) return cut(j, ga, gb, upper);
  // A tie: EMA walks to the nearest other value, below for q > 0.5, else above.
  const std::int64_t step = q > 0.5 ? -1 : 1;
  for (std::int64_t g = ga + step; g >= g0 && g <= g1; g += step)
    if (rows_at(j, g, outside) > 0) return step < 0 ? cut(j, g, ga, upper) : cut(j, ga, g, upper);
  return upper ? bins_[j].hi[ga] : bins_[j].lo[ga];  // EMA's value itself: the whole bin kept
}

// Halfway between bins ga < gb, as EMA's midpoint; where that falls inside a
// bin between them (no row of the box is there), the cut moves to its edge.
double streamed_space::cut(std::int64_t j, std::int64_t ga, std::int64_t gb, bool upper) const {
  const bin_table& t = bins_[j];
  double c = t.hi[ga] + (t.lo[gb] - t.hi[ga]) / 2;
  if (!upper) {
    for (std::int64_t g = ga; g <= gb; ++g) {
      if (!t.filled(g) || !(t.lo[g] < c && c <= t.hi[g])) continue;
      std::int64_t k = g;
      if (g == ga)
        for (k = ga + 1; !t.filled(k);) ++k;
      return t.lo[k];
    }
  } else {
    for (std::int64_t g = gb; g >= ga; --g) {
      if (!t.filled(g) || !(t.lo[g] <= c && c < t.hi[g])) continue;
      std::int64_t k = g;
      if (g == gb)
        for (k = gb - 1; !t.filled(k);) --k;
      return t.hi[k];
    }
  }
  return c;
}

}  // namespace

void memory_stream::interest(std::int64_t first, std::int64_t count, std::uint8_t* out) {
  std::copy(data_.interest + first, data_.interest + first + count, out);
}

void memory_stream::inputs(std::int64_t first, std::int64_t count, double* out) const {
  for (std::size_t j = 0; j < data_.columns.size(); ++j)
    std::copy(data_.columns[j] + first, data_.columns[j] + first + count, out + j * static_cast<std::size_t>(count));
}

prim_result find_box_streamed(row_stream& rows, const prim_options& options, const stream_options& so,
                              stream_stats* stats) {
  check_options(options);
  if (so.bins < 2 || so.bins > max_stream_bins)
    throw input_error(fmt::format("prim: --bins must be in [2, {}] (got {})", max_stream_bins, so.bins));
  if (so.sample < 1) throw input_error(fmt::format("prim: the bins' sample must hold a row (got {})", so.sample));
  if (rows.rows() <= 0) throw input_error("prim: no rows");
  if (rows.columns() <= 0) throw input_error("prim: no inputs");
  streamed_space space(rows, so);
  prim_result r = search_detail::search(space, options);
  if (stats != nullptr) {
    stats->passes = space.passes();
    stats->cached = space.cached();
    stats->bins.clear();
    for (std::int64_t j = 0; j < space.columns(); ++j) stats->bins.push_back(space.bins(j));
  }
  return r;
}

}  // namespace coopgrid::prim
