#pragma once
/**
 * @file simt_emulator.hpp
 * @brief Runs CUDA kernel bodies (the .cuh headers of kernels/) on the CPU, so machines
 *        without a GPU (CI, development) test the kernels' logic: indexing,
 *        grid-stride loops, lane-group merges, barriers, the top-K network,
 *        unit sums and histograms.
 *
 * One fiber (ucontext) per CUDA thread, one block after another, all on the
 * calling thread. __syncthreads, __syncthreads_count and warp shuffles block
 * their fiber until every thread of the block (warp) arrives, as on the
 * device. Fibers never preempt each other, so atomics are plain
 * read-modify-writes and data races are not modelled: compute-sanitizer's
 * racecheck covers those on a GPU. A barrier some threads never reach (they
 * returned) is reported as a deadlock instead of hanging.
 *
 * Include this first, before any kernel header, and never together with the
 * CUDA runtime headers: it defines the CUDA keywords and built-ins itself.
 */
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__CUDACC__)
#error "simt_emulator.hpp is for host compilers: it defines the CUDA built-ins"
#endif


namespace simt {

struct index3 {
  unsigned x = 0, y = 0, z = 0;
};

struct fiber {
  ucontext_t ctx{};
  index3 thread_idx;
  bool done = false;
};

struct warp_state {
  int arrived = 0;
  unsigned long generation = 0;
  unsigned long long slot[2][32] = {};  ///< shuffle exchange, alternating per shuffle
};

struct block_state {
  index3 block_idx, block_dim, grid_dim;
  std::vector<unsigned char> smem;
  std::vector<fiber> fibers;
  std::vector<warp_state> warps;
  std::vector<int> fiber_parity;  ///< each fiber's next shuffle buffer
  int arrived = 0;
  unsigned long generation = 0;
  int count_acc = 0, count_result = 0;
  unsigned long progress = 0;  ///< barrier releases and finished fibers
  ucontext_t scheduler{};
  int current = -1;
  std::function<void()> body;
};

inline block_state*& current_block() {
  static thread_local block_state* b = nullptr;
  return b;
}
inline block_state& this_block() { return *current_block(); }
inline fiber& this_fiber() { return this_block().fibers[static_cast<std::size_t>(this_block().current)]; }
inline int linear_tid() { return static_cast<int>(this_fiber().thread_idx.x); }

/// Back to the scheduler; it resumes this fiber on its next round.
inline void yield() {
  auto& b = this_block();
  swapcontext(&b.fibers[static_cast<std::size_t>(b.current)].ctx, &b.scheduler);
}

/// __syncthreads: returns how many threads passed a non-zero `contribution`.
inline int block_barrier(int contribution) {
  auto& b = this_block();
  const unsigned long generation = b.generation;
  b.count_acc += contribution;
  if (++b.arrived == static_cast<int>(b.fibers.size())) {
    b.arrived = 0;
    b.count_result = b.count_acc;
    b.count_acc = 0;
    ++b.generation;
    ++b.progress;
  } else {
    while (b.generation == generation) yield();
  }
  return b.count_result;
}

inline void warp_barrier(warp_state& w) {
  auto& b = this_block();
  const unsigned long generation = w.generation;
  if (++w.arrived == 32) {
    w.arrived = 0;
    ++w.generation;
    ++b.progress;
  } else {
    while (w.generation == generation) yield();
  }
}

/// Every lane publishes v; each reads lane src_of(lane)'s value.
template <class T, class SrcOf>
T exchange(T v, SrcOf src_of) {
  static_assert(sizeof(T) <= sizeof(unsigned long long), "shuffles move up to 8 bytes");
  auto& b = this_block();
  const int tid = linear_tid();
  auto& w = b.warps[static_cast<std::size_t>(tid / 32)];
  const int lane = tid % 32;
  // Two buffers used alternately: the barrier of the next shuffle proves every
  // lane has read this one before the buffer is written again.
  int& parity = b.fiber_parity[static_cast<std::size_t>(tid)];
  std::memcpy(&w.slot[parity][lane], &v, sizeof(T));
  warp_barrier(w);
  T out;
  std::memcpy(&out, &w.slot[parity][src_of(lane)], sizeof(T));
  parity ^= 1;
  return out;
}

inline void fiber_entry() {
  auto& b = this_block();
  b.body();
  b.fibers[static_cast<std::size_t>(b.current)].done = true;
  ++b.progress;
}  // returns to uc_link: the scheduler

/**
 * @brief Runs kernel(args...) over `grid` blocks of `block` threads (a
 *        multiple of 32) with `smem_bytes` of dynamic shared memory.
 *        Synchronous; throws std::runtime_error on a deadlock.
 */
// swapcontext is declared returns_twice; the scheduler's locals are safe because
// swapcontext itself restores every register it saved (unlike longjmp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
template <class Kernel, class... Args>
void launch(unsigned grid, unsigned block, std::size_t smem_bytes, Kernel kernel, Args... args) {
  if (block == 0 || block % 32 != 0) throw std::invalid_argument("simt::launch: block size must be a multiple of 32");
  constexpr std::size_t stack_bytes = std::size_t{256} << 10;
  std::vector<std::unique_ptr<char[]>> stacks(block);
  for (auto& s : stacks) s.reset(new char[stack_bytes]);
  for (unsigned bx = 0; bx < grid; ++bx) {
    block_state b;
    b.block_idx.x = bx;
    b.block_dim.x = block;
    b.grid_dim.x = grid;
    b.smem.assign(smem_bytes + 16, 0xcd);  // poisoned: the kernel must initialise what it reads
    b.fibers.resize(block);
    b.warps.resize(block / 32);
    b.fiber_parity.assign(block, 0);
    b.body = [&] { kernel(args...); };
    for (unsigned t = 0; t < block; ++t) {
      fiber& f = b.fibers[t];
      f.thread_idx.x = t;
      getcontext(&f.ctx);
      f.ctx.uc_stack.ss_sp = stacks[t].get();
      f.ctx.uc_stack.ss_size = stack_bytes;
      f.ctx.uc_link = &b.scheduler;
      makecontext(&f.ctx, fiber_entry, 0);
    }
    block_state* const saved = current_block();
    current_block() = &b;
    for (;;) {
      bool any = false;
      const unsigned long before = b.progress;
      for (unsigned t = 0; t < block; ++t) {
        if (b.fibers[t].done) continue;
        any = true;
        b.current = static_cast<int>(t);
        swapcontext(&b.scheduler, &b.fibers[t].ctx);
      }
      if (!any) break;
      if (b.progress == before) {
        current_block() = saved;
        throw std::runtime_error("simt::launch: deadlock in block " + std::to_string(bx) +
                                 ": a barrier or shuffle some threads never reach");
      }
    }
    current_block() = saved;
  }
}
#pragma GCC diagnostic pop

}  // namespace simt

