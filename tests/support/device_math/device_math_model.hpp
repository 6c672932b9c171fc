#pragma once
// The device-math model of the device-math test build: every transcendental
// call of the formula core (kernels/formulas.hpp, COOPGRID_DEVICE_ULPS) is
// moved by the CUDA math library's documented maximum error, as a device
// library within its bounds could return it.

namespace coopgrid::test {

enum class device_math {
  exact,      ///< the host libm's results, unchanged
  up,         ///< every result the bound's ulps towards +inf
  down,       ///< every result the bound's ulps towards -inf
  scattered,  ///< up or down by a hash of the result: deterministic, uncorrelated
};

/// Sets the model for every later call, in every thread. extra_ulps widens
/// each bound (the test that shows the checks can fail).
void set_device_math(device_math mode, int extra_ulps = 0);

}  // namespace coopgrid::test
