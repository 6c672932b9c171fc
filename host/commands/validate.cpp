#include "host/commands/validate.hpp"

#include <fmt/format.h>

#include "host/io/problem_reader.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {

void validate_options::validate() const {
  if (input.empty()) throw usage_error("validate: INPUT is required");
}

int validate_command(const validate_options& opt) {
  opt.validate();
  source_options so = opt.design.source();
  so.threads = opt.threads;
  so.progress = opt.progress;
  loaded_input in = load_input(opt.input, so);
  const auto* p = std::get_if<problem>(&in);
  if (p && !so.design) {  // a problem needs no design to be checked: its parameters
    fmt::print("{}", describe_problem(*p));
    return 0;
  }
  fmt::print("{}", describe_source(make_source(opt.input, std::move(in), so)));
  return 0;
}

}  // namespace coopgrid
