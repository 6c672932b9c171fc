// kernels/analysis_kernels.cu, unchanged, compiled by g++ for the emulated
// device: the SIMT emulator supplies the CUDA vocabulary and COOPGRID_LAUNCH.
#include "tests/support/simt_emulator.hpp"
#include "kernels/analysis_kernels.cu"
