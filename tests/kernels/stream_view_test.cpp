// kernels/stream_view.hpp: a stream handle that a literal 0 or nullptr
// cannot become (a launch on "0" hides which stream is meant). Plain C++: no
// CUDA runtime needed.
#include "kernels/stream_view.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace coopgrid {
namespace {

void takes_a_stream(stream_view) {}

template <class Arg, class = void>
struct can_pass : std::false_type {};
template <class Arg>
struct can_pass<Arg, std::void_t<decltype(takes_a_stream(std::declval<Arg>()))>> : std::true_type {};

TEST(StreamView, IsAValueThatZeroAndNullptrCannotBecome) {
  static_assert(std::is_trivially_copyable_v<stream_view>);
  static_assert(std::is_nothrow_copy_constructible_v<stream_view>);
  static_assert(can_pass<CUstream_st*>::value, "a cudaStream_t converts implicitly");
  static_assert(can_pass<stream_view>::value);
  static_assert(!can_pass<int>::value, "0 is not a stream");
  static_assert(!can_pass<long>::value, "0L is not a stream");
  static_assert(!can_pass<std::nullptr_t>::value, "nullptr is not a stream");
  constexpr stream_view legacy{};
  static_assert(legacy.is_default() && legacy.value() == nullptr);
  auto* handle = reinterpret_cast<CUstream_st*>(std::uintptr_t{0x1000});
  const stream_view v = handle;
  EXPECT_EQ(v.value(), handle);
  EXPECT_FALSE(v.is_default());
  CUstream_st* back = v;  // converts back where a cudaStream_t is expected
  EXPECT_EQ(back, handle);
}

}  // namespace
}  // namespace coopgrid
