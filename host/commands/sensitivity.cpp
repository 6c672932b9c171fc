#include "host/commands/sensitivity.hpp"

#include "host/io/output_file.hpp"

namespace coopgrid {

int sensitivity_command(const sensitivity_options& opt) {
  opt.validate();
  const auto r = compute_sensitivity(opt);
  output_file out(opt.output);
  out.write(sensitivity_output(opt, r, sensitivity_table(opt)));
  out.commit();
  return 0;
}

}  // namespace coopgrid
