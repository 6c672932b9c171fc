#include "host/commands/validate.hpp"

#include <fmt/format.h>

#include "host/source/source.hpp"
#include "host/util/errors.hpp"

namespace coopgrid {

void validate_options::validate() const {
  if (input.empty()) throw usage_error("validate: INPUT is required");
}

int validate_command(const validate_options& opt) {
  opt.validate();
  const auto src = load_source(opt.input);
  fmt::print("{}", describe_source(src));
  return 0;
}

}  // namespace coopgrid
