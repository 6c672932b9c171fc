// The inverse CDFs against reference values: scipy 1.10.1 where it is accurate, and
// 40-digit mpmath where scipy's truncnorm.ppf loses digits (next to a bound, upper
// tails of intervals that straddle the mean). Literals computed once with python3 +
// scipy / mpmath, printed to 17 significant digits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/design/inverse_cdf.hpp"
#if defined(COOPGRID_DEVICE_MATH_MODEL)
#include <string>

#include "tests/support/device_math/device_math_model.hpp"
#endif

namespace coopgrid::design {
namespace {

struct reference_row {
  distribution d;
  double u;
  double expected;
  double rel_tol;
};

// scipy.stats: uniform(loc=a, scale=b-a), loguniform(a, b), norm(mu, sigma),
// lognorm(s=sigma, scale=exp(mu)), truncnorm((lo-mu)/sigma, (hi-mu)/sigma, loc=mu,
// scale=sigma), triang(c=(mode-lo)/(hi-lo), loc=lo, scale=hi-lo), .ppf(u) (u clamped to
// [2^-53, 1 - 2^-53] for the unbounded ones, as DESIGNS.md section 1 says).
// Functions, not tables: the device-math build makes the distributions under its model
// (make_truncnormal's erfc is one of the functions it moves).
std::vector<reference_row> scipy_rows() {
  return {
    {make_uniform(2, 5), 0x1p-53, 2.0000000000000004, 4e-15},
    {make_uniform(2, 5), 1e-15, 2.0000000000000031, 4e-15},
    {make_uniform(2, 5), 1e-10, 2.0000000003, 4e-15},
    {make_uniform(2, 5), 1e-05, 2.0000300000000002, 4e-15},
    {make_uniform(2, 5), 0.01, 2.0299999999999998, 4e-15},
    {make_uniform(2, 5), 0.3, 2.8999999999999999, 4e-15},
    {make_uniform(2, 5), 0.5, 3.5, 4e-15},
    {make_uniform(2, 5), 0.7, 4.0999999999999996, 4e-15},
    {make_uniform(2, 5), 0.99, 4.9699999999999998, 4e-15},
    {make_uniform(2, 5), 0.9999999999, 4.9999999997, 4e-15},
    {make_uniform(2, 5), 1 - 0x1p-53, 5, 4e-15},
    {make_loguniform(0.001, 10), 0x1p-53, 0.0010000000000000011, 4e-15},
    {make_loguniform(0.001, 10), 1e-15, 0.0010000000000000091, 4e-15},
    {make_loguniform(0.001, 10), 1e-10, 0.0010000000009210341, 4e-15},
    {make_loguniform(0.001, 10), 1e-05, 0.0010000921076453685, 4e-15},
    {make_loguniform(0.001, 10), 0.01, 0.0010964781961431851, 4e-15},
    {make_loguniform(0.001, 10), 0.3, 0.015848931924611134, 4e-15},
    {make_loguniform(0.001, 10), 0.5, 0.10000000000000001, 4e-15},
    {make_loguniform(0.001, 10), 0.7, 0.63095734448019303, 4e-15},
    {make_loguniform(0.001, 10), 0.99, 9.1201083935590965, 4e-15},
    {make_loguniform(0.001, 10), 0.9999999999, 9.9999999907896591, 4e-15},
    {make_loguniform(0.001, 10), 1 - 0x1p-53, 9.9999999999999893, 4e-15},
    {make_normal(1.5, 2), 0x1p-53, -14.919072303202775, 4e-15},
    {make_normal(1.5, 2), 1e-15, -14.382690652341996, 4e-15},
    {make_normal(1.5, 2), 1e-10, -11.222681804808111, 4e-15},
    {make_normal(1.5, 2), 1e-05, -7.0297815878456493, 4e-15},
    {make_normal(1.5, 2), 0.01, -3.1526957480816815, 4e-15},
    {make_normal(1.5, 2), 0.3, 0.45119897458391822, 4e-15},
    {make_normal(1.5, 2), 0.5, 1.5, 4e-15},
    {make_normal(1.5, 2), 0.7, 2.5488010254160813, 4e-15},
    {make_normal(1.5, 2), 0.99, 6.1526957480816815, 4e-15},
    {make_normal(1.5, 2), 0.9999999999, 14.222681779394843, 4e-15},
    {make_normal(1.5, 2), 1 - 0x1p-53, 17.919072303202775, 4e-15},
    {make_lognormal(0.5, 0.75), 0x1p-53, 0.0034924488461885402, 4e-15},
    {make_lognormal(0.5, 0.75), 1e-15, 0.0042705656293340133, 4e-15},
    {make_lognormal(0.5, 0.75), 1e-10, 0.013967729066474912, 4e-15},
    {make_lognormal(0.5, 0.75), 1e-05, 0.067295083705229825, 4e-15},
    {make_lognormal(0.5, 0.75), 0.01, 0.28800976144030432, 4e-15},
    {make_lognormal(0.5, 0.75), 0.3, 1.1125999964507098, 4e-15},
    {make_lognormal(0.5, 0.75), 0.5, 1.6487212707001282, 4e-15},
    {make_lognormal(0.5, 0.75), 0.7, 2.4431797924955947, 4e-15},
    {make_lognormal(0.5, 0.75), 0.99, 9.43815867512693, 4e-15},
    {make_lognormal(0.5, 0.75), 0.9999999999, 194.61157856206242, 4e-15},
    {make_lognormal(0.5, 0.75), 1 - 0x1p-53, 778.33117911680324, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0x1p-53, -1, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 1e-15, -0.99999999999999722, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 1e-10, -0.99999999966169695, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 1e-05, -0.99996617025594525, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0.01, -0.96672325185033392, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0.3, -0.24240381788922721, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0.5, 0.17116391801782455, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0.7, 0.61787607301140812, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0.99, 1.8672107987812487, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 0.9999999999, 1.9999999984838275, 4e-15},
    {make_truncnormal(0, 1, -1, 2), 1 - 0x1p-53, 1.9999999999999953, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0x1p-53, 1, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 1e-15, 1.0000000000000007, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 1e-10, 1.0000000000650102, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 1e-05, 1.000006501028897, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0.01, 1.0065222776673635, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0.3, 1.2187810802461658, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0.5, 1.4050542332391105, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0.7, 1.6591627097176604, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0.99, 2.7563017892638118, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 0.9999999999, 2.9999999964505699, 4e-15},
    {make_truncnormal(0, 1, 1, 3), 1 - 0x1p-53, 2.9999999999999964, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0x1p-53, -2.9999999999999964, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 1e-15, -2.9999999999999645, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 1e-10, -2.9999999964505699, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 1e-05, -2.9996452458379941, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0.01, -2.7563017892638126, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0.3, -1.6591627097176604, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0.5, -1.4050542332391105, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0.7, -1.2187810802461658, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0.99, -1.0065222776673635, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 0.9999999999, -1.0000000000650102, 4e-15},
    {make_truncnormal(0, 1, -3, -1), 1 - 0x1p-53, -1, 4e-15},
    {make_truncnormal(0.3, 0.2, 0, 1), 0.01, 0.013690669145634049, 4e-15},
    {make_truncnormal(0.3, 0.2, 0, 1), 0.3, 0.22114838265779915, 4e-15},
    {make_truncnormal(0.3, 0.2, 0, 1), 0.5, 0.31670718132141917, 4e-15},
    {make_truncnormal(0.3, 0.2, 0, 1), 0.7, 0.41649660864219706, 4e-15},
    {make_truncnormal(0.3, 0.2, 0, 1), 0.99, 0.76861920005035289, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0x1p-53, 5.0000000000000009, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 1e-15, 5.0000000000000009, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 1e-10, 5.0000000000192806, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 1e-05, 5.0000019280903363, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0.01, 5.0019374361647717, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0.3, 5.0683342628359442, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0.5, 5.1320183316359245, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0.7, 5.2273132799781354, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0.99, 5.8243645086231268, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 0.9999999999, 7.9944512501169012, 4e-15},
    {make_truncnormal(0, 1, 5, 8), 1 - 0x1p-53, 7.9999999937009107, 4e-15},
    {make_truncnormal(10, 2, 0, HUGE_VAL), 1e-05, 1.4828473464731857, 4e-15},
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0.01, 5.3473255471327397, 4e-15},
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0.3, 8.9512001287992327, 4e-15},
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0.5, 10.000000718528936, 4e-15},
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0.7, 11.048801520079895, 4e-15},
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0.99, 14.652695963187554, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0x1p-53, -8.2537225906764462, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 1e-15, -7.9869728862948399, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 1e-10, -6.4177617089656414, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 1e-05, -4.346554832052993, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0.01, -2.4616683149100878, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0.3, -0.81534042233423509, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0.5, -0.39687117508954439, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0.7, -0.040057297915527111, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0.99, 0.48045439105161214, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 0.9999999999, 0.49999999980359833, 4e-15},
    {make_truncnormal(0, 1, -HUGE_VAL, 0.5), 1 - 0x1p-53, 0.49999999999999972, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 0x1p-53, -1.999999999999998, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 1e-15, -1.9999999999999822, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 1e-10, -1.9999999981899748, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 1e-05, -1.9998190302758929, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 0.01, -1.8449469140734922, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 0.3, -0.47912432640209129, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 0.7, 0.54413304705234256, 4e-15},
    {make_truncnormal(0, 1, -2, 12), 0.99, 2.3349698207580216, 4e-15},
    {make_triangular(0, 0.3, 1), 0x1p-53, 5.7711949142924205e-09, 4e-15},
    {make_triangular(0, 0.3, 1), 1e-15, 1.7320508075688772e-08, 4e-15},
    {make_triangular(0, 0.3, 1), 1e-10, 5.4772255750516614e-06, 4e-15},
    {make_triangular(0, 0.3, 1), 1e-05, 0.0017320508075688774, 4e-15},
    {make_triangular(0, 0.3, 1), 0.01, 0.054772255750516613, 4e-15},
    {make_triangular(0, 0.3, 1), 0.3, 0.30000000000000004, 4e-15},
    {make_triangular(0, 0.3, 1), 0.5, 0.40839202169003841, 4e-15},
    {make_triangular(0, 0.3, 1), 0.7, 0.54174243050441595, 4e-15},
    {make_triangular(0, 0.3, 1), 0.99, 0.91633399734659238, 4e-15},
    {make_triangular(0, 0.3, 1), 0.9999999999, 0.99999163339938857, 4e-15},
    {make_triangular(0, 0.3, 1), 1 - 0x1p-53, 0.99999999118435412, 4e-15},
    {make_triangular(1, 1, 4), 0x1p-53, 1.0000000000000004, 4e-15},
    {make_triangular(1, 1, 4), 1e-15, 1.0000000000000018, 4e-15},
    {make_triangular(1, 1, 4), 1e-10, 1.00000000015, 4e-15},
    {make_triangular(1, 1, 4), 1e-05, 1.0000150000375001, 4e-15},
    {make_triangular(1, 1, 4), 0.01, 1.01503768868014, 4e-15},
    {make_triangular(1, 1, 4), 0.3, 1.4900199203977733, 4e-15},
    {make_triangular(1, 1, 4), 0.5, 1.8786796564403572, 4e-15},
    {make_triangular(1, 1, 4), 0.7, 2.3568323274845016, 4e-15},
    {make_triangular(1, 1, 4), 0.99, 3.6999999999999997, 4e-15},
    {make_triangular(1, 1, 4), 0.9999999999, 3.9999699999987586, 4e-15},
    {make_triangular(1, 1, 4), 1 - 0x1p-53, 3.9999999683898633, 4e-15},
    {make_triangular(1, 4, 4), 0x1p-53, 1.0000000316101363, 4e-15},
    {make_triangular(1, 4, 4), 1e-15, 1.0000000948683299, 4e-15},
    {make_triangular(1, 4, 4), 1e-10, 1.00003, 4e-15},
    {make_triangular(1, 4, 4), 1e-05, 1.0094868329805051, 4e-15},
    {make_triangular(1, 4, 4), 0.01, 1.3, 4e-15},
    {make_triangular(1, 4, 4), 0.3, 2.6431676725154984, 4e-15},
    {make_triangular(1, 4, 4), 0.5, 3.1213203435596428, 4e-15},
    {make_triangular(1, 4, 4), 0.7, 3.5099800796022267, 4e-15},
    {make_triangular(1, 4, 4), 0.99, 3.98496231131986, 4e-15},
    {make_triangular(1, 4, 4), 0.9999999999, 3.99999999985, 4e-15},
    {make_triangular(1, 4, 4), 1 - 0x1p-53, 3.9999999999999996, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0x1p-53, 40, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 1e-15, 40, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 1e-10, 40.000000000002501, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 1e-05, 40.000000249845293, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0.01, 40.000251100866201, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0.3, 40.008910319783517, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0.5, 40.017314126764653, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0.7, 40.030069255274611, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0.99, 40.114892634811596, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 0.9999999999, 40.571213660203505, 4e-15},
    {make_truncnormal(0, 1, 40, HUGE_VAL), 1 - 0x1p-53, 40.907563906503476, 4e-15},
  };
}

