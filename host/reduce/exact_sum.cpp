#include "host/reduce/exact_sum.hpp"

#include <cmath>
#include <cstring>

namespace coopgrid {

void exact_sum::add_shifted(std::uint64_t m, int bit, bool negative) {
  const int q = bit / 64, r = bit % 64;
  std::uint64_t part[2] = {m << r, r ? m >> (64 - r) : 0};
  if (!negative) {
    unsigned carry = 0;
    for (int i = q; i < words; ++i) {
      const std::uint64_t add = (i - q < 2 ? part[i - q] : 0);
      const std::uint64_t s1 = w_[i] + add;
      const unsigned c1 = s1 < add;
      const std::uint64_t s2 = s1 + carry;
      const unsigned c2 = s2 < s1;
      w_[i] = s2;
      carry = c1 | c2;
      if (i - q >= 1 && carry == 0) break;
    }
  } else {
    unsigned borrow = 0;
    for (int i = q; i < words; ++i) {
      const std::uint64_t sub = (i - q < 2 ? part[i - q] : 0);
      const std::uint64_t d1 = w_[i] - sub;
      const unsigned b1 = w_[i] < sub;
      const std::uint64_t d2 = d1 - borrow;
      const unsigned b2 = d1 < static_cast<std::uint64_t>(borrow);
      w_[i] = d2;
      borrow = b1 | b2;
      if (i - q >= 1 && borrow == 0) break;
    }
  }
}

void exact_sum::add(double x) {
  if (x == 0 || !std::isfinite(x)) return;
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const bool negative = bits >> 63;
  const int e = static_cast<int>((bits >> 52) & 0x7ff);
  std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
  if (e != 0) m |= std::uint64_t{1} << 52;
  // x = m * 2^(max(e,1) - 1075) = m * 2^-1074 * 2^(max(e,1) - 1)
  add_shifted(m, (e == 0 ? 1 : e) - 1, negative);
}

void exact_sum::merge(const exact_sum& o) {
  unsigned carry = 0;
  for (int i = 0; i < words; ++i) {
    const std::uint64_t s1 = w_[i] + o.w_[i];
    const unsigned c1 = s1 < o.w_[i];
    const std::uint64_t s2 = s1 + carry;
    const unsigned c2 = s2 < s1;
    w_[i] = s2;
    carry = c1 | c2;
  }
}

void exact_sum::multiply(std::uint64_t m) {
  std::uint64_t carry = 0;
  for (auto& x : w_) {
    const unsigned __int128 p = static_cast<unsigned __int128>(x) * m + carry;
    x = static_cast<std::uint64_t>(p);
    carry = static_cast<std::uint64_t>(p >> 64);
  }
}

double exact_sum::value() const {
  auto mag = w_;
  const bool negative = mag[words - 1] >> 63;
  if (negative) {  // two's complement negation
    unsigned carry = 1;
    for (auto& x : mag) {
      x = ~x + carry;
      carry = carry && x == 0;
    }
  }
  int top = -1;
  for (int i = words - 1; i >= 0 && top < 0; --i) {
    if (mag[i]) top = i * 64 + 63 - __builtin_clzll(mag[i]);
  }
  if (top < 0) return 0.0;
  auto bit = [&](int b) -> std::uint64_t { return b < 0 ? 0 : (mag[b / 64] >> (b % 64)) & 1; };
  double out;
  if (top < 53) {
    out = std::ldexp(static_cast<double>(mag[0]), -1074);  // exact: fits the mantissa
  } else {
    std::uint64_t m = 0;
    for (int b = top; b > top - 53; --b) m = (m << 1) | bit(b);
    const int round_bit = top - 53;
    bool sticky = false;
    for (int b = round_bit - 1; b >= 0 && !sticky; --b) {
      if (b % 64 == 63 && !mag[b / 64]) {  // skip whole zero words
        b -= 63;
        continue;
      }
      sticky = bit(b);
    }
    if (bit(round_bit) && (sticky || (m & 1))) ++m;
    out = std::ldexp(static_cast<double>(m), top - 52 - 1074);
  }
  return negative ? -out : out;
}

std::string exact_sum::to_hex() const {
  static const char* digits = "0123456789abcdef";
  int first = words - 1;
  const std::uint64_t fill = (w_[words - 1] >> 63) ? ~std::uint64_t{0} : 0;
  while (first > 0 && w_[first] == fill && ((w_[first - 1] >> 63) == (fill >> 63))) --first;
  std::string s;
  for (int i = first; i >= 0; --i) {
    for (int n = 60; n >= 0; n -= 4) s += digits[(w_[i] >> n) & 0xf];
  }
  return s;
}

bool exact_sum::from_hex(const std::string& text) {
  if (text.empty() || text.size() % 16 != 0 || text.size() / 16 > static_cast<std::size_t>(words)) return false;
  const std::size_t n = text.size() / 16;
  std::array<std::uint64_t, words> w{};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < 16; ++k) {
      const char c = text[i * 16 + k];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else return false;
      v = (v << 4) | static_cast<std::uint64_t>(d);
    }
    w[n - 1 - i] = v;
  }
  const std::uint64_t fill = (w[n - 1] >> 63) ? ~std::uint64_t{0} : 0;  // sign-extend
  for (std::size_t i = n; i < static_cast<std::size_t>(words); ++i) w[i] = fill;
  w_ = w;
  return true;
}

}  // namespace coopgrid
