#include "host/commands/run.hpp"

#include "host/commands/run_reduce.hpp"
#include "host/engine/rows.hpp"
#include "host/io/output_file.hpp"
#include "host/util/nvtx.hpp"

namespace coopgrid {

void run_rows(const source& src, const run_options& opt) {
  output_file out(opt.output);
  write_rows(src, opt, [&](std::string_view text) {
    nvtx_range range("write");
    out.write(text);
  }, true);
  out.commit();
}

int run_command(const run_options& opt) {
  opt.validate();
  const auto src = load_run_source(opt);
  if (opt.reduce) {
    run_reduce(src, opt);
  } else {
    run_rows(src, opt);
  }
  return 0;
}

}  // namespace coopgrid
