// Defines the hook that kernels/formulas.hpp calls in this build only.
#include "tests/support/device_math/device_math_model.hpp"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/formulas.hpp"

namespace coopgrid {
namespace {
std::atomic<int> g_mode{static_cast<int>(test::device_math::exact)};
std::atomic<int> g_extra{0};

template <class T, class Bits>
T move_by_ulps(T r, int ulps, T floor) {
  const auto mode = static_cast<test::device_math>(g_mode.load(std::memory_order_relaxed));
  // Zero, one and the infinities are exact results (log(1), exp(0), log(0),
  // saturation) that a device library returns exactly too.
  if (mode == test::device_math::exact || r == T(0) || r == T(1) || !std::isfinite(r)) return r;
  bool up = mode == test::device_math::up;
  if (mode == test::device_math::scattered) {
    Bits b;
    std::memcpy(&b, &r, sizeof b);
    up = ((static_cast<std::uint64_t>(b) * 0x9E3779B97F4A7C15ull) >> 63) != 0;
  }
  const T towards = up ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
  for (int i = ulps + g_extra.load(std::memory_order_relaxed); i > 0; --i) r = std::nextafter(r, towards);
  return r < floor ? floor : r;
}
}  // namespace

namespace test {
void set_device_math(device_math mode, int extra_ulps) {
  g_extra.store(extra_ulps);
  g_mode.store(static_cast<int>(mode));
}
}  // namespace test

namespace detail {
float device_math_model(float r, int ulps, float floor) { return move_by_ulps<float, std::uint32_t>(r, ulps, floor); }
double device_math_model(double r, int ulps, double floor) {
  return move_by_ulps<double, std::uint64_t>(r, ulps, floor);
}
}  // namespace detail
}  // namespace coopgrid