// mpmath's (40 digits) where scipy is off. Tolerance 5e-11: the zone between 1e-4 and
// ~1e-1 of a standard deviation from a finite bound, where the offset from the bound
// comes out of Phi^-1 (relative error ~1e-16 |a| / offset, at most ~3e-11).
std::vector<reference_row> mpmath_rows() {
  return {
    {make_truncnormal(0.3, 0.2, 0, 1), 0x1p-53, 1.5994643138341315e-16, 4e-15},  // scipy off by 4e-02
    {make_truncnormal(0.3, 0.2, 0, 1), 1e-15, 1.4406693775551533e-15, 4e-15},  // scipy off by 4e-02
    {make_truncnormal(0.3, 0.2, 0, 1), 1e-10, 1.4406693767768379e-10, 4e-15},  // scipy off by 9e-08
    {make_truncnormal(0.3, 0.2, 0, 1), 1e-05, 1.4405915520973199e-5, 5e-11},  // scipy off by 1e-12
    {make_truncnormal(0.3, 0.2, 0, 1), 0.9999999999, 0.99999997861857288, 4e-15},  // scipy off by 2e-14
    {make_truncnormal(0.3, 0.2, 0, 1), 1 - 0x1p-53, 0.99999999999997626, 4e-15},  // scipy off by 2e-14
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0x1p-53, 1.4935200556227713e-10, 4e-15},  // scipy off by 8e-06
    {make_truncnormal(10, 2, 0, HUGE_VAL), 1e-15, 1.3452432711836593e-9, 4e-15},  // scipy off by 8e-07
    {make_truncnormal(10, 2, 0, HUGE_VAL), 1e-10, 0.00013450171152315351, 5e-11},  // scipy off by 6e-13
    {make_truncnormal(10, 2, 0, HUGE_VAL), 0.9999999999, 22.722681867438379, 4e-15},  // scipy off by 1e-08
    {make_truncnormal(10, 2, 0, HUGE_VAL), 1 - 0x1p-53, 26.419072372043439, 4e-15},  // scipy off by 5e-03
    {make_truncnormal(0, 1, -2, 12), 0.5, 0.028516926590917475, 4e-15},  // scipy off by 5e-15
    {make_truncnormal(0, 1, -2, 12), 0.9999999999, 6.3648740989096282, 4e-15},  // scipy off by 2e-08
    {make_truncnormal(0, 1, -2, 12), 1 - 0x1p-53, 8.2122990260615221, 4e-15},  // scipy: nan
  };
}

