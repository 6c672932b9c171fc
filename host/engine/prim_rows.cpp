#include "host/engine/prim_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "host/backends/make_backend.hpp"
#include "host/io/source_text.hpp"
#include "host/prim/batch_inputs.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"

namespace coopgrid {
namespace {

// The chosen inputs of one scenario source: a batch's scalars and list sizes
// (prim/batch_inputs.hpp, taken whole), a design's parameters or a grid's axes.
class source_inputs {
 public:
  source_inputs(const source& src, const std::vector<std::size_t>& inputs) : src_(src), inputs_(inputs) {
    if (const batch* b = std::get_if<batch>(&src.input)) {
      for (std::size_t j : inputs) batch_columns_.push_back(prim::batch_input_column(*b, j));
    } else if ((design_ = std::get_if<design_source>(&src.input)) != nullptr) {
      view_ = design_->view();
    }
  }
  /// Inputs of scenarios [first, first + count): out[j * count + i].
  void fill(index_t first, index_t count, double* out) const {
    const auto stride = static_cast<std::size_t>(count);
    if (!batch_columns_.empty()) {
      for (std::size_t j = 0; j < inputs_.size(); ++j)
        std::copy_n(batch_columns_[j].data() + first, count, out + j * stride);
      return;
    }
    std::vector<double> values(design_ != nullptr ? design_->prob.parameters.size() : 0);
    for (index_t i = 0; i < count; ++i) {
      if (design_ != nullptr) {
        design_->parameter_values(view_, first + i, values.data());
        for (std::size_t j = 0; j < inputs_.size(); ++j) out[j * stride + i] = values[inputs_[j]];
      } else {
        const auto named = scenario_inputs(src_, first + i);  // a grid's axes (--brute-force)
        for (std::size_t j = 0; j < inputs_.size(); ++j) out[j * stride + i] = named[inputs_[j]].second;
      }
    }
  }

 private:
  const source& src_;
  const std::vector<std::size_t>& inputs_;
  std::vector<std::vector<double>> batch_columns_;
  const design_source* design_ = nullptr;
  design::design_view view_{};
};

// A source's rows for the streamed search: cases of interest from the
// backend (as run --reduce --where decides them), inputs recomputed a pass.
template <class T>
class source_stream : public prim::row_stream {
 public:
  source_stream(const source& src, const prim_rows_options& opt, backend<T>& be)
      : inputs_(src, opt.inputs), n_(src.num_scenarios()), cols_(static_cast<std::int64_t>(opt.inputs.size())),
        be_(be) {
    spec_.where = opt.where;
  }
  std::int64_t rows() const override { return n_; }
  std::int64_t columns() const override { return cols_; }
  void interest(std::int64_t first, std::int64_t count, std::uint8_t* out) override {
    rows_.resize(static_cast<std::size_t>(count));
    be_.evaluate(first, count, rows_.data());
    double v[num_metrics];
    for (std::int64_t i = 0; i < count; ++i) {
      for (int m = 0; m < num_metrics; ++m) v[m] = static_cast<double>(rows_[i].v[m]);
      out[i] = spec_.passes(v) ? 1 : 0;
    }
  }
  void inputs(std::int64_t first, std::int64_t count, double* out) const override { inputs_.fill(first, count, out); }

 private:
  source_inputs inputs_;
  std::int64_t n_, cols_;
  backend<T>& be_;
  reduce_spec spec_;
  std::vector<metric_row<T>> rows_;
};

// Every row's inputs and interest in memory, searched with EMA's quantiles.
prim::prim_result search_in_memory(prim::row_stream& rows, const prim::prim_options& o, int threads) {
  const index_t n = rows.rows();
  const auto cols = static_cast<std::size_t>(rows.columns());
  std::vector<std::vector<double>> columns(cols, std::vector<double>(static_cast<std::size_t>(n)));
  std::vector<std::uint8_t> interest(static_cast<std::size_t>(n));
  constexpr index_t chunk = index_t{1} << 16;
  for (index_t first = 0; first < n; first += chunk) rows.interest(first, std::min(chunk, n - first), &interest[first]);
  constexpr index_t block = 4096;
  parallel_for((n + block - 1) / block, threads > 0 ? threads : hardware_threads(), [&](index_t b) {
    const index_t first = b * block, count = std::min(block, n - first);
    std::vector<double> x(cols * static_cast<std::size_t>(count));
    rows.inputs(first, count, x.data());
    for (std::size_t j = 0; j < cols; ++j)
      std::copy_n(x.data() + j * static_cast<std::size_t>(count), count, columns[j].data() + first);
  });
  prim::prim_data_view view;
  for (const auto& c : columns) view.columns.push_back(c.data());
  view.interest = interest.data();
  view.rows = n;
  return prim::find_box(view, o);
}

template <class T>
prim_rows_result prim_rows_as(const source& src, const prim_rows_options& opt) {
  auto be = make_backend<T>(opt.backend, src, opt.bopt);
  source_stream<T> stream(src, opt, *be);
  prim_rows_result out;
  out.backend = be->name();
  if (opt.streamed) {
    prim::stream_options so = opt.stream;
    so.threads = opt.bopt.threads;
    so.cache_bytes = static_cast<std::int64_t>(physical_memory_bytes() / 4);  // the rows' bins, where they fit
    out.result = prim::find_box_streamed(stream, opt.prim, so, &out.stats);
  } else {
    out.result = search_in_memory(stream, opt.prim, opt.bopt.threads);
  }
  return out;
}

}  // namespace

std::vector<std::string> prim_input_names(const source& src) {
  return std::holds_alternative<batch>(src.input) ? prim::batch_input_names() : input_column_names(src);
}

std::vector<std::size_t> prim_input_indices(const std::vector<std::string>& names,
                                            const std::vector<std::string>& asked, const std::string& input) {
  std::vector<std::size_t> out;
  for (std::size_t j = 0; asked.empty() && j < names.size(); ++j) out.push_back(j);
  for (const auto& name : asked) {
    const auto at = std::find(names.begin(), names.end(), name);
    if (at == names.end()) {
      std::string all;
      for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
      throw usage_error(fmt::format("--inputs: '{}' is not an input of {} (inputs: {})", name, input, all));
    }
    out.push_back(static_cast<std::size_t>(at - names.begin()));
  }
  return out;
}

prim_rows_result prim_rows(const source& src, const prim_rows_options& opt) {
  return opt.prec == precision::f32 ? prim_rows_as<float>(src, opt) : prim_rows_as<double>(src, opt);
}

}  // namespace coopgrid
