#pragma once
/**
 * @file
 * @brief COOPGRID_SIMD_CLONES: a function compiled for the baseline, AVX2 and
 *        AVX-512F, picked at load time by the CPU it runs on (no -march for the
 *        build). Files that use it are compiled with -ffp-contract=off
 *        (CMakeLists.txt), so no clone fuses a product into a sum the others
 *        round separately: every x86 machine gives the same bits.
 *
 * Off in the ASan build and where GCC's target_clones is not available: there
 * the baseline function is the only one.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define COOPGRID_SIMD_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define COOPGRID_SIMD_CLONES
#endif
