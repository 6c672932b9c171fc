#include "host/commands/convert.hpp"

#include <fmt/format.h>

#include <variant>

#include "host/io/binary_batch.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"

namespace coopgrid {

void convert_options::validate() const {
  if (input.empty() || output.empty()) throw usage_error("convert: INPUT and OUTPUT are required");
}

int convert_command(const convert_options& opt) {
  opt.validate();
  const auto src = load_source(opt.input);
  const batch* b = std::get_if<batch>(&src.input);
  if (!b) throw usage_error("convert: the input is a grid; grids need no conversion");
  write_binary_batch(*b, opt.output);
  fmt::print("wrote {} scenarios to {}\n", src.num_scenarios(), opt.output);
  return 0;
}

}  // namespace coopgrid
