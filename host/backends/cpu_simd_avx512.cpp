// The vector kernels on AVX-512F: eight lanes in one __m512d. Compiled with
// -mavx512f -mfma -ffp-contract=off (CMakeLists.txt); only cpu_simd.cpp calls
// in, after checking the CPU.
#include <immintrin.h>
#include <sleef.h>

#include "host/backends/cpu_simd_lanes.hpp"

namespace coopgrid::simd_detail {
namespace {

struct avx512_ops {
  using vd = __m512d;
  using vm = __mmask8;

  static vd zero() { return _mm512_setzero_pd(); }
  static vd set1(double x) { return _mm512_set1_pd(x); }
  static vd load(const double* p) { return _mm512_loadu_pd(p); }
  static vd load(const float* p) {  // exact: float -> double; the masked form: see floor
    return _mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_ps(p));
  }
  static void store(double* p, vd a) { _mm512_storeu_pd(p, a); }
  static vd add(vd a, vd b) { return _mm512_add_pd(a, b); }
  static vd sub(vd a, vd b) { return _mm512_sub_pd(a, b); }
  static vd mul(vd a, vd b) { return _mm512_mul_pd(a, b); }
  static vd fma(vd a, vd b, vd c) { return _mm512_fmadd_pd(a, b, c); }
  static vd abs(vd a) { return _mm512_abs_pd(a); }
  static vd neg(vd a) {  // integer xor: _mm512_xor_pd needs AVX512DQ
    return _mm512_castsi512_pd(
        _mm512_xor_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(static_cast<long long>(0x8000000000000000ull))));
  }
  static vd floor(vd a) {  // the masked form: g++ 12 warns of the unmasked one's undefined source
    return _mm512_mask_roundscale_pd(a, 0xFF, a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  static vm lt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static vm le(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
  static vm gt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static vm ge(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
  /// m ? if_true : if_false, lane-wise.
  static vd select(vm m, vd if_false, vd if_true) { return _mm512_mask_blend_pd(m, if_false, if_true); }
  static unsigned bits(vm m) { return static_cast<unsigned>(m); }
  static void halves(vd a, __m256d& lo, __m256d& hi) {  // masked forms: see floor
    lo = _mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, a, 0);
    hi = _mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, a, 1);
  }
  static vd exp(vd a) { return Sleef_expd8_u10avx512f(a); }
  static vd expm1(vd a) { return Sleef_expm1d8_u10avx512f(a); }
  static vd log(vd a) { return Sleef_logd8_u10avx512f(a); }
  static vd log1p(vd a) { return Sleef_log1pd8_u10avx512f(a); }
};

#include "host/backends/cpu_simd_body.hpp"

}  // namespace

const kernels avx512_kernels = simd_body<avx512_ops>::table;

}  // namespace coopgrid::simd_detail