/// The tolerance of a row; with `device`, a truncnormal row also passes within
/// 1.5e-15 sigma max(1, |z|) absolute: the masses (erfc, 5 ulp on a device) move p
/// by up to 5.6e-16 p, and z by that over phi(z), at most 7e-16 where p <= 1/2 (the
/// quantile reflects past it), on top of the host's own 6.3e-16 sigma max(1, |z|).
double tolerance(const reference_row& r, bool device) {
  double tol = r.rel_tol * std::fabs(r.expected);
  if (device && r.d.kind == distribution_kind::truncnormal) {
    const double sigma = r.d.x1, z = (r.expected - r.d.x0) / sigma;
    tol = std::max(tol, 1.5e-15 * sigma * std::max(1.0, std::fabs(z)));
  }
  return tol;
}

void expect_rows(const std::vector<reference_row>& rows, bool device = false) {
  for (const reference_row& r : rows) {
    const double got = inverse_cdf(r.d, r.u);
    const double tol = tolerance(r, device);
    EXPECT_NEAR(got, r.expected, tol) << "kind " << static_cast<int>(r.d.kind) << " (" << r.d.x0 << ", "
                                      << r.d.x1 << ", " << r.d.x2 << ", " << r.d.x3 << ") u = " << r.u;
  }
}

