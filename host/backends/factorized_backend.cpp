#include "host/backends/factorized_backend.hpp"

#include <optional>

#include "host/reduce/factorized.hpp"

namespace coopgrid {
namespace {

template <class T>
class factorized_backend final : public backend<T> {
 public:
  factorized_backend(std::unique_ptr<backend<T>> inner, const grid& g) : inner_(std::move(inner)), grid_(g) {}

  std::string name() const override { return inner_->name(); }

  void evaluate(index_t first, index_t count, metric_row<T>* rows) override { inner_->evaluate(first, count, rows); }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    auto r = factorized()->reduce(spec, first, count);
    if (progress) progress(count);
    return r;
  }

  sensitivity_state sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                const progress_fn& progress) override {
    return inner_->sensitivity(v, first, count, progress);
  }

  factorized_grid* factorized() override {
    if (!tables_) tables_.emplace(factorized_grid::build<T>(grid_));  // milliseconds; only when reduced
    return &*tables_;
  }

 private:
  std::unique_ptr<backend<T>> inner_;
  const grid& grid_;
  std::optional<factorized_grid> tables_;
};

}  // namespace

bool reduces_factorized(const source& src, const backend_options& opt) {
  const auto* g = std::get_if<grid>(&src.input);
  return g != nullptr && !opt.brute_force && factorized_grid::applicable(*g);
}

template <class T>
std::unique_ptr<backend<T>> with_factorized_grid(std::unique_ptr<backend<T>> be, const source& src,
                                                 const backend_options& opt) {
  if (!reduces_factorized(src, opt)) return be;
  return std::make_unique<factorized_backend<T>>(std::move(be), std::get<grid>(src.input));
}

template std::unique_ptr<backend<float>> with_factorized_grid<float>(std::unique_ptr<backend<float>>, const source&,
                                                                     const backend_options&);
template std::unique_ptr<backend<double>> with_factorized_grid<double>(std::unique_ptr<backend<double>>,
                                                                       const source&, const backend_options&);

}  // namespace coopgrid
