#pragma once
/**
 * @file cpu_simd.hpp
 * @brief The CPU backend's vectorised batch rows (f64): the item lists of a
 *        scenario eight at a time with SLEEF's u10 functions, on AVX-512F or
 *        AVX2+FMA chosen at run time, else the scalar formula core.
 *
 * Both vector targets run the same eight logical lanes (AVX2 as two halves),
 * the same operations and the same fixed tree that merges the lanes' sums,
 * so avx2 and avx512 give the same bits, for any thread count. Rows
 * differ from the scalar path's in the last bits (another summation order,
 * another math library), within the f64 tolerance. f32 stays scalar: its
 * consensus exponent is formed in double and split (consensus_exponent).
 */
#include <cstddef>
#include <string>
#include <string_view>

#include "kernels/batch_view.hpp"

namespace coopgrid {

enum class simd_target { scalar, avx2, avx512 };

/// "scalar", "avx2" or "avx512": COOPGRID_SIMD's spelling.
const char* simd_target_name(simd_target t);

/// Whether this build (SLEEF found) and this CPU can run t; scalar always.
bool simd_available(simd_target t);

/// The targets this build and CPU run, comma-separated ("scalar, avx2").
std::string available_simd_targets();

/// The best target this build and CPU run: avx512, else avx2, else scalar.
simd_target best_simd_target();

/// COOPGRID_SIMD's value (scalar, avx2, avx512, or auto: the best available); usage_error naming
/// the variable, the value and the choices otherwise.
simd_target parse_simd_target(std::string_view value);

/**
 * @brief COOPGRID_SIMD's target (usage_error where this machine cannot run it); unset: scalar.
 *
 * Why scalar by default: the CPU backend's f64 reductions are compared to the
 * CUDA kernels' (the scalar formula core) bit for bit in
 * EmulatedKernels.FusedBatchReduceShiftsChunkIndices; vector rows differ
 * from those in the last bits. Making `auto` the default is the integrator's call.
 */
simd_target selected_simd_target();

/// Rows of f64 batch scenarios [first, first + count) on target t (scalar: evaluate_scenario).
void simd_batch_rows(simd_target t, const batch_view<double>& b, index_t first, index_t count,
                     metric_row<double>* rows);

/// The SLEEF functions the vector targets call.
enum class simd_math_fn { exp, expm1, log, log1p };

/// out[i] = f(in[i]) with t's SLEEF function (the scalar target: glibc's), for the error-bound tests.
void simd_math(simd_target t, simd_math_fn f, const double* in, double* out, std::size_t n);

}  // namespace coopgrid