TEST(InverseCdf, MatchesScipy) { expect_rows(scipy_rows()); }

TEST(InverseCdf, MatchesMpmathWhereScipyLosesDigits) { expect_rows(mpmath_rows()); }

#if defined(COOPGRID_DEVICE_MATH_MODEL)
// The device-math build (tests/device_math/): every row again with erfc, pow, exp, log
// and log1p each moved by the CUDA math library's documented maximum error, in every
// direction the model has, distributions made under the model too (make_* runs on the
// host today, so this is the pessimistic case): the tolerances above hold for any device
// library within its bounds, truncnormal's in absolute terms (tolerance()).
TEST(InverseCdfDeviceMath, RowsHoldWithinTheDeviceBounds) {
  for (const auto mode : {test::device_math::up, test::device_math::down, test::device_math::scattered}) {
    SCOPED_TRACE("device math mode " + std::to_string(static_cast<int>(mode)));
    test::set_device_math(mode);
    expect_rows(scipy_rows(), true);
    expect_rows(mpmath_rows(), true);
  }
  test::set_device_math(test::device_math::exact);
}
#endif

// scipy.special.ndtri(u).
const double ndtri_rows[][2] = {
    {0x1p-53, -8.2095361516013874},
    {1e-15, -7.9413453261709979},
    {1e-10, -6.3613409024040557},
    {1e-05, -4.2648907939228247},
    {0.01, -2.3263478740408408},
    {0.3, -0.52440051270804089},
    {0.5, 0},
    {0.7, 0.52440051270804067},
    {0.99, 2.3263478740408408},
    {0.9999999999, 6.3613408896974217},
    {1 - 0x1p-53, 8.2095361516013874},
    {1e-300, -37.047096299361201},
    {1e-100, -21.273453560965322},
    {0.075, -1.4395314709384563},
    {0.925, 1.4395314709384563},
    {0.2, -0.84162123357291418},
    {0.45, -0.12566134685507402},
};

