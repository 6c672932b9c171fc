#include "host/backends/multi_backend.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "host/util/errors.hpp"

namespace coopgrid {
namespace {

template <class T>
class multi_backend final : public backend<T> {
 public:
  explicit multi_backend(std::vector<std::unique_ptr<backend<T>>> parts) : parts_(std::move(parts)) {
    COOPGRID_EXPECTS(!parts_.empty(), "a multi-backend needs at least one part");
  }

  std::string name() const override { return parts_.front()->name(); }

  void evaluate(index_t first, index_t count, metric_row<T>* rows) override {
    run_parts(first, count, [&](std::size_t p, index_t lo, index_t n) {
      parts_[p]->evaluate(lo, n, rows + (lo - first));
    });
  }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    std::vector<reduce_state> states(parts_.size(), reduce_state(spec));
    std::mutex progress_mutex;
    const progress_fn locked = [&](index_t done) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      if (progress) progress(done);
    };
    run_parts(first, count, [&](std::size_t p, index_t lo, index_t n) {
      states[p] = parts_[p]->reduce(spec, lo, n, locked);
    });
    reduce_state total(spec);
    for (const auto& s : states) total.merge(spec, s);  // exact: any order gives these bits
    total.finish(spec);
    return total;
  }

  sensitivity_state sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                const progress_fn& progress) override {
    const auto num_sums = static_cast<std::size_t>(analysis::layout_of(v).unit_sums(v.replicates));
    std::vector<sensitivity_state> states(parts_.size(), sensitivity_state(num_sums));
    std::mutex progress_mutex;
    const progress_fn locked = [&](index_t done) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      if (progress) progress(done);
    };
    // Parts start on absolute multiples of the analysis unit: the bits of one device.
    run_parts(first, count, analysis::analysis_unit, [&](std::size_t p, index_t lo, index_t n) {
      states[p] = parts_[p]->sensitivity(v, lo, n, locked);
    });
    sensitivity_state total(num_sums);
    for (const auto& s : states) total.merge(s);
    return total;
  }

 private:
  /// Splits [first, first + count) at reduction-unit boundaries and runs fn on every part at once.
  template <class Fn>
  void run_parts(index_t first, index_t count, Fn&& fn) {
    run_parts(first, count, reduce_unit, fn);
  }
  /// The same at absolute multiples of `unit` (not relative to `first`): a shard or a resumed
  /// run starts anywhere, and a unit split across parts would change its sums' bits.
  template <class Fn>
  void run_parts(index_t first, index_t count, index_t unit, Fn&& fn) {
    const auto parts = static_cast<index_t>(parts_.size());
    const index_t end = first + count, first_unit = first / unit;
    const index_t units = (end + unit - 1) / unit - first_unit;
    const auto cut = [&](index_t p) { return std::clamp((first_unit + units * p / parts) * unit, first, end); };
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(parts_.size());
    for (index_t p = 0; p < parts; ++p) {
      const index_t lo = cut(p), hi = cut(p + 1);
      if (hi <= lo) continue;
      threads.emplace_back([&, p, lo, hi] {
        try {
          fn(static_cast<std::size_t>(p), lo, hi - lo);
        } catch (...) {
          errors[static_cast<std::size_t>(p)] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
  }

  std::vector<std::unique_ptr<backend<T>>> parts_;
};

}  // namespace

template <class T>
std::unique_ptr<backend<T>> make_multi_backend(std::vector<std::unique_ptr<backend<T>>> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<multi_backend<T>>(std::move(parts));
}

template std::unique_ptr<backend<float>> make_multi_backend<float>(std::vector<std::unique_ptr<backend<float>>>);
template std::unique_ptr<backend<double>> make_multi_backend<double>(std::vector<std::unique_ptr<backend<double>>>);

}  // namespace coopgrid
