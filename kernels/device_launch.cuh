#pragma once
/**
 * @file device_launch.cuh
 * @brief COOPGRID_LAUNCH(grid, block, smem, stream, kernel)(args...): a kernel
 *        launch, spelled so that tests/kernels/simt_emulator.hpp can define it
 *        first and run the same launchers on the CPU (the kernel comes last:
 *        its template arguments may hold commas).
 */
#ifndef COOPGRID_LAUNCH
#define COOPGRID_LAUNCH(grid, block, smem, stream, ...) __VA_ARGS__<<<grid, block, smem, stream>>>
#endif
