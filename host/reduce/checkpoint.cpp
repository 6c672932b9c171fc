#include "host/reduce/checkpoint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <istream>
#include <sstream>
#include <type_traits>
#include <utility>

#include "host/io/output_file.hpp"
#include "host/io/state_format.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

// Checkpoint format version 3: the metric count after the magic (shared_quota made it 15); 4: the
// marginals after the state; 5: a metric's power sums as their count and each (metric_summary::
// moments_text), so a build keeping more of them names the difference (checkpoint_magic, checkpoint.hpp).

std::string state_text(const reduce_state& state) {
  std::string t = fmt::format("scenarios {}\nselected {}\n", state.scenarios, state.selected);
  for (const auto& m : state.metrics) {
    t += fmt::format("m {} {} {} {} {} {} {} {}\n", m.count, hexf(m.min), m.argmin, hexf(m.max),
                     m.argmax, m.moments_text(), int(m.has_pos_inf), int(m.has_neg_inf));
  }
  t += fmt::format("top {}\n", state.top.size());
  for (const auto& [v, k] : state.top) t += fmt::format("{} {}\n", hexf(v), k);
  t += state.hist.text();
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
    std::string mn, mx;
    int pinf = 0, ninf = 0;
    in >> word >> m.count >> mn >> m.argmin >> mx >> m.argmax;
    if (word != "m" || !in || !m.parse_moments(in, what)) throw damaged("metric");
    in >> pinf >> ninf;
    if (!in) throw damaged("metric");
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
  if (!state.hist.parse(in)) throw damaged("histogram");
  in >> word;
  if (word != "end" || !in) throw damaged("truncated");
}

void write_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t next,
                      const reduce_state& state, const std::vector<marginal>& marginals) {
  output_file out(path);
  out.write(format_header(checkpoint_magic) + fmt::format("fingerprint {:016x}\nnext {}\n", fingerprint, next) +
            state_text(state) + marginals_text(marginals));
  out.commit();
}

index_t read_checkpoint(const std::string& path, std::uint64_t fingerprint, const reduce_spec& spec,
                        reduce_state& state, std::vector<marginal>* marginals) {
  std::ifstream in(path);
  if (!in) throw usage_error(fmt::format("--resume: checkpoint {} not found (run with --checkpoint first)", path));
  std::string word, fp;
  if (!read_format_header(in, checkpoint_magic, path)) throw input_error(fmt::format("{}: not a coopgrid checkpoint", path));
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
