#include "host/commands/merge.hpp"

#include <fmt/format.h>

#include <string_view>

#include "host/analysis/analysis_report.hpp"
#include "host/io/format.hpp"
#include "host/io/output_file.hpp"
#include "host/util/progress.hpp"
#include "host/io/text_file.hpp"
#include "host/reduce/checkpoint.hpp"
#include "host/reduce/marginal.hpp"
#include "host/reduce/merge_state.hpp"
#include "host/reduce/report.hpp"
#include "host/util/errors.hpp"
#include "host/io/load_source.hpp"
#include "host/reduce/fingerprint.hpp"

namespace coopgrid {
namespace {

bool is_json(const std::string& t) {
  const auto at = t.find_first_not_of(" \t\r\n");
  return at != std::string::npos && t[at] == '{';
}

/// Per-scenario CSVs: the header once, then every body in the order given.
void merge_csv(const merge_options& opt, const std::vector<std::string>& texts, output_file& out) {
  const auto header = texts[0].substr(0, texts[0].find('\n') + 1);
  out.write(header);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (is_json(texts[i]) || texts[i].compare(0, header.size(), header) != 0) {
      throw usage_error(fmt::format("merge: {} does not start with the CSV header of {}", opt.files[i], opt.files[0]));
    }
    out.write(std::string_view(texts[i]).substr(header.size()));
  }
}

/// sobol/morris reports: their states merged, the indices computed anew from the problem.
void merge_analysis(const merge_options& opt, const std::vector<std::string>& states, output_file& out) {
  std::vector<analysis_report> parts;
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (!is_analysis_state(states[i])) {
      throw usage_error(fmt::format("merge: {} is not a sobol/morris report like {}", opt.files[i], opt.files[0]));
    }
    parts.push_back(parse_analysis_state(states[i], opt.files[i]));
  }
  auto merged = merge_analysis_reports(parts, opt.files);
  source_options so;
  so.design = merged.design;
  so.fixed = merged.fixed;
  const auto src = load_source(opt.input.empty() ? merged.input : opt.input, so);
  const auto& d = std::get<design_source>(src.input);
  if (input_fingerprint(src) != merged.input_fingerprint) {
    throw usage_error(fmt::format("merge: {} is not the problem the shards were computed from (give --input)",
                                  opt.input.empty() ? merged.input : opt.input));
  }
  const auto num_sums = static_cast<std::size_t>(analysis::layout_of(merged.view(d)).unit_sums(merged.analysis.replicates));
  if (merged.state.sums.size() != num_sums) {
    throw input_error(fmt::format("merge: {}: damaged analysis state ({} sums where the analysis has {})", opt.files[0],
                                  merged.state.sums.size(), num_sums));
  }
  merged.finish(d);
  out.write(analysis_json(d, merged));
}

/// --reduce reports: their merge states merged, the report written anew from the
/// input; with --marginal-csv also the marginals, as run writes them.
void merge_reduce(const merge_options& opt, const std::vector<std::string>& texts, output_file& out) {
  std::vector<std::string> states;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!is_json(texts[i])) throw usage_error(fmt::format("merge: {} is not a --reduce JSON report", opt.files[i]));
    states.push_back(extract_merge_state(texts[i], opt.files[i]));
  }
  if (is_analysis_state(states[0])) {
    if (!opt.marginal_csv.empty()) {
      throw usage_error(fmt::format("merge --marginal-csv: {} is a sobol/morris report, which has no marginals",
                                    opt.files[0]));
    }
    merge_analysis(opt, states, out);
    return;
  }
  std::vector<reduce_report> parts;
  for (std::size_t i = 0; i < texts.size(); ++i) parts.push_back(parse_merge_state(states[i], opt.files[i]));
  const auto merged = merge_reports(parts, opt.files);
  const auto input = opt.input.empty() ? merged.input : opt.input;
  source_options so;
  if (merged.kind == "design") {
    so.design = parse_design_options_text(merged.design, opt.files[0]);
    so.fixed = merged.fixed;
  }
  const auto src = load_source(input, so);
  if (input_fingerprint(src) != merged.input_fingerprint) {
    throw usage_error(fmt::format("merge: {} is not the input the shards were computed from (give --input)", input));
  }
  if (!opt.marginal_csv.empty() && merged.marginals.empty()) {
    throw usage_error(fmt::format("merge --marginal-csv: {} carries no marginals (run it with --marginal)",
                                  opt.files[0]));
  }
  out.write(reduce_json(src, merged));
  if (!opt.marginal_csv.empty()) {
    output_file csv(opt.marginal_csv);
    csv.write(marginals_csv(merged.marginals));
    csv.commit();
  }
}

}  // namespace

void merge_options::validate() const {
  if (files.empty()) throw usage_error("merge: no files given");
}

int merge_command(const merge_options& opt) {
  opt.validate();
  std::vector<std::string> texts;
  for (const auto& f : opt.files) texts.push_back(read_text_file(f, "a shard output file"));
  output_file out(opt.output);
  if (is_json(texts[0])) {
    merge_reduce(opt, texts, out);
  } else {
    if (!opt.marginal_csv.empty()) {
      throw usage_error(fmt::format("merge --marginal-csv: {} is a per-scenario CSV, which has no marginals",
                                    opt.files[0]));
    }
    merge_csv(opt, texts, out);
  }
  out.commit();
  return 0;
}

}  // namespace coopgrid
