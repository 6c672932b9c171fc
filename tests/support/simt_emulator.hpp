#pragma once
/**
 * @file simt_emulator.hpp
 * @brief Runs CUDA kernel bodies (the .cuh headers of kernels/) on the CPU, so machines
 *        without a GPU (CI, development) test the kernels' logic: indexing,
 *        grid-stride loops, lane-group merges, barriers, the top-K network,
 *        unit sums and histograms.
 *
 * One fiber per CUDA thread, one block after another, all on the
 * calling thread. __syncthreads, __syncthreads_count and warp shuffles block
 * their fiber until every thread of the block (warp) arrives, as on the
 * device. Fibers never preempt each other, so atomics are plain
 * read-modify-writes. Between two barriers every interleaving is legal, and
 * the emulator runs one: each fiber up to its next barrier, in an order set
 * by COOPGRID_SIMT_ORDER: `forward` (thread 0 first, block 0 first: the
 * default), `reverse`, or `shuffled` (a fresh permutation of threads each
 * round and of blocks each launch, fixed seed). A missing barrier or a write
 * race shows as a result that changes with the order (a read before the
 * write it needs in one order): CTest runs the emulated suites in all three.
 * Finer interleavings are compute-sanitizer racecheck's, on a GPU. A barrier
 * some threads never reach (they returned) is reported as a deadlock instead
 * of hanging.
 *
 * Include this first, before any kernel header or launcher (the .cu files of kernels/
 * compile as C++ after it), and never with the real CUDA headers: it defines
 * the CUDA keywords and built-ins itself (tests/emulated/ has a fake runtime).
 */
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#if defined(__CUDACC__)
#error "simt_emulator.hpp is for host compilers: it defines the CUDA built-ins"
#endif


