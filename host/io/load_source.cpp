#include "host/io/load_source.hpp"

#include <fmt/format.h>

#include "host/io/binary_batch.hpp"
#include "host/io/csv_batch.hpp"
#include "host/io/grid_reader.hpp"
#include "host/io/problem_reader.hpp"
#include "host/io/samples_reader.hpp"
#include "host/util/errors.hpp"
#include "host/util/nvtx.hpp"
#include "host/util/progress.hpp"

namespace coopgrid {

namespace {

/// A batch, its bytes counted as a "loading" pass when opt.progress.
batch load_batch(const std::filesystem::path& input, const source_options& opt) {
  const bool binary = is_binary_batch(input);
  // The binary reader sets the total once its files are mapped.
  const index_t total = binary ? 0 : static_cast<index_t>(batch_dir_bytes(input));
  progress_meter meter(total, opt.progress, "bytes");
  meter.start_pass("loading", total);
  progress_meter* shown = opt.progress ? &meter : nullptr;
  batch b;
  if (binary) {
    b = read_binary_batch(input, shown, opt.checks_in_pass);  // its own "parse" range
  } else {
    nvtx_range range("parse");
    csv_parse_options csv;
    csv.threads = opt.threads;
    csv.progress = shown;
    b = read_batch_dir(input, csv);
  }
  if (shown != nullptr) meter.finish();  // (finish tells an embedder's observer too: only when shown)
  return b;
}

}  // namespace

loaded_input load_input(const std::filesystem::path& input, const source_options& opt) {
  const std::string path = input.string();
  const std::string& fixed = opt.fixed;
  std::error_code ec;
  const bool is_toml = input.extension() == ".toml";
  if (!fixed.empty() && (is_toml || !std::filesystem::is_regular_file(input, ec))) {
    throw usage_error(fmt::format("--fixed applies to SALib problem text files, not to {}", path));
  }
  if (std::filesystem::is_directory(input, ec)) return load_batch(input, opt);
  if (!std::filesystem::exists(input, ec)) {
    throw input_error(fmt::format(
        "{}: not found (expected a batch directory, a grid or problem .toml file, or a SALib problem .txt file)",
        path));
  }
  nvtx_range range("parse");
  if (is_toml) {
    return std::visit([](auto&& v) -> loaded_input { return std::move(v); }, read_toml_source(input));
  }
  if (input.extension() == ".txt") {
    const std::filesystem::path fixed_path(fixed);
    return read_problem_file(input, fixed.empty() ? nullptr : &fixed_path);
  }
  throw input_error(fmt::format("{}: not a batch directory, a grid or problem file (.toml) or a SALib problem "
                                "text file (.txt)",
                                path));
}

source load_source(const std::filesystem::path& input, const source_options& opt) {
  return make_source(input.string(), load_input(input, opt), opt);
}

source make_source(const std::string& path, loaded_input in, const source_options& opt) {
  if (!opt.samples.empty() && opt.design) {
    throw usage_error("--samples evaluates the given rows: it does not combine with --design");
  }
  if (auto* p = std::get_if<problem>(&in); p && !opt.samples.empty()) {
    std::vector<double> rows = read_samples_file(opt.samples, *p);
    design_source d(std::move(*p), std::move(rows), opt.samples);
    d.fixed = opt.fixed;
    return source(path, std::move(d));
  }
  if (!opt.samples.empty()) {
    throw usage_error(fmt::format("--samples gives the rows of a problem's parameters, and {} is a {}", path,
                                  std::holds_alternative<grid>(in) ? "grid" : "batch"));
  }
  if (auto* p = std::get_if<problem>(&in)) {
    if (!opt.design) {
      throw usage_error(fmt::format("{} is a problem file: give --design (mc, lhs, sobol, saltelli, morris) and --n, "
                                    "or --samples X",
                                    path));
    }
    design_source d(std::move(*p), *opt.design);
    d.fixed = opt.fixed;
    return source(path, std::move(d));
  }
  if (opt.design) {
    throw usage_error(fmt::format("--design samples a problem file, and {} is a {}", path,
                                  std::holds_alternative<grid>(in) ? "grid" : "batch"));
  }
  if (auto* g = std::get_if<grid>(&in)) return source(path, std::move(*g));
  return source(path, std::move(std::get<batch>(in)));
}

}  // namespace coopgrid
