// The streamed search (host/prim/streamed.hpp) against the search over rows
// in memory (EMA's own, python/tests/test_prim.py): the same trajectory where
// the bins are the inputs' values, and exact statistics for its boxes always.
#include "host/prim/streamed.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "host/util/errors.hpp"
#include "tests/support/prim_rows.hpp"

using namespace coopgrid;
using namespace coopgrid::prim;

namespace {

using rows = test::prim_rows;

// Interest mostly where x0 and x1 are high, with noise; `levels` values an
// input (0: continuous), so that ties are many or none.
rows noisy_rows(std::int64_t n, int levels, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  rows d;
  d.columns.assign(4, {});
  for (std::int64_t r = 0; r < n; ++r) {
    double x[4];
    for (double& v : x) v = levels > 0 ? std::floor(u(rng) * levels) / levels : u(rng);
    for (int j = 0; j < 4; ++j) d.columns[j].push_back(j == 3 ? x[j] * 100 - 30 : x[j]);
    d.interest.push_back((x[0] + 0.5 * x[1] > 0.9) != (u(rng) < 0.1));
  }
  return d;
}

// Rows and cases of `d` inside `b`, counted one by one.
std::pair<std::int64_t, std::int64_t> brute_count(const rows& d, const box_limits& b) {
  std::int64_t n = 0, k = 0;
  for (std::size_t r = 0; r < d.interest.size(); ++r) {
    bool in = true;
    for (std::size_t j = 0; j < d.columns.size(); ++j)
      in = in && b.lower[j] <= d.columns[j][r] && d.columns[j][r] <= b.upper[j];
    n += in, k += in && d.interest[r] != 0;
  }
  return {n, k};
}

void expect_same_box(const prim_result& a, const prim_result& b) {
  ASSERT_EQ(a.trajectory.size(), b.trajectory.size());
  EXPECT_EQ(a.peel_steps, b.peel_steps);
  EXPECT_EQ(a.threshold_met, b.threshold_met);
  for (std::size_t i = 0; i < a.trajectory.size(); ++i) {
    const box_entry &x = a.trajectory[i], &y = b.trajectory[i];
    EXPECT_EQ(x.rows, y.rows) << "step " << i;
    EXPECT_EQ(x.cases, y.cases) << "step " << i;
    EXPECT_EQ(x.limits.lower, y.limits.lower) << "step " << i;
    EXPECT_EQ(x.limits.upper, y.limits.upper) << "step " << i;
    EXPECT_EQ(x.restricted, y.restricted) << "step " << i;
    for (std::size_t j = 0; j < x.quasi_p.size(); ++j) {
      EXPECT_EQ(x.quasi_p[j][0], y.quasi_p[j][0]) << "step " << i << " input " << j;
      EXPECT_EQ(x.quasi_p[j][1], y.quasi_p[j][1]) << "step " << i << " input " << j;
    }
  }
}

// Threads standing in for MPI ranks: an all-reduce over `size` members.
class thread_group {
 public:
  explicit thread_group(int size) : size_(size) {}
  void sum(std::int64_t* v, std::size_t n) {
    all_reduce(v, n, ints_, int_result_, [](std::int64_t a, std::int64_t b) { return a + b; });
  }
  void extremes(double* lo, double* hi, std::size_t n) {
    all_reduce(lo, n, doubles_, double_result_, [](double a, double b) { return std::min(a, b); });
    all_reduce(hi, n, doubles_, double_result_, [](double a, double b) { return std::max(a, b); });
  }

 private:
  template <class T, class Op>
  void all_reduce(T* v, std::size_t n, std::vector<T>& acc, std::vector<T>& result, Op op) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (arrived_ == 0) acc.assign(v, v + n);
    else
      for (std::size_t i = 0; i < n; ++i) acc[i] = op(acc[i], v[i]);
    const long round = round_;
    if (++arrived_ == size_) {
      result = acc, arrived_ = 0, ++round_;
      done_.notify_all();
    } else {
      done_.wait(lock, [&] { return round_ != round; });
    }
    std::copy(result.begin(), result.end(), v);
  }
  int size_, arrived_ = 0;
  long round_ = 0;
  std::mutex mutex_;
  std::condition_variable done_;
  std::vector<std::int64_t> ints_, int_result_;
  std::vector<double> doubles_, double_result_;
};

}  // namespace

TEST(PrimStreamed, ProcessesSharingTheRowsFindOneProcesssBox) {  // as MPI ranks do (coopgrid-mpi prim)
  const rows d = noisy_rows(20000, 0, 5);
  const prim_data_view v = d.view();
  memory_stream whole(v);
  stream_options one;
  one.bins = 300;
  const prim_result single = find_box_streamed(whole, {}, one);
  for (int parts : {2, 3}) {
    thread_group group(parts);
    std::vector<prim_result> results(static_cast<std::size_t>(parts));
    std::vector<std::thread> processes;
    for (int p = 0; p < parts; ++p) {
      processes.emplace_back([&, p] {
        memory_stream mine(v);
        stream_options o = one;
        o.threads = 1;
        o.cache_bytes = p == 0 ? 0 : std::int64_t{1} << 30;  // the ranks need not agree on keeping bins
        o.group.first = 20000 * p / parts, o.group.last = 20000 * (p + 1) / parts;
        o.group.sum = [&group](std::int64_t* x, std::size_t n) { group.sum(x, n); };
        o.group.extremes = [&group](double* lo, double* hi, std::size_t n) { group.extremes(lo, hi, n); };
        results[static_cast<std::size_t>(p)] = find_box_streamed(mine, {}, o);
      });
    }
    for (auto& t : processes) t.join();
    for (const prim_result& r : results) expect_same_box(r, single);
  }
}

