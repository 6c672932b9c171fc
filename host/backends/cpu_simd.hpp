#pragma once
/**
 * @file cpu_simd.hpp
 * @brief The CPU backend's vectorised batch rows: the item lists of a
 *        scenario eight at a time with SLEEF's u10 functions, on AVX-512F or
 *        AVX2+FMA chosen at run time, else the scalar formula core.
 *
 * Both vector targets run the same eight logical lanes (AVX2 as two halves),
 * the same operations and the same fixed tree that merges the lanes' sums,
 * so avx2 and avx512 give the same bits, for any thread count. Rows
 * differ from the scalar path's in the last bits (another summation order,
 * another math library), within the f64 tolerance. f32 rows widen the float
 * items exactly and run the same double lanes, each metric rounded to float
 * once at the end: more accurate than the scalar f32 core (which works in
 * float), and well within the f32 tolerance.
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
 * @brief COOPGRID_SIMD's target (usage_error where this machine cannot run it); unset: the best
 *        available (best_simd_target).
 *
 * The contract (README, "Agreement"): every fast backend agrees with the
 * reference within the precision's tolerance, and each gives the same bits for
 * any thread count, chunk size, shard split or resume on one machine (avx2 and
 * avx512 give the same bits too). The cpu and CUDA backends are not held equal
 * to each other bit for bit: vector rows round differently from the formula
 * core the kernels run. `scalar` is that core, for a cpu run with the CUDA kernels' bits.
 */
simd_target selected_simd_target();

/// Rows of batch scenarios [first, first + count) on target t (scalar: evaluate_scenario).
void simd_batch_rows(simd_target t, const batch_view<double>& b, index_t first, index_t count,
                     metric_row<double>* rows);
void simd_batch_rows(simd_target t, const batch_view<float>& b, index_t first, index_t count,
                     metric_row<float>* rows);

/// The SLEEF functions of the vector targets, and expm1_unit: their own expm1 for y in
/// [-ln 2, 0] (cpu_simd_body.hpp), the one consensus calls.
enum class simd_math_fn { exp, expm1, log, log1p, expm1_unit };

/// out[i] = f(in[i]) with t's SLEEF function (the scalar target: glibc's), for the error-bound tests.
void simd_math(simd_target t, simd_math_fn f, const double* in, double* out, std::size_t n);

}  // namespace coopgrid
