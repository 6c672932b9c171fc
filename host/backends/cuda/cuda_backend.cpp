// The CUDA backend: one input kind (host/backends/cuda/inputs.hpp) per
// source, and the double-buffered two-stream pipeline (pipeline.hpp) running
// rows or the fused reduction (jobs.hpp) over it. Plain C++ over the CUDA
// runtime API; the kernels are reached only through kernels/launch.hpp.
#include "host/backends/cuda/cuda_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <variant>

#include "host/backends/cuda/device_merge.hpp"
#include "host/backends/cuda/inputs.hpp"
#include "host/backends/cuda/jobs.hpp"
#include "host/backends/cuda/pipeline.hpp"
#include "host/backends/cuda/sensitivity.hpp"
#include "host/util/errors.hpp"
#include "host/util/nvtx.hpp"
#include "kernels/cuda_check.hpp"

namespace coopgrid {
namespace {

using namespace cuda_impl;

/// Scenarios per fused-reduction launch (a multiple of the reduction unit): one progress tick.
/// 2^27: the tile sums' scratch is then 32 MB a slot (2^29 took 128 MB), and a launch
/// is still ~2,000 units, ~10^5 tiles, against 264 resident blocks.
constexpr index_t reduce_launch = kernels::reduce_unit * 2048;  // 2^27
/// Default scenarios per pipeline chunk for rows (bounded by memory too).
constexpr index_t default_rows_chunk = index_t{1} << 22;

/// Runs fn; a CUDA failure inside is re-raised naming the pipeline stage (out of memory stays out of memory).
template <class Fn>
auto in_stage(const char* stage, Fn&& fn) {
  try {
    return fn();
  } catch (const cuda_out_of_memory& e) {
    throw cuda_out_of_memory(fmt::format("cuda backend, {} stage: {}", stage, e.what()), e.code());
  } catch (const cuda_error& e) {
    throw cuda_error(fmt::format("cuda backend, {} stage: {}", stage, e.what()), e.code());
  }
}

/// The input kind of `src`: the one place the backend looks at what a source holds.
template <class T>
cuda_input<T> make_input(const source& src, const backend_options& opt, stream_view s) {
  nvtx_range range("upload");
  return src.visit(
      [&](const grid& g) { return cuda_input<T>(std::in_place_type<grid_input<T>>, g, s); },
      [&](const batch& b) { return make_batch_input<T>(b.columns, opt, s); },
      [&](const design_source& d) { return cuda_input<T>(std::in_place_type<design_input<T>>, d, s); });
}

template <class T>
class cuda_backend final : public backend<T> {
 public:
  /// make_cuda_backend() has checked and selected the device: the members below already use it.
  cuda_backend(const source& src, const backend_options& opt)
      : device_(opt.device),
        chunk_(opt.chunk),
        input_(in_stage("upload", [&] { return make_input<T>(src, opt, pipes_.streams[0].view()); })) {}

  std::string name() const override { return backend_kind_name(backend_kind::cuda); }

  void evaluate(index_t first, index_t count, metric_row<T>* rows) override {
    // Each host thread selects the device: a multi-device run calls from several.
    COOPGRID_CUDA_TRY(cudaSetDevice(device_));
    if (count <= 0) return;
    in_stage("evaluate", [&] {
      nvtx_range range("evaluate");
      rows_job<T> job(rows, first);
      std::visit([&](auto& in) { run_pipeline(in, job, pipeline_range{first, count, rows_chunk_cap()}, pipes_); },
                 input_);
    });
  }

  reduce_state reduce(const reduce_spec& spec, index_t first, index_t count,
                      const progress_fn& progress) override {
    COOPGRID_CUDA_TRY(cudaSetDevice(device_));
    return in_stage("reduce", [&] {
      nvtx_range range("reduce");
      const auto p = device_reduce_params(spec);
      return std::visit(
          [&](auto& in) {
            reduce_job<T> job(spec, p, in.reduce_blocks(p, device_), progress, pipes_.streams[0].view());
            run_pipeline(in, job, reduce_range(in, first, count), pipes_);
            return job.result();
          },
          input_);
    });
  }

  /// Fused on the device (host/backends/cuda/sensitivity.hpp): only a design has design points.
  sensitivity_state sensitivity(const analysis::sensitivity_view& v, index_t first, index_t count,
                                const progress_fn& progress) override {
    COOPGRID_CUDA_TRY(cudaSetDevice(device_));
    const auto* in = std::get_if<design_input<T>>(&input_);
    COOPGRID_EXPECTS(in != nullptr, "sobol and morris run on a design source");
    return in_stage("sensitivity", [&] {
      nvtx_range range("sensitivity");
      // The same design with the device's copy of its choice values.
      const design::design_view d = in->view(chunk{}, 0).d;
      COOPGRID_EXPECTS(d.num_parameters == v.design.num_parameters, "the analysis' design is the backend's");
      analysis::sensitivity_view dv = v;
      for (int j = 0; j < d.num_parameters; ++j) dv.design.params[j].choices = d.params[j].choices;
      return device_sensitivity<T>(dv, first, count, chunk_, progress, pipes_);
    });
  }

 private:
  /// Scenarios per rows chunk: the option, else a default bounded by the memory budget.
  index_t rows_chunk_cap() const {
    if (chunk_ > 0) return chunk_;
    std::size_t free_bytes = 0, total_bytes = 0;
    COOPGRID_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    const std::size_t per_scenario = 2 * sizeof(metric_row<T>) + sizeof(T) + 5 * sizeof(index_t);
    const auto by_memory = static_cast<index_t>(memory_share * static_cast<double>(free_bytes) /
                                                static_cast<double>(2 * per_scenario));
    return std::max<index_t>(1024, std::min(default_rows_chunk, by_memory));
  }

  /// Launch ranges of whole units, so the sums' order never depends on them;
  /// a streamed batch's chunks are bounded by its staging memory instead.
  template <class Input>
  pipeline_range reduce_range(const Input&, index_t first, index_t count) const {
    const index_t unit = kernels::reduce_unit;
    const index_t launch = chunk_ > 0 ? std::max(unit, chunk_ / unit * unit) : reduce_launch;
    if constexpr (std::is_same_v<Input, streamed_batch<T>>) {
      return pipeline_range{first, count, std::min(launch, rows_chunk_cap())};
    } else {
      return pipeline_range{first, count, launch, unit};
    }
  }

  int device_;
  index_t chunk_;
  pipeline_streams pipes_;  ///< before input_: its upload runs on the first stream
  cuda_input<T> input_;
};

}  // namespace

template <class T>
std::unique_ptr<backend<T>> make_cuda_backend(const source& src, const backend_options& opt) {
  const int n = cuda_device_count();
  if (n == 0) {
    throw std::runtime_error("--backend cuda: no CUDA device found (see 'coopgrid info'); use --backend cpu");
  }
  if (opt.device < 0 || opt.device >= n) {
    throw std::runtime_error(
        fmt::format("--device {}: only {} CUDA device(s) present (0..{})", opt.device, n, n - 1));
  }
  COOPGRID_CUDA_TRY(cudaSetDevice(opt.device));
  return std::make_unique<cuda_backend<T>>(src, opt);
}

template std::unique_ptr<backend<float>> make_cuda_backend<float>(const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_cuda_backend<double>(const source&, const backend_options&);

}  // namespace coopgrid
