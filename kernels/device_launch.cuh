#pragma once
/**
 * @file device_launch.cuh
 * @brief The two spellings tests/kernels/simt_emulator.hpp replaces to run the
 *        kernels and their launchers on the CPU:
 *        COOPGRID_LAUNCH(grid, block, smem, stream, kernel)(args...), a launch
 *        (the kernel comes last: its template arguments may hold commas), and
 *        COOPGRID_DYNAMIC_SMEM(name), a kernel's dynamic shared memory.
 */
#ifndef COOPGRID_LAUNCH
#define COOPGRID_LAUNCH(grid, block, smem, stream, ...) __VA_ARGS__<<<grid, block, smem, stream>>>
#endif

#ifndef COOPGRID_DYNAMIC_SMEM
#define COOPGRID_DYNAMIC_SMEM(name) extern __shared__ __align__(16) unsigned char name[]
#endif
