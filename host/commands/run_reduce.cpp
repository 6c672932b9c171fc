#include "host/commands/run_reduce.hpp"

#include "host/io/output_file.hpp"
#include "host/reduce/marginal.hpp"
#include "host/util/nvtx.hpp"

namespace coopgrid {

void run_reduce(const source& src, const run_options& opt) {
  const auto r = compute_reduce(src, opt);
  nvtx_range range("write");
  output_file out(opt.output);
  out.write(report_text(src, r, report_format_of(opt)));
  if (!opt.marginal_csv.empty()) {
    output_file csv(opt.marginal_csv);
    csv.write(marginals_csv(r.marginals));
    csv.commit();
  }
  out.commit();
}

}  // namespace coopgrid
