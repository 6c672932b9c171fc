#pragma once
// The benchmark's workloads (bench/workloads.cpp): coopgrid_bench builds its inputs here.
#include <cstdint>
#include <string>

#include "host/reduce/spec.hpp"
#include "host/source/batch.hpp"

namespace coopgrid::bench {

/// splitmix64: fast, seedable, identical everywhere.
struct rng64 {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  index_t between(index_t lo, index_t hi) {
    return lo + static_cast<index_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
};

/// W1's batch: countries 1..128, standards 1..32, resources and ethics 1..16 per scenario
/// (W4's lighter one, `light`: 1..8, 1..4, 1..2, 1..2).
batch make_w1_batch(index_t n, std::uint64_t seed, bool light = false);
/// W3's grid (1.01e10 scenarios at scale 1); smaller scales shrink the count and share_prob axes.
std::string w3_grid(double scale);
/// W3's reduction: --where standards_p_any>=0.5 --top 100 --by shared_expected.
reduce_spec w3_spec();
/// Writes a batch as a CSV directory (W4's CSV input), shortest round-trip numbers.
void write_csv_batch(const batch& b, const std::string& dir);

}  // namespace coopgrid::bench
