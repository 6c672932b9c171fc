#include "host/reduce/fingerprint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "host/io/state_format.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/util/parallel.hpp"

namespace coopgrid {
namespace {


constexpr std::uint64_t fnv_basis = 0xcbf29ce484222325ULL, fnv_prime = 0x100000001b3ULL;
/// Buffers from this size on are hashed as the digests of their blocks of this size.
constexpr std::size_t digest_block = std::size_t{1} << 20;

/// A block's digest: four FNV-style chains over its words (word i in chain i mod 4), tail bytes
/// in chain 0, then folded: four times one chain's speed (the multiply's latency bounds a chain).
std::uint64_t block_digest(const unsigned char* c, std::size_t n) {
  std::uint64_t h[4] = {fnv_basis, fnv_basis ^ 1, fnv_basis ^ 2, fnv_basis ^ 3};
  auto mix = [](std::uint64_t& x, std::uint64_t w) {
    x = (x ^ w) * fnv_prime;
    x ^= x >> 29;
  };
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    std::uint64_t w[4];
    std::memcpy(w, c + i, 32);
    for (int j = 0; j < 4; ++j) mix(h[j], w[j]);
  }
  for (; i < n; ++i) mix(h[0], c[i]);
  std::uint64_t d = fnv_basis;
  for (std::uint64_t x : h) mix(d, x);
  return d;
}

/// FNV-1a over 8-byte words (then the tail bytes), N hashes of one stream from their own starting
/// states, the stream read once: run_and_input_fingerprints reads a batch once for both hashes
/// (two independent multiply chains run side by side, at one chain's speed). A buffer of
/// digest_block bytes or more enters as its blocks' digests, made on every thread: one chain took
/// 27% of `run --reduce` on a 10^6-scenario batch (1.3 GB; 2 threads, 2026-12-06), and would
/// dominate on more cores. Smaller buffers (every input of the pinned fingerprints) hash as before.
template <int N>
struct fnv1a_n {
  static constexpr std::uint64_t basis = fnv_basis, prime = fnv_prime;
  std::uint64_t h[N];
  fnv1a_n() {
    for (auto& x : h) x = basis;
  }
  void bytes(const void* p, std::size_t n) {
    if (n >= digest_block) {
      const auto* c = static_cast<const unsigned char*>(p);
      std::vector<std::uint64_t> d((n + digest_block - 1) / digest_block);
      parallel_for(static_cast<index_t>(d.size()), hardware_threads(), [&](index_t b) {
        const std::size_t lo = static_cast<std::size_t>(b) * digest_block;
        d[static_cast<std::size_t>(b)] = block_digest(c + lo, std::min(digest_block, n - lo));
      });
      words(d.data(), d.size() * sizeof(d[0]));
      return;
    }
    words(p, n);
  }
  void words(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, c + i, 8);
      for (auto& x : h) {
        x = (x ^ w) * prime;
        x ^= x >> 29;
      }
    }
    for (; i < n; ++i) {
      for (auto& x : h) x = (x ^ c[i]) * prime;
    }
  }
  template <class C>  // a std::vector or a batch column
  void vec(const C& v) {
    const std::uint64_t n = v.size();
    bytes(&n, sizeof n);
    if (!v.empty()) bytes(v.data(), v.size() * sizeof(v[0]));
  }
  void str(const std::string& s) {
    const std::uint64_t n = s.size();
    bytes(&n, sizeof n);
    bytes(s.data(), s.size());
  }
};
using fnv1a = fnv1a_n<1>;

}  // namespace

namespace {
template <class Hash>
void hash_input(Hash& f, const source& src) {
  const index_t n = src.num_scenarios();
  f.bytes(&n, sizeof n);
  src.visit(
      [&](const grid& g) {
        for (int k = 0; k < num_grid_fields; ++k) {
          f.vec(g.ints[k]);
          f.vec(g.reals[k]);
        }
      },
      [&](const batch& b) {
        const auto& c = b.columns;
        // The real columns, then the others, each in the table's order (the fingerprints of earlier versions).
#define COOPGRID_X(name, kind, file) \
  if constexpr (std::is_same_v<COOPGRID_BATCH_TYPE(kind, double), double>) f.vec(c.name);
        COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
#define COOPGRID_X(name, kind, file) \
  if constexpr (!std::is_same_v<COOPGRID_BATCH_TYPE(kind, double), double>) f.vec(c.name);
        COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
        for (std::size_t k = 0; k < b.ids.size(); ++k) f.str(b.ids[k]);
      },
      [&](const design_source& d) {
        const auto& o = d.options;
        const index_t opts[] = {static_cast<index_t>(o.kind), o.n, static_cast<index_t>(o.seed), o.scramble,
                                o.second_order, o.mc_base, o.levels};
        f.bytes(opts, sizeof opts);
        f.bytes(d.prob.ints.data(), sizeof d.prob.ints);
        f.bytes(d.prob.reals.data(), sizeof d.prob.reals);
        for (const auto& p : d.prob.parameters) {
          const double x[] = {p.dist.x0, p.dist.x1, p.dist.x2, p.dist.x3};
          const index_t i[] = {p.field, static_cast<index_t>(p.dist.kind), p.dist.i0, p.dist.i1};
          f.bytes(x, sizeof x);
          f.bytes(i, sizeof i);
          f.vec(p.choices);
          f.str(p.group);
        }
        f.vec(d.samples);  // run --samples: the user's rows are the input
      });
}
}  // namespace

std::uint64_t input_fingerprint(const source& src) {
  fnv1a f;
  hash_input(f, src);
  return f.h[0];
}

std::pair<std::uint64_t, std::uint64_t> run_and_input_fingerprints(const source& src, const std::string& backend,
                                                                   precision prec, const reduce_spec& spec,
                                                                   const std::vector<marginal>& marginals) {
  fnv1a run;
  // The fingerprints' own version: checkpoint format 4's first line, hashed since then so that
  // reports of earlier versions keep their numbers. A file's format is its header's to check
  // (read_format_header), not the fingerprint's.
  run.str("coopgrid-checkpoint 4");
  run.str(backend);
  run.str(precision_name(prec));
  fnv1a_n<2> both;  // [0]: the run's, [1]: input_fingerprint's
  both.h[0] = run.h[0];
  hash_input(both, src);
  run.h[0] = both.h[0];
  for (const auto& w : spec.where) run.str(w.text());
  run.str(fmt::format("top {} {} {} hist {} {} {} {} {}", spec.top_k, spec.top_by, spec.top_ascending,
                      spec.hist_metric, spec.hist_bins, hexf(spec.hist_lo), hexf(spec.hist_hi),
                      spec.hist_range_given));
  if (!marginals.empty()) run.str(marginals_spec_line(marginals));
  return {run.h[0], both.h[1]};
}

std::uint64_t run_fingerprint(const source& src, const std::string& backend, precision prec,
                              const reduce_spec& spec, const std::vector<marginal>& marginals) {
  return run_and_input_fingerprints(src, backend, prec, spec, marginals).first;
}

}  // namespace coopgrid
