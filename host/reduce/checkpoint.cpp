#include "host/reduce/checkpoint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <istream>
#include <sstream>
#include <type_traits>
#include <utility>

#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/io/output_file.hpp"

namespace coopgrid {
namespace {

// Version 3: the metric count after the magic (shared_quota made it 15); 4: the marginals after the state.
constexpr const char* magic = "coopgrid-checkpoint 4";

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

std::string format_header(const char* magic_line) {
  return fmt::format("{}\nmetrics {}\n", magic_line, num_metrics);
}

bool read_format_header(std::istream& in, const char* magic_line, const std::string& what) {
  const std::string want = magic_line;
  std::string line;
  std::getline(in, line);
  if (line != want) {
    const std::string family = want.substr(0, want.rfind(' ') + 1);  // "coopgrid-checkpoint "
    if (line.compare(0, family.size(), family) != 0) return false;
    throw usage_error(fmt::format("{}: written by another version of coopgrid (format '{}', this version reads '{}')",
                                  what, line, want));
  }
  std::string word;
  long long n = -1;
  std::getline(in, line);
  std::istringstream fields(line);
  fields >> word >> n;
  if (word != "metrics" || !fields || n < 0) throw input_error(fmt::format("{}: damaged (no metrics line)", what));
  if (n != num_metrics) {
    throw usage_error(fmt::format("{}: written by another version of coopgrid ({} metrics, this version has {})",
                                  what, n, num_metrics));
  }
  return true;
}

std::string hexf(double v) { return fmt::format("{:a}", v); }

double parse_hexf(const std::string& t, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0') throw input_error(fmt::format("{}: damaged state (number '{}')", what, t));
  return v;
}

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
        for (const auto& id : b.ids) f.str(id);
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
  run.str(magic);
  run.str(backend);
  run.str(prec == precision::f32 ? "f32" : "f64");
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

std::string state_text(const reduce_state& state) {
  std::string t = fmt::format("scenarios {}\nselected {}\n", state.scenarios, state.selected);
  for (const auto& m : state.metrics) {
    t += fmt::format("m {} {} {} {} {} {} {} {}\n", m.count, hexf(m.min), m.argmin, hexf(m.max),
                     m.argmax, m.sum.to_hex(), int(m.has_pos_inf), int(m.has_neg_inf));
  }
  t += fmt::format("top {}\n", state.top.size());
  for (const auto& [v, k] : state.top) t += fmt::format("{} {}\n", hexf(v), k);
  t += fmt::format("hist {} {} {}\n", state.hist.size(), state.hist_below, state.hist_above);
  for (auto c : state.hist) t += fmt::format("{}\n", c);
  return t + "end\n";
}

void parse_state_text(std::istream& in, const reduce_spec& spec, reduce_state& state, const std::string& what) {
  auto damaged = [&](const char* part) {
    return input_error(fmt::format("{}: damaged reduction state ({})", what, part));
  };
  std::string word;
  state = reduce_state(spec);
  in >> word >> state.scenarios;
  if (word != "scenarios") throw damaged("scenarios");
  in >> word >> state.selected;
  if (word != "selected") throw damaged("selected");
  for (auto& m : state.metrics) {
    std::string mn, mx, s;
    int pinf = 0, ninf = 0;
    in >> word >> m.count >> mn >> m.argmin >> mx >> m.argmax >> s >> pinf >> ninf;
    if (word != "m" || !in || !m.sum.from_hex(s)) throw damaged("metric");
    m.min = parse_hexf(mn, what);
    m.max = parse_hexf(mx, what);
    m.has_pos_inf = pinf != 0;
    m.has_neg_inf = ninf != 0;
  }
  std::size_t n = 0;
  in >> word >> n;
  if (word != "top" || !in || n > (std::size_t{1} << 32)) throw damaged("top");
  state.top.resize(n);
  for (auto& [v, k] : state.top) {
    std::string vs;
    in >> vs >> k;
    v = parse_hexf(vs, what);
  }
  in >> word >> n >> state.hist_below >> state.hist_above;
  if (word != "hist" || !in || n > (std::size_t{1} << 32)) throw damaged("histogram");
  state.hist.assign(n, 0);
  for (auto& c : state.hist) in >> c;
  in >> word;
  if (word != "end" || !in) throw damaged("truncated");
}

void write_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t next,
                      const reduce_state& state, const std::vector<marginal>& marginals) {
  output_file out(path);
  out.write(format_header(magic) + fmt::format("fingerprint {:016x}\nnext {}\n", fingerprint, next) +
            state_text(state) + marginals_text(marginals));
  out.commit();
}

index_t read_checkpoint(const std::string& path, std::uint64_t fingerprint, const reduce_spec& spec,
                        reduce_state& state, std::vector<marginal>* marginals) {
  std::ifstream in(path);
  if (!in) throw usage_error(fmt::format("--resume: checkpoint {} not found (run with --checkpoint first)", path));
  std::string word, fp;
  if (!read_format_header(in, magic, path)) throw input_error(fmt::format("{}: not a coopgrid checkpoint", path));
  in >> word >> fp;
  if (word != "fingerprint") throw input_error(fmt::format("{}: damaged checkpoint (fingerprint)", path));
  if (fp != fmt::format("{:016x}", fingerprint)) {
    throw usage_error(fmt::format(
        "--resume: {} was written for another input (or a problem's parameters in another order), "
        "backend, precision or reduction",
        path));
  }
  index_t next = 0;
  in >> word >> next;
  if (word != "next") throw input_error(fmt::format("{}: damaged checkpoint (next)", path));
  parse_state_text(in, spec, state, path);
  auto ms = parse_marginals_text(in, path);
  if (marginals != nullptr) *marginals = std::move(ms);
  return next;
}

}  // namespace coopgrid
