#include "host/commands/sample.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "host/io/format.hpp"
#include "host/io/output_file.hpp"
#include "host/source/source.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/util/progress.hpp"
#include "host/io/load_source.hpp"
#include "host/io/source_text.hpp"

namespace coopgrid {
namespace {

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

/// A 2-D float64 .npy header for rows x cols, padded so the data starts 64-byte aligned.
std::string npy_header(index_t rows, int cols) {
  std::string dict = fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}", rows, cols);
  const std::size_t unpadded = 10 + dict.size() + 1;  // magic, version, length, dict, '\n'
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(dict.size());
  out.push_back(static_cast<char>(len & 0xFF));
  out.push_back(static_cast<char>(len >> 8));
  return out + dict;
}

}  // namespace

sample_format sample_options::resolved_format() const {
  if (format == "npy" || (format.empty() && ends_with(output, ".npy"))) return sample_format::npy;
  if (format == "csv" || (format.empty() && ends_with(output, ".csv"))) return sample_format::csv;
  return sample_format::salib;
}

void sample_options::validate() const {
  if (input.empty()) throw usage_error("sample: PROBLEM is required");
  if (design.design.empty()) throw usage_error("sample: give --design mc|lhs|sobol|saltelli|morris and --n N");
  if (!format.empty() && format != "salib" && format != "npy" && format != "csv") {
    throw usage_error(fmt::format("--format {}: expected salib, npy or csv", format));
  }
  if (digits < 1 || digits > 17) throw usage_error(fmt::format("--digits {}: expected 1 to 17", digits));
  if (resolved_format() == sample_format::npy && (output.empty() || output == "-")) {
    throw usage_error("sample: .npy output is binary: give -o FILE.npy");
  }
  design.source();
}

int sample_command(const sample_options& opt) {
  opt.validate();
  const source src = load_source(opt.input, opt.design.source());
  const auto* d = std::get_if<design_source>(&src.input);
  if (!d) throw usage_error(fmt::format("sample: {} is not a problem file", opt.input));
  const index_t n = d->num_samples;
  if (n > opt.max_rows) {
    throw usage_error(fmt::format("sample: {} samples is more than --max-rows {}; raise --max-rows", n, opt.max_rows));
  }
  const sample_format fmt_kind = opt.resolved_format();
  const int cols = d->prob.num_parameters();
  output_file out(opt.output);
  if (fmt_kind == sample_format::npy) out.write(npy_header(n, cols));
  if (fmt_kind == sample_format::csv) {
    std::string head = "sample";
    for (const auto& name : input_column_names(src)) head += "," + name;
    out.write(head + "\n");
  }
  const std::string salib_fmt = fmt::format("{{:.{}e}}", opt.digits);
  const int threads = hardware_threads();
  const index_t chunk = index_t{1} << 16;
  const index_t parts = static_cast<index_t>(threads) * 4;
  std::vector<fmt::memory_buffer> text(static_cast<std::size_t>(parts));
  progress_meter meter(n, opt.progress);
  for (index_t first = 0; first < n; first += chunk) {
    const index_t count = std::min(chunk, n - first);
    parallel_for(parts, threads, [&](index_t part) {
      auto& buf = text[static_cast<std::size_t>(part)];
      buf.clear();
      for (index_t i = first + count * part / parts, hi = first + count * (part + 1) / parts; i < hi; ++i) {
        const std::vector<double> x = d->parameter_values(i);
        if (fmt_kind == sample_format::npy) {
          buf.append(reinterpret_cast<const char*>(x.data()), reinterpret_cast<const char*>(x.data() + x.size()));
          continue;
        }
        if (fmt_kind == sample_format::csv) fmt::format_to(std::back_inserter(buf), "{}", i);
        for (int j = 0; j < cols; ++j) {
          if (fmt_kind == sample_format::csv) {
            buf.push_back(',');
            format_number(buf, x[static_cast<std::size_t>(j)]);
          } else {
            if (j) buf.push_back(' ');  // SALib: np.savetxt(X, delimiter=' ', fmt='%.8e')
            fmt::format_to(std::back_inserter(buf), fmt::runtime(salib_fmt), x[static_cast<std::size_t>(j)]);
          }
        }
        buf.push_back('\n');
      }
    });
    for (auto& buf : text) out.write({buf.data(), buf.size()});
    meter.add(count);
  }
  meter.finish();
  out.commit();
  return 0;
}

}  // namespace coopgrid