TEST(PrimStreamed, BinsOfDistinctValuesGiveEmasSearch) {  // ties everywhere, every alpha
  for (int levels : {3, 10, 40}) {
    for (std::int64_t n : {1, 2, 31, 500, 3000}) {
      rows d = noisy_rows(n, levels, static_cast<std::uint64_t>(n * 100 + levels));
      if (std::count(d.interest.begin(), d.interest.end(), 1) == 0) d.interest[0] = 1;
      for (const prim_options& o : {prim_options{}, prim_options{0.1, 0.2, 0.02, 0.9}}) {
        SCOPED_TRACE(testing::Message() << "levels " << levels << " rows " << n << " alpha " << o.peel_alpha);
        const prim_data_view v = d.view();
        memory_stream stream(v);
        stream_options so;
        so.bins = 64;
        stream_stats stats;
        const prim_result streamed = find_box_streamed(stream, o, so, &stats);
        expect_same_box(streamed, find_box(v, o));
        EXPECT_EQ(stats.passes, static_cast<std::int64_t>(streamed.trajectory.size()));
        for (std::int64_t b : stats.bins) EXPECT_LE(b, levels);
      }
    }
  }
}

TEST(PrimStreamed, CoarseBinsKeepEveryStatisticExact) {  // continuous inputs, bins from a sample
  const rows d = noisy_rows(20000, 0, 7);
  const prim_data_view v = d.view();
  const prim_result exact = find_box(v, {});
  for (std::int64_t sample : {std::int64_t{20000}, std::int64_t{1500}}) {
    memory_stream stream(v);
    stream_options so;
    so.bins = 200;
    so.sample = sample;
    stream_stats stats;
    const prim_result r = find_box_streamed(stream, {}, so, &stats);
    SCOPED_TRACE(testing::Message() << "sample " << sample);
    EXPECT_EQ(r.total_rows, 20000);
    EXPECT_EQ(r.initial.lower, exact.initial.lower);  // the extremes are every row's
    EXPECT_EQ(r.initial.upper, exact.initial.upper);
    for (std::int64_t b : stats.bins) EXPECT_LE(b, 200);
    for (const box_entry& e : r.trajectory) {
      const auto [n, k] = brute_count(d, e.limits);
      EXPECT_EQ(e.rows, n);
      EXPECT_EQ(e.cases, k);
      for (std::size_t j = 0; j < e.quasi_p.size(); ++j) {
        for (int side = 0; side < 2; ++side) {
          if (e.quasi_p[j][side] < 0) continue;
          box_limits wider = e.limits;
          (side == 0 ? wider.lower : wider.upper)[j] = side == 0 ? r.initial.lower[j] : r.initial.upper[j];
          const auto [wn, wk] = brute_count(d, wider);
          EXPECT_EQ(e.quasi_p[j][side], binomial_upper_tail(k, n, static_cast<double>(wk) / static_cast<double>(wn)));
        }
      }
    }
    // Cuts up to a bin away from EMA's: a box as dense (0.9085 and 0.9074) and
    // as wide (coverage 0.3295 and 0.3244; the noise inputs' cuts differ).
    const box_entry &a = r.trajectory.back(), &b = exact.trajectory.back();
    EXPECT_GT(a.limits.lower[0], r.initial.lower[0]);  // the inputs that decide interest are restricted
    EXPECT_GT(a.limits.lower[1], r.initial.lower[1]);
    EXPECT_NEAR(a.density, b.density, 0.01);
    EXPECT_NEAR(a.coverage, b.coverage, 0.02);
  }
}

TEST(PrimStreamed, NeitherThreadsNorKeptBinsChangeTheResult) {
  const rows d = noisy_rows(30000, 0, 11);
  const prim_data_view v = d.view();
  stream_options one, three;
  one.threads = 1, three.threads = 3;
  three.cache_bytes = 30000 * 4 * 2;  // exactly enough: the rows' bins kept
  memory_stream a(v), b(v);
  stream_stats sa, sb;
  expect_same_box(find_box_streamed(a, {}, one, &sa), find_box_streamed(b, {}, three, &sb));
  EXPECT_FALSE(sa.cached);
  EXPECT_TRUE(sb.cached);
  three.cache_bytes -= 1;
  find_box_streamed(b, {}, three, &sb);
  EXPECT_FALSE(sb.cached);
}

TEST(PrimStreamed, RefusesWhatItCannotSearch) {
  rows d = noisy_rows(100, 0, 3);
  const prim_data_view v = d.view();
  memory_stream stream(v);
  stream_options so;
  so.bins = 1;
  EXPECT_THROW(find_box_streamed(stream, {}, so), input_error);
  so.bins = 65537;
  EXPECT_THROW(find_box_streamed(stream, {}, so), input_error);
  rows nan = d;
  nan.columns[2][77] = std::nan("");  // not in a small sample: the first pass finds it
  const prim_data_view nv = nan.view();
  memory_stream nan_stream(nv);
  stream_options small;
  small.sample = 10;
  EXPECT_THROW(find_box_streamed(nan_stream, {}, small), input_error);
  rows none = d;
  none.interest.assign(none.interest.size(), 0);
  const prim_data_view zv = none.view();
  memory_stream none_stream(zv);
  EXPECT_THROW(find_box_streamed(none_stream, {}, {}), input_error);
}