// ---- The CUDA vocabulary the kernel headers use ----
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) alignas(n)
#define threadIdx (::simt::this_fiber().thread_idx)
#define blockIdx (::simt::this_block().block_idx)
#define blockDim (::simt::this_block().block_dim)
#define gridDim (::simt::this_block().grid_dim)
#define COOPGRID_DYNAMIC_SMEM(name) unsigned char* name = ::simt::this_block().smem.data()

inline void __syncthreads() { simt::block_barrier(0); }
inline int __syncthreads_count(int predicate) { return simt::block_barrier(predicate != 0 ? 1 : 0); }

template <class T>
T __shfl_down_sync(unsigned /*mask: every caller passes the full warp*/, T v, int delta, int width = 32) {
  return simt::exchange(v, [&](int lane) { return (lane % width) + delta < width ? lane + delta : lane; });
}

template <class T>
T __shfl_sync(unsigned /*mask*/, T v, int src_lane, int width = 32) {
  return simt::exchange(v, [&](int lane) { return (lane / width) * width + (src_lane % width); });
}

template <class T, class U>
T atomicAdd(T* address, U value) {
  const T old = *address;
  *address = old + static_cast<T>(value);
  return old;
}

inline double __longlong_as_double(long long x) {
  double d;
  std::memcpy(&d, &x, sizeof d);
  return d;
}

using std::isinf;
using std::max;
using std::min;
