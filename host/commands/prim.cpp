#include "host/commands/prim.hpp"

#include "host/io/output_file.hpp"

namespace coopgrid {

int prim_command(const prim_command_options& opt) {
  opt.validate();
  const prim_found found = find_prim_box(opt);
  if (opt.rank != 0) return 0;  // every rank found the same box: rank 0 reports it
  output_file out(opt.output);
  out.write(prim_report_text(found, opt));
  out.commit();
  return 0;
}

}  // namespace coopgrid