TEST(InverseCdf, NormalQuantileMatchesNdtri) {
  // Measured over 9000 points in [2^-53, 1 - 2^-53]: <= 6.4e-16 relative from 40-digit
  // values, <= 6 ulps from ndtri (itself <= 5.2e-16 off).
  for (const auto& r : ndtri_rows) {
    if (r[1] == 0) {
      EXPECT_EQ(normal_quantile(r[0]), 0.0);
    } else {
      EXPECT_NEAR(normal_quantile(r[0]), r[1], 1.5e-15 * std::fabs(r[1])) << "u = " << r[0];
    }
  }
  EXPECT_EQ(normal_quantile(0.0), -HUGE_VAL);
  EXPECT_EQ(normal_quantile(1.0), HUGE_VAL);
  EXPECT_TRUE(std::isnan(normal_quantile(-0.5)));
  EXPECT_TRUE(std::isnan(normal_quantile(NAN)));
}

TEST(InverseCdf, NormalQuantileIsOddAndMonotone) {
  // 1 - u is exact for these u, so the two tails must mirror exactly.
  for (int k = 1; k < 1024; ++k) {
    const double u = k * 0x1p-11;
    EXPECT_EQ(normal_quantile(1.0 - u), -normal_quantile(u)) << u;
  }
  // Non-decreasing along u from 2^-53 to 1 - 2^-53 (geometric steps into both tails).
  std::vector<double> us;
  for (double u = 0x1p-53; u < 0.5; u *= 1.01) us.push_back(u);
  for (double v = 0.5; v >= 0x1p-53; v /= 1.01) us.push_back(1.0 - v);
  us.push_back(1 - 0x1p-53);
  double prev = -HUGE_VAL;
  for (const double u : us) {
    const double x = normal_quantile(u);
    ASSERT_GE(x, prev) << u;
    prev = x;
  }
  EXPECT_EQ(prev, -normal_quantile(0x1p-53));
}

