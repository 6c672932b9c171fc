#pragma once
/**
 * @file exact_sum.hpp
 * @brief An exact accumulator for sums of doubles (a Kulisch-style fixed-point
 *        integer spanning the whole double range). Adding is exact, so any
 *        grouping of the terms gives the same bits: partial sums from threads,
 *        GPU blocks, checkpoints, shards and MPI ranks merge exactly.
 *
 * Backends sum the values of one reduction unit with Neumaier summation (fast,
 * in a fixed order) and add the unit's (sum, compensation) pair here.
 */
#include <array>
#include <cstdint>
#include <string>

namespace coopgrid {

class exact_sum {
 public:
  /// Adds a finite double exactly (infinities are tracked by the caller).
  void add(double x);
  /// Adds another accumulator exactly.
  void merge(const exact_sum& o);
  /// Multiplies the sum by m exactly (a value counted m times: factorized grid
  /// reductions); two's complement words multiply as unsigned ones do.
  void multiply(std::uint64_t m);
  /// The exact sum rounded to the nearest double (ties to even); +-inf beyond the range.
  double value() const;
  bool operator==(const exact_sum& o) const { return w_ == o.w_; }

  /// Compact hex text (two's complement words, most significant first, leading zero words dropped).
  std::string to_hex() const;
  /// Parses to_hex() output; returns false on malformed text.
  bool from_hex(const std::string& text);

 private:
  // Value = (two's complement integer in w_) * 2^-1074. 34 words = 2176 bits:
  // the double range needs 2098, the rest is headroom for 2^70 additions.
  static constexpr int words = 34;
  void add_shifted(std::uint64_t mantissa, int bit, bool negative);
  std::array<std::uint64_t, words> w_{};
};

}  // namespace coopgrid
