#include "host/engine/analysis_checkpoint.hpp"

#include <fmt/format.h>

#include <sstream>

#include "host/io/output_file.hpp"
#include "host/io/state_format.hpp"
#include "host/io/text_file.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {
namespace {

constexpr const char* analysis_checkpoint_magic = "coopgrid-analysis-checkpoint 1";

std::string checkpoint_text(std::uint64_t fingerprint, index_t n, const progress_state& p) {
  return format_header(analysis_checkpoint_magic) + fmt::format("fingerprint {:016x}\nn {}\nfull {}\n", fingerprint, n, p.full_end) +
         sensitivity_state_text(p.full) + fmt::format("tail {}\n", p.tail_end) + sensitivity_state_text(p.tail);
}

}  // namespace

void write_analysis_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t n, const progress_state& p) {
  output_file out(path);
  out.write(checkpoint_text(fingerprint, n, p));
  out.commit();
}

progress_state read_analysis_checkpoint(const std::string& path, std::uint64_t fingerprint, index_t n,
                                        std::size_t num_sums, bool sharded) {
  const auto text = read_text_file(path, "a checkpoint (--resume)");
  std::istringstream in(text);
  if (!read_format_header(in, analysis_checkpoint_magic, path)) {
    throw usage_error(fmt::format("--resume: {} is not a coopgrid sobol/morris checkpoint", path));
  }
  std::string word;
  std::uint64_t fp = 0;
  index_t cp_n = 0;
  progress_state p;
  in >> word >> std::hex >> fp >> std::dec;
  if (word != "fingerprint" || !in) throw input_error(fmt::format("{}: damaged checkpoint (fingerprint)", path));
  if (fp != fingerprint) {
    throw usage_error(fmt::format("--resume: {} was written for another problem (or its parameters in another "
                                  "order), design, analysis, backend, precision or shard",
                                  path));
  }
  in >> word >> cp_n;
  if (word != "n" || !in) throw input_error(fmt::format("{}: damaged checkpoint (n)", path));
  if (cp_n != n && sharded) {
    throw usage_error(fmt::format("--resume: {} holds a run of n = {}; growing it to {} changes the shards' ranges, "
                                  "so grow an unsharded run",
                                  path, cp_n, n));
  }
  if (cp_n > n) {
    throw usage_error(fmt::format("--resume: {} holds a run of n = {}; a resumed run cannot shrink it to {}", path,
                                  cp_n, n));
  }
  in >> word >> p.full_end;
  if (word != "full" || !in) throw input_error(fmt::format("{}: damaged checkpoint (full)", path));
  parse_sensitivity_state_text(in, num_sums, p.full, path);
  in >> word >> p.tail_end;
  if (word != "tail" || !in) throw input_error(fmt::format("{}: damaged checkpoint (tail)", path));
  parse_sensitivity_state_text(in, num_sums, p.tail, path);
  if (cp_n != n) {  // growth: the partial unit is summed again whole
    p.tail = sensitivity_state(num_sums);
    p.tail_end = p.full_end;
  }
  return p;
}

}  // namespace coopgrid
