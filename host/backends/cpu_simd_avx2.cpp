// The vector kernels on AVX2 + FMA: eight logical lanes as two __m256d.
// Compiled with -mavx2 -mfma -ffp-contract=off (CMakeLists.txt); only
// cpu_simd.cpp calls in, after checking the CPU.
#include <immintrin.h>
#include <sleef.h>

#include "host/backends/cpu_simd_lanes.hpp"

namespace coopgrid::simd_detail {
namespace {

struct avx2_ops {
  struct vd {
    __m256d lo, hi;  // lanes 0-3, 4-7
  };
  using vm = vd;  // all-ones lanes where true

  static vd zero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
  static vd set1(double x) { return {_mm256_set1_pd(x), _mm256_set1_pd(x)}; }
  static vd load(const double* p) { return {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)}; }
  static vd load(const float* p) { return {_mm256_cvtps_pd(_mm_loadu_ps(p)), _mm256_cvtps_pd(_mm_loadu_ps(p + 4))}; }
  static void store(double* p, vd a) {
    _mm256_storeu_pd(p, a.lo);
    _mm256_storeu_pd(p + 4, a.hi);
  }
  static vd add(vd a, vd b) { return {_mm256_add_pd(a.lo, b.lo), _mm256_add_pd(a.hi, b.hi)}; }
  static vd sub(vd a, vd b) { return {_mm256_sub_pd(a.lo, b.lo), _mm256_sub_pd(a.hi, b.hi)}; }
  static vd mul(vd a, vd b) { return {_mm256_mul_pd(a.lo, b.lo), _mm256_mul_pd(a.hi, b.hi)}; }
  static vd fma(vd a, vd b, vd c) { return {_mm256_fmadd_pd(a.lo, b.lo, c.lo), _mm256_fmadd_pd(a.hi, b.hi, c.hi)}; }
  static vd abs(vd a) {
    const __m256d sign = _mm256_set1_pd(-0.0);
    return {_mm256_andnot_pd(sign, a.lo), _mm256_andnot_pd(sign, a.hi)};
  }
  static vd neg(vd a) {
    const __m256d sign = _mm256_set1_pd(-0.0);
    return {_mm256_xor_pd(sign, a.lo), _mm256_xor_pd(sign, a.hi)};
  }
  static vd floor(vd a) { return {_mm256_floor_pd(a.lo), _mm256_floor_pd(a.hi)}; }
  static vm lt(vd a, vd b) { return {_mm256_cmp_pd(a.lo, b.lo, _CMP_LT_OQ), _mm256_cmp_pd(a.hi, b.hi, _CMP_LT_OQ)}; }
  static vm le(vd a, vd b) { return {_mm256_cmp_pd(a.lo, b.lo, _CMP_LE_OQ), _mm256_cmp_pd(a.hi, b.hi, _CMP_LE_OQ)}; }
  static vm gt(vd a, vd b) { return {_mm256_cmp_pd(a.lo, b.lo, _CMP_GT_OQ), _mm256_cmp_pd(a.hi, b.hi, _CMP_GT_OQ)}; }
  static vm ge(vd a, vd b) { return {_mm256_cmp_pd(a.lo, b.lo, _CMP_GE_OQ), _mm256_cmp_pd(a.hi, b.hi, _CMP_GE_OQ)}; }
  /// m ? if_true : if_false, lane-wise.
  static vd select(vm m, vd if_false, vd if_true) {
    return {_mm256_blendv_pd(if_false.lo, if_true.lo, m.lo), _mm256_blendv_pd(if_false.hi, if_true.hi, m.hi)};
  }
  static unsigned bits(vm m) {
    return static_cast<unsigned>(_mm256_movemask_pd(m.lo)) | (static_cast<unsigned>(_mm256_movemask_pd(m.hi)) << 4);
  }
  static void halves(vd a, __m256d& lo, __m256d& hi) {
    lo = a.lo;
    hi = a.hi;
  }
  static vd exp(vd a) { return {Sleef_expd4_u10avx2(a.lo), Sleef_expd4_u10avx2(a.hi)}; }
  static vd expm1(vd a) { return {Sleef_expm1d4_u10avx2(a.lo), Sleef_expm1d4_u10avx2(a.hi)}; }
  static vd log(vd a) { return {Sleef_logd4_u10avx2(a.lo), Sleef_logd4_u10avx2(a.hi)}; }
  static vd log1p(vd a) { return {Sleef_log1pd4_u10avx2(a.lo), Sleef_log1pd4_u10avx2(a.hi)}; }
};

#include "host/backends/cpu_simd_body.hpp"

}  // namespace

const kernels avx2_kernels = simd_body<avx2_ops>::table;

}  // namespace coopgrid::simd_detail
