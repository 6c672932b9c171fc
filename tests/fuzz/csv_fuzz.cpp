// libFuzzer target: the CSV reader and the number parsers on arbitrary bytes.
// Any input must either parse or throw input_error: no crash, hang or UB.
#include <cstdint>
#include <string>
#include <vector>

#include "host/io/csv_reader.hpp"
#include "host/util/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    coopgrid::csv_reader csv("fuzz.csv", std::string(reinterpret_cast<const char*>(data), size));
    std::vector<std::string_view> fields;
    while (csv.next(fields)) {
      for (auto f : fields) {
        try {
          (void)coopgrid::parse_real(f, csv.where(), "x");
        } catch (const coopgrid::input_error&) {
        }
        try {
          (void)coopgrid::parse_integer(f, csv.where(), "x");
        } catch (const coopgrid::input_error&) {
        }
      }
    }
    (void)csv.require_columns({"scenario", "activities", "countries_per_activity"});
  } catch (const coopgrid::input_error&) {
  }
  return 0;
}