TEST(InverseCdf, UnboundedKindsClampTheUnitPoint) {
  // u = 0 (Sobol' point 0) maps as 2^-53 does, to a finite value; so does the largest u.
  const distribution n = make_normal(1, 2), ln = make_lognormal(0, 1), tn = make_truncnormal(0, 1, -HUGE_VAL, HUGE_VAL);
  EXPECT_EQ(inverse_cdf(n, 0.0), inverse_cdf(n, 0x1p-53));
  EXPECT_EQ(inverse_cdf(n, 0.0), 1 + 2 * normal_quantile(0x1p-53));
  EXPECT_TRUE(std::isfinite(inverse_cdf(n, 0.0)));
  EXPECT_GT(inverse_cdf(ln, 0.0), 0.0);
  EXPECT_TRUE(std::isfinite(inverse_cdf(tn, 0.0)));
  EXPECT_EQ(inverse_cdf(tn, 0.0), -inverse_cdf(tn, 1 - 0x1p-53));
  EXPECT_EQ(inverse_cdf(n, 1 - 0x1p-53), 1 - 2 * normal_quantile(0x1p-53));
  // Bounded kinds do not clamp: u = 0 is the lower bound itself.
  EXPECT_EQ(inverse_cdf(make_uniform(2, 5), 0.0), 2.0);
  EXPECT_EQ(inverse_cdf(make_loguniform(1e-3, 10), 0.0), 1e-3);
  EXPECT_EQ(inverse_cdf(make_triangular(1, 2, 4), 0.0), 1.0);
}

TEST(InverseCdf, EveryBoundedKindMapsZeroToItsLowerBound) {
  // DESIGNS.md section 1, as scipy and SALib: issue 28's truncnormal [0.6, 0.15, 0, 1] gave 1.2e-13.
  EXPECT_EQ(inverse_cdf(make_uniform(-2, 5), 0.0), -2.0);
  EXPECT_EQ(inverse_cdf(make_loguniform(1e-3, 10), 0.0), 1e-3);
  EXPECT_EQ(inverse_cdf(make_truncnormal(0.6, 0.15, 0, 1), 0.0), 0.0);
  EXPECT_EQ(inverse_cdf(make_truncnormal(5, 1, 0.1, 0.3), 0.0), 0.1);    // reflected (flip)
  EXPECT_EQ(inverse_cdf(make_truncnormal(-5, 1, 0.1, 0.3), 0.0), 0.1);
  EXPECT_EQ(inverse_cdf(make_truncnormal(0, 1, -60, -50), 0.0), -60.0);  // far tail
  EXPECT_EQ(inverse_cdf(make_truncnormal(0, 1, 2, HUGE_VAL), 0.0), 2.0);
  EXPECT_EQ(inverse_cdf(make_triangular(1, 1, 4), 0.0), 1.0);
  EXPECT_EQ(inverse_cdf(make_integers(3, 9), 0.0), 3.0);
  EXPECT_EQ(inverse_cdf(make_choice(4), 0.0), 0.0);  // the first value's index
  // An infinite lower bound has none to reach: clamped, as normal.
  EXPECT_TRUE(std::isfinite(inverse_cdf(make_truncnormal(0, 1, -HUGE_VAL, 1), 0.0)));
  // The largest u stays within the upper bound.
  EXPECT_LE(inverse_cdf(make_truncnormal(0.6, 0.15, 0, 1), 1 - 0x1p-53), 1.0);
  EXPECT_LE(inverse_cdf(make_loguniform(1e-3, 10), 1 - 0x1p-53), 10.0);
}

