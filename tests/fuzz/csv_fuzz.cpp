// libFuzzer target: the CSV reader and the number parsers on arbitrary bytes.
// Any input must either parse or throw input_error: no crash, hang or UB.
// Read in chunks (csv_reader::split), it must give the serial read's records
// up to the first error, and that error's message.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/io/csv_reader.hpp"
#include "host/util/errors.hpp"

namespace {

using records = std::vector<std::pair<std::int64_t, std::vector<std::string>>>;

/// Appends r's records to out; returns the message of the error that stopped them ("": none).
std::string read_records(coopgrid::csv_reader& r, records& out) {
  std::vector<std::string_view> fields;
  try {
    while (r.next(fields)) out.emplace_back(r.line(), std::vector<std::string>(fields.begin(), fields.end()));
  } catch (const coopgrid::input_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    coopgrid::csv_reader csv("fuzz.csv", text);
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
  try {
    coopgrid::csv_reader whole("fuzz.csv", text);
    records serial, chunked;
    const std::string serial_error = read_records(whole, serial);
    coopgrid::csv_reader csv("fuzz.csv", text);
    std::string chunked_error;
    for (const auto& span : csv.split(1 + (size > 0 ? data[0] % 16 : 0), 1)) {
      coopgrid::csv_reader part(csv, span);
      chunked_error = read_records(part, chunked);
      if (!chunked_error.empty()) break;
    }
    if (chunked != serial || chunked_error != serial_error) __builtin_trap();
  } catch (const coopgrid::input_error&) {  // no header
  }
  return 0;
}
