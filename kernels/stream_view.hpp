#pragma once
/**
 * @file stream_view.hpp
 * @brief stream_view: a non-owning, trivially copyable handle of a CUDA
 *        stream, as RMM's cuda_stream_view. Plain C++ (no CUDA header), so the
 *        launchers of kernels/launch.hpp and the host code take it alike.
 *        Functions that take one enqueue work on it; by the project's naming,
 *        `foo_async()` returns at once and `foo()` waits for the work.
 */
#include <cstddef>
#include <type_traits>

struct CUstream_st;  // cudaStream_t is CUstream_st*

namespace coopgrid {

class stream_view {
 public:
  using value_type = CUstream_st*;

  /// The legacy default stream, spelled out: `stream_view{}`.
  constexpr stream_view() noexcept = default;
  /// Any stream handle (a cudaStream_t converts implicitly).
  constexpr stream_view(value_type stream) noexcept : stream_(stream) {}
  /// A literal 0 or nullptr hides which stream is meant: write stream_view{}.
  stream_view(int) = delete;
  stream_view(std::nullptr_t) = delete;

  constexpr value_type value() const noexcept { return stream_; }
  constexpr operator value_type() const noexcept { return stream_; }
  constexpr bool is_default() const noexcept { return stream_ == nullptr; }

 private:
  value_type stream_ = nullptr;
};

static_assert(std::is_trivially_copyable_v<stream_view>, "passed by value to launchers");
static_assert(!std::is_constructible_v<stream_view, int>, "0 is not a stream");
static_assert(!std::is_constructible_v<stream_view, std::nullptr_t>, "nullptr is not a stream");

}  // namespace coopgrid