namespace simt {

// ---- Context switching: a few instructions on x86-64 (swapcontext costs a
// system call per switch, and the emulator switches once per thread per
// barrier or shuffle); ucontext elsewhere. ASan is told about every switch.
#if defined(__SANITIZE_ADDRESS__)
#define SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIMT_ASAN 1
#endif
#endif
}  // namespace simt
#if defined(SIMT_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
namespace simt {
namespace detail {

inline void asan_start_switch(void** fake_stack, const void* bottom, std::size_t size) {
#if defined(SIMT_ASAN)
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
inline void asan_finish_switch(void* fake_stack, const void** bottom_old, std::size_t* size_old) {
#if defined(SIMT_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack, bottom_old, size_old);
#else
  (void)fake_stack, (void)bottom_old, (void)size_old;
#endif
}

#if defined(__x86_64__)
extern "C" void simt_switch_stack(void** save_sp, void* load_sp);
// Saves the callee-saved registers on the current stack, swaps stack
// pointers, restores the other context's registers and returns into it.
// Weak: every translation unit including this header emits the same code.
__asm__(
    ".text\n"
    ".weak simt_switch_stack\n"
    ".type simt_switch_stack,@function\n"
    "simt_switch_stack:\n"
    "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
    "  ret\n"
    ".size simt_switch_stack,.-simt_switch_stack\n");

struct context {
  void* sp = nullptr;
};
inline void switch_context(context& from, const context& to) { simt_switch_stack(&from.sp, to.sp); }
/// A context that starts entry() on the given stack; entry must never return.
inline void make_context(context& c, char* stack, std::size_t size, void (*entry)()) {
  const auto top = reinterpret_cast<std::uintptr_t>(stack + size) & ~std::uintptr_t{15};
  void** sp = reinterpret_cast<void**>(top - 64);  // 6 registers, the entry, a dummy return address
  for (int i = 0; i < 6; ++i) sp[i] = nullptr;
  sp[6] = reinterpret_cast<void*>(entry);  // entered with rsp = top - 8, as after a call
  sp[7] = nullptr;
  c.sp = sp;
}
#else
struct context {
  ucontext_t uc{};
};
inline void switch_context(context& from, const context& to) { swapcontext(&from.uc, &to.uc); }
inline void make_context(context& c, char* stack, std::size_t size, void (*entry)()) {
  getcontext(&c.uc);
  c.uc.uc_stack.ss_sp = stack;
  c.uc.uc_stack.ss_size = size;
  c.uc.uc_link = nullptr;
  makecontext(&c.uc, entry, 0);
}
#endif

}  // namespace detail

struct index3 {
  unsigned x = 0, y = 0, z = 0;
};

struct fiber {
  detail::context ctx;
  char* stack = nullptr;
  std::size_t stack_size = 0;
  void* fake_stack = nullptr;  ///< ASan's bookkeeping while switched out
  index3 thread_idx;
  int shuffle_parity = 0;  ///< which of the warp's two exchange buffers its next shuffle uses
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
  int arrived = 0;
  unsigned long generation = 0;
  int count_acc = 0, count_result = 0;
  unsigned long progress = 0;  ///< barrier releases and finished fibers
  detail::context scheduler;
  const void* scheduler_stack = nullptr;  ///< for ASan
  std::size_t scheduler_stack_size = 0;
  int current = -1;
  std::function<void()> body;
  const char* barrier_site = nullptr;  ///< where the first thread of this generation waits
  std::string error;                   ///< set by a fiber, thrown by the scheduler
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
  fiber& f = this_fiber();
  detail::asan_start_switch(&f.fake_stack, b.scheduler_stack, b.scheduler_stack_size);
  detail::switch_context(f.ctx, b.scheduler);
  detail::asan_finish_switch(f.fake_stack, nullptr, nullptr);
}

/// __syncthreads at `site` ("file:line"): returns how many threads passed a
/// non-zero `contribution`. Every thread of a generation must wait at the same
/// site: CUDA leaves a barrier in divergent code undefined, and threads that
/// pass through different sequences of barriers are a bug even where the
/// counts happen to match.
inline int block_barrier(int contribution, const char* site) {
  auto& b = this_block();
  const unsigned long generation = b.generation;
  if (b.arrived == 0) {
    b.barrier_site = site;
  } else if (std::strcmp(b.barrier_site, site) != 0) {
    if (b.error.empty()) {
      b.error = "simt::launch: divergent __syncthreads in block " + std::to_string(b.block_idx.x) + ": thread " +
                std::to_string(linear_tid()) + " waits at " + site + ", others at " + b.barrier_site;
    }
    for (;;) yield();  // the scheduler throws at the end of this round
  }
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
  int& parity = this_fiber().shuffle_parity;
  std::memcpy(&w.slot[parity][lane], &v, sizeof(T));
  warp_barrier(w);
  T out;
  std::memcpy(&out, &w.slot[parity][src_of(lane)], sizeof(T));
  parity ^= 1;
  return out;
}

/// Every lane publishes v; each gets the mask of lanes whose value equals its own.
template <class T>
unsigned match_any(T v) {
  static_assert(sizeof(T) <= sizeof(unsigned long long), "matches compare up to 8 bytes");
  auto& b = this_block();
  const int tid = linear_tid();
  auto& w = b.warps[static_cast<std::size_t>(tid / 32)];
  int& parity = this_fiber().shuffle_parity;
  std::memcpy(&w.slot[parity][tid % 32], &v, sizeof(T));
  warp_barrier(w);
  unsigned mask = 0;
  for (int lane = 0; lane < 32; ++lane) {
    T other;
    std::memcpy(&other, &w.slot[parity][lane], sizeof(T));
    if (other == v) mask |= 1u << lane;
  }
  parity ^= 1;
  return mask;
}

/// Every fiber starts here; it never returns (nothing to return to).
[[noreturn]] inline void fiber_entry() {
  block_state& b = this_block();
  detail::asan_finish_switch(nullptr, &b.scheduler_stack, &b.scheduler_stack_size);
  b.body();
  fiber& f = this_fiber();
  f.done = true;
  ++b.progress;
  detail::asan_start_switch(nullptr, b.scheduler_stack, b.scheduler_stack_size);  // this fiber ends
  detail::switch_context(f.ctx, b.scheduler);
  __builtin_unreachable();
}

enum class order { forward, reverse, shuffled };

/// COOPGRID_SIMT_ORDER, read at each launch (tests set it per run).
inline order thread_order() {
  const char* e = std::getenv("COOPGRID_SIMT_ORDER");
  if (e == nullptr || std::strcmp(e, "forward") == 0) return order::forward;
  if (std::strcmp(e, "reverse") == 0) return order::reverse;
  if (std::strcmp(e, "shuffled") == 0) return order::shuffled;
  throw std::invalid_argument(std::string("COOPGRID_SIMT_ORDER: '") + e + "' is not forward, reverse or shuffled");
}

/// 0..n-1 in the given order; `rng` advances for shuffled.
inline void order_indices(std::vector<unsigned>& idx, unsigned n, order o, std::uint64_t& rng) {
  idx.resize(n);
  for (unsigned i = 0; i < n; ++i) idx[i] = o == order::reverse ? n - 1 - i : i;
  if (o != order::shuffled) return;
  for (unsigned i = n; i > 1; --i) {  // Fisher-Yates with a 64-bit LCG: no <random> state per launch
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    std::swap(idx[i - 1], idx[static_cast<unsigned>((rng >> 33) % i)]);
  }
}

/**
 * @brief Runs kernel(args...) over `grid` blocks of `block` threads (a
 *        multiple of 32) with `smem_bytes` of dynamic shared memory.
 *        Synchronous; throws std::runtime_error on a deadlock.
 */
// Where swapcontext is used it is declared returns_twice; the scheduler's locals are safe
// because the switch restores every register it saved (unlike longjmp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
template <class Kernel, class... Args>
void launch(unsigned grid, unsigned block, std::size_t smem_bytes, Kernel kernel, Args... args) {
  if (block == 0 || block % 32 != 0) throw std::invalid_argument("simt::launch: block size must be a multiple of 32");
  constexpr std::size_t stack_bytes = std::size_t{256} << 10;
  // Fiber stacks are kept across launches: mapping and faulting in fresh
  // stacks would cost more than a small launch itself.
  static thread_local std::vector<std::unique_ptr<char[]>> stacks;
  while (stacks.size() < block) stacks.emplace_back(new char[stack_bytes]);
  const order ord = thread_order();
  std::uint64_t rng = 0x9E3779B97F4A7C15ull ^ (std::uint64_t{grid} << 32) ^ block;
  std::vector<unsigned> blocks, threads;
  order_indices(blocks, grid, ord, rng);
  for (unsigned bx : blocks) {
    block_state b;
    b.block_idx.x = bx;
    b.block_dim.x = block;
    b.grid_dim.x = grid;
    b.smem.assign(smem_bytes + 16, 0xcd);  // poisoned: the kernel must initialise what it reads
    b.fibers.resize(block);
    b.warps.resize(block / 32);
    b.body = [&] { kernel(args...); };
    for (unsigned t = 0; t < block; ++t) {
      fiber& f = b.fibers[t];
      f.thread_idx.x = t;
      f.stack = stacks[t].get();
      f.stack_size = stack_bytes;
      detail::make_context(f.ctx, f.stack, f.stack_size, fiber_entry);
    }
    block_state* const saved = current_block();
    current_block() = &b;
    for (;;) {
      bool any = false;
      const unsigned long before = b.progress;
      order_indices(threads, block, ord, rng);
      for (unsigned t : threads) {
        if (b.fibers[t].done) continue;
        any = true;
        b.current = static_cast<int>(t);
        void* fake_stack = nullptr;
        detail::asan_start_switch(&fake_stack, b.fibers[t].stack, b.fibers[t].stack_size);
        detail::switch_context(b.scheduler, b.fibers[t].ctx);
        detail::asan_finish_switch(fake_stack, nullptr, nullptr);
      }
      if (!b.error.empty()) {
        current_block() = saved;
        throw std::runtime_error(b.error);
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

/**
 * @brief Where COOPGRID_LAUNCH sends a launch: empty, it runs at once; a fake
 *        CUDA runtime that models streams (tests/emulated/) queues it on the
 *        stream and runs it when the host waits for that stream.
 */
inline std::function<void(const void* stream, std::function<void()> work)>& launch_hook() {
  static std::function<void(const void*, std::function<void()>)> hook;
  return hook;
}

/**
 * @brief Told the address of every kernel COOPGRID_LAUNCH launches (when set
 *        and the kernel is a function): tests check which kernel a launcher chose.
 */
inline std::function<void(const void* kernel)>& launch_observer() {
  static std::function<void(const void*)> observer;
  return observer;
}

/// COOPGRID_LAUNCH's target: binds the configuration, then launches the kernel on its arguments.
template <class Kernel>
struct launcher {
  unsigned grid, block;
  std::size_t smem;
  const void* stream;
  Kernel kernel;
  template <class... Args>
  void operator()(Args... args) const {
    if constexpr (std::is_pointer_v<Kernel> && std::is_function_v<std::remove_pointer_t<Kernel>>) {
      if (launch_observer()) launch_observer()(reinterpret_cast<const void*>(kernel));
    }
    auto work = [grid = grid, block = block, smem = smem, kernel = kernel, args...] {
      launch(grid, block, smem, kernel, args...);
    };
    if (launch_hook()) {
      launch_hook()(stream, work);
    } else {
      work();
    }
  }
};

template <class Kernel>
launcher<Kernel> make_launcher(long long grid, long long block, std::size_t smem, const void* stream,
                               Kernel kernel) {
  return launcher<Kernel>{static_cast<unsigned>(grid), static_cast<unsigned>(block), smem, stream, kernel};
}

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
// Launches run on the calling thread: at once, or when the host waits for
// their stream (see simt::launch_hook).
#define COOPGRID_LAUNCH(grid, block, smem, stream, ...) \
  ::simt::make_launcher((grid), (block), (smem), static_cast<const void*>(stream), __VA_ARGS__)

#define COOPGRID_SIMT_STR2(x) #x
#define COOPGRID_SIMT_STR(x) COOPGRID_SIMT_STR2(x)
#define COOPGRID_SIMT_SITE __FILE__ ":" COOPGRID_SIMT_STR(__LINE__)
#define __syncthreads() ::simt::block_barrier(0, COOPGRID_SIMT_SITE)
#define __syncthreads_count(predicate) ::simt::block_barrier((predicate) != 0 ? 1 : 0, COOPGRID_SIMT_SITE)

template <class T>
T __shfl_down_sync(unsigned /*mask: every caller passes the full warp*/, T v, int delta, int width = 32) {
  return simt::exchange(v, [&](int lane) { return (lane % width) + delta < width ? lane + delta : lane; });
}

template <class T>
T __shfl_up_sync(unsigned /*mask*/, T v, int delta, int width = 32) {
  return simt::exchange(v, [&](int lane) { return (lane % width) >= delta ? lane - delta : lane; });
}

inline void __syncwarp(unsigned /*mask: the full warp*/ = 0xffffffffu) {
  simt::warp_barrier(simt::this_block().warps[static_cast<std::size_t>(simt::linear_tid() / 32)]);
}

template <class T>
T __shfl_sync(unsigned /*mask*/, T v, int src_lane, int width = 32) {
  return simt::exchange(v, [&](int lane) { return (lane / width) * width + (src_lane % width); });
}

template <class T>
unsigned __match_any_sync(unsigned /*mask: the full warp*/, T v) {
  return simt::match_any(v);
}

inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }

template <class T, class U>
T atomicAdd(T* address, U value) {
  const T old = *address;
  *address = old + static_cast<T>(value);
  return old;
}

// Rounded alone, as on the device: the emulated builds never contract a * b + c
// (tests/CMakeLists.txt compiles them with -ffp-contract=off).
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }

inline double __longlong_as_double(long long x) {
  double d;
  std::memcpy(&d, &x, sizeof d);
  return d;
}

using std::isinf;
using std::max;
using std::min;
