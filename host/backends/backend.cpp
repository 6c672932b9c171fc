#include "host/backends/backend.hpp"

#include <fmt/format.h>

#include "host/util/errors.hpp"

namespace coopgrid {

backend_kind parse_backend_kind(const std::string& text) {
  if (text == "auto") return backend_kind::automatic;
  if (text == "reference") return backend_kind::reference;
  if (text == "cpu") return backend_kind::cpu;
  if (text == "cuda") return backend_kind::cuda;
  throw usage_error(fmt::format("--backend '{}': expected auto, reference, cpu or cuda", text));
}

}  // namespace coopgrid