TEST(InverseCdf, BoundedValuesStayInTheirBounds) {
  // Rounding never leaves [lo, hi], and a float rounding of the double stays within
  // the float-rounded bounds (the f32 path).
  const distribution ds[] = {make_uniform(0.1, 0.3), make_loguniform(0.1, 0.3), make_truncnormal(0.3, 0.2, 0.1, 0.3),
                             make_truncnormal(5, 1, 0.1, 0.3), make_truncnormal(-5, 1, 0.1, 0.3),
                             make_triangular(0.1, 0.3, 0.3), make_triangular(0.1, 0.1, 0.3)};
  for (const distribution& d : ds) {
    for (int k = 0; k <= 4096; ++k) {
      const double u = k == 4096 ? 1 - 0x1p-53 : k / 4096.0;
      const double x = inverse_cdf(d, u);
      ASSERT_GE(x, 0.1);
      ASSERT_LE(x, 0.3);
      ASSERT_GE(static_cast<float>(x), static_cast<float>(0.1));
      ASSERT_LE(static_cast<float>(x), static_cast<float>(0.3));
    }
  }
}

TEST(InverseCdf, TruncnormalDeepTails) {
  // Past 37 standard deviations (Phi underflows): the asymptotic tail, checked against
  // 60-digit mpmath roots.
  EXPECT_NEAR(inverse_cdf(make_truncnormal(0, 1, 37.5, 38), 0.5), 37.518466268200274, 4e-15 * 37.5);
  EXPECT_NEAR(inverse_cdf(make_truncnormal(0, 1, 37.5, 38), 0.999), 37.683626978820837, 4e-15 * 37.5);
  EXPECT_NEAR(inverse_cdf(make_truncnormal(0, 1, 37.5, 38), 1e-10), 37.500000000002665, 4e-15 * 37.5);
  EXPECT_NEAR(inverse_cdf(make_truncnormal(0, 1, -38, -37.5), 0.5), -37.518466268200274, 4e-15 * 37.5);
  EXPECT_NEAR(inverse_cdf(make_truncnormal(0, 1, 40, HUGE_VAL), 0.5), 40.017314126764651, 4e-15 * 40);
  // An interval one ulp wide, whose mass is at the rounding level, still samples inside it.
  const distribution tiny = make_truncnormal(0, 1, 1, 1 + 0x1p-52);
  const double x = inverse_cdf(tiny, 0.5);
  EXPECT_GE(x, 1.0);
  EXPECT_LE(x, 1 + 0x1p-52);
}

TEST(InverseCdf, IntegersAndChoice) {
  // a + floor(u (b - a + 1)), clamped to b; each value takes its 1/7 of [0, 1).
  const distribution ints = make_integers(3, 9);
  EXPECT_EQ(discrete_inverse_cdf(ints, 0.0), 3);
  EXPECT_EQ(discrete_inverse_cdf(ints, 1 - 0x1p-53), 9);
  EXPECT_EQ(discrete_inverse_cdf(ints, 0.5), 6);
  for (int k = 0; k < 7; ++k) {
    EXPECT_EQ(discrete_inverse_cdf(ints, (k + 0.5) / 7), 3 + k);
    EXPECT_EQ(inverse_cdf(ints, (k + 0.5) / 7), 3.0 + k);
  }
  EXPECT_EQ(discrete_inverse_cdf(make_integers(-4, -4), 0.7), -4);
  // u = 1 (not a unit point, but the clamp holds) and a full 64-bit range.
  EXPECT_EQ(discrete_inverse_cdf(ints, 1.0), 9);
  const distribution wide = make_integers(INT64_MIN / 2, INT64_MAX / 2);
  EXPECT_EQ(discrete_inverse_cdf(wide, 0.0), INT64_MIN / 2);
  EXPECT_LE(discrete_inverse_cdf(wide, 1 - 0x1p-53), INT64_MAX / 2);
  EXPECT_GT(discrete_inverse_cdf(wide, 1 - 0x1p-53), INT64_MAX / 4);
  // choice: the index floor(u n), clamped.
  const distribution c = make_choice(4);
  EXPECT_EQ(discrete_inverse_cdf(c, 0.0), 0);
  EXPECT_EQ(discrete_inverse_cdf(c, 0.25), 1);
  EXPECT_EQ(discrete_inverse_cdf(c, 0.2499999), 0);
  EXPECT_EQ(discrete_inverse_cdf(c, 1 - 0x1p-53), 3);
  EXPECT_EQ(inverse_cdf(c, 0.75), 3.0);
  EXPECT_EQ(discrete_inverse_cdf(make_choice(1), 0.9), 0);
}

}  // namespace
}  // namespace coopgrid::design
