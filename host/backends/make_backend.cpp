#include "host/backends/make_backend.hpp"

#include <type_traits>
#include <variant>
#include <vector>

#include "host/backends/cpu_backend.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/backends/factorized_backend.hpp"
#include "host/backends/multi_backend.hpp"
#include "host/backends/reference.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

backend_kind resolve_backend(backend_kind kind) {
  if (kind != backend_kind::automatic) return kind;
  return cuda_device_count() > 0 ? backend_kind::cuda : backend_kind::cpu;
}

void check_backend_choice(backend_kind kind, precision prec, const backend_options& opt) {
  if (!opt.devices.empty() && resolve_backend(kind) != backend_kind::cuda) {
    throw usage_error("--devices applies to the cuda backend");
  }
  if (kind == backend_kind::reference && prec == precision::f32) {
    throw usage_error(
        "the reference backend computes in long double: use --precision f64 with it (or "
        "'coopgrid compare' to check f32 against it)");
  }
}

template <class T>
std::unique_ptr<backend<T>> make_backend(backend_kind kind, const source& src, const backend_options& b) {
  constexpr bool f32 = std::is_same_v<T, float>;
  // Only the cpu backend checks a batch's values chunk by chunk as it evaluates (batch::checked);
  // in f32 the values are read first anyway (range, conversion), so they are checked first too.
  if (const auto* in = std::get_if<batch>(&src.input);
      in != nullptr && !in->checked && (f32 || resolve_backend(kind) != backend_kind::cpu)) {
    validate_columns(in->columns, in->source);
  }
  if constexpr (f32) check_float_range(src);
  check_backend_choice(kind, f32 ? precision::f32 : precision::f64, b);
  switch (resolve_backend(kind)) {
    case backend_kind::reference:
      if constexpr (f32) {
        throw logic_error("make_backend: check_backend_choice refuses the reference in f32");
      } else {
        return make_reference_backend(src);
      }
    case backend_kind::cuda: {
      if (b.devices.size() <= 1) {
        backend_options one = b;
        if (!b.devices.empty()) one.device = b.devices.front();
        return with_factorized_grid<T>(make_cuda_backend<T>(src, one), src, b);
      }
      std::vector<std::unique_ptr<backend<T>>> parts;  // one per device, each on its own thread
      for (int d : b.devices) {
        backend_options one = b;
        one.device = d;
        parts.push_back(make_cuda_backend<T>(src, one));
      }
      // One set of block tables for all devices: the parts evaluate, the host reduces grids.
      return with_factorized_grid<T>(make_multi_backend<T>(std::move(parts)), src, b);
    }
    default:
      return make_cpu_backend<T>(src, b);  // factorized inside (with_factorized_grid)
  }
}

template std::unique_ptr<backend<float>> make_backend<float>(backend_kind, const source&, const backend_options&);
template std::unique_ptr<backend<double>> make_backend<double>(backend_kind, const source&, const backend_options&);

}  // namespace coopgrid
