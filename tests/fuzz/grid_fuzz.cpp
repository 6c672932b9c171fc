// libFuzzer target: the grid TOML parser (and the decoding of the grids it
// accepts) on arbitrary bytes. Parse or input_error; nothing else.
#include <cstdint>
#include <string>

#include "host/io/grid_reader.hpp"
#include "host/util/errors.hpp"
#include "host/source/grid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto g = coopgrid::parse_grid(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
    // Decode the first and last scenario: exercises the mixed-radix arithmetic.
    (void)g.decode(0);
    (void)g.decode(g.num_scenarios - 1);
  } catch (const coopgrid::input_error&) {
  }
  return 0;
}
