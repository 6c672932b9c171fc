#include "host/io/csv_batch.hpp"

#include <fmt/format.h>

#include <cmath>
#include <exception>
#include <unordered_map>

#include "host/io/csv_reader.hpp"
#include "host/util/errors.hpp"
#include "host/util/parallel.hpp"
#include "host/util/progress.hpp"

namespace coopgrid {
namespace {

enum class rule { non_negative, probability };

/// Parses a real at the reader's record and checks its rule; the location is worded only on error.
double checked(const csv_reader& csv, std::string_view text, std::string_view column, rule r) {
  const double v = parse_real(text, csv, column);
  if (r == rule::probability && !(v >= 0.0 && v <= 1.0)) {
    throw input_error(fmt::format("{}: column '{}': value '{}' is not a probability in [0, 1]",
                                  csv.where(), column, text));
  }
  if (r == rule::non_negative && !(v >= 0.0)) {
    throw input_error(
        fmt::format("{}: column '{}': value '{}' is negative (must be >= 0)", csv.where(), column, text));
  }
  return v;
}

/// Below this a file parses on the calling thread: starting threads would cost more than they save.
constexpr std::size_t serial_below = std::size_t{1} << 20;

/**
 * @brief Parses the records csv has not read yet in chunks, on opt.threads threads:
 *        parse(reader, part) fills one Part per chunk. A chunk stops at its
 *        first input_error, kept in part.error for the caller to rethrow in
 *        file order (only the first chunk's error is the serial read's).
 */
/// Counts the bytes of csv's file before its records (the header) as read.
void count_header(const std::filesystem::path& file, const csv_reader& csv, const csv_parse_options& opt) {
  if (opt.progress == nullptr) return;
  opt.progress->add(static_cast<index_t>(std::filesystem::file_size(file) - csv.bytes_left()));
}

template <class Part, class Parse>
std::vector<Part> parse_chunks(const csv_reader& csv, const csv_parse_options& opt, Parse&& parse) {
  const int threads = opt.threads > 0 ? opt.threads : hardware_threads();
  std::size_t chunk = opt.chunk_bytes;
  if (chunk == 0 && threads > 1 && csv.bytes_left() >= serial_below) {
    chunk = std::max(serial_below / 4, csv.bytes_left() / (static_cast<std::size_t>(threads) * 4) + 1);
  }
  const auto spans = csv.split(chunk, threads);
  std::vector<Part> parts(spans.size());
  parallel_for(static_cast<index_t>(spans.size()), threads, [&](index_t k) {
    const auto& span = spans[static_cast<std::size_t>(k)];
    csv_reader r(csv, span);
    auto& part = parts[static_cast<std::size_t>(k)];
    try {
      parse(r, part);
    } catch (const input_error&) {
      part.error = std::current_exception();
    }
    if (opt.progress != nullptr) opt.progress->add_concurrent(static_cast<index_t>(span.end - span.begin));
  });
  return parts;
}

struct item_column {
  std::string_view name;
  rule r;
};

/// One chunk of an item file: the owning scenario and the values of each row.
struct item_part {
  std::vector<index_t> owner;
  std::vector<std::vector<double>> values;
  std::exception_ptr error;
};

/// Reads one item file into CSR arrays keyed by scenario index (file order kept per scenario).
void read_items(const std::filesystem::path& file, const std::unordered_map<std::string, index_t>& ids,
                const std::vector<std::string>& id_list,
                std::initializer_list<item_column> columns, std::vector<index_t>& offsets,
                std::vector<std::vector<double>*> outputs, const csv_parse_options& opt) {
  const auto num_scenarios = static_cast<index_t>(ids.size());
  offsets.assign(static_cast<std::size_t>(num_scenarios) + 1, 0);
  for (auto* o : outputs) o->clear();
  if (!std::filesystem::exists(file)) return;  // a missing item file is an empty block

  csv_reader csv(file);
  count_header(file, csv, opt);
  std::vector<std::string_view> wanted{"scenario"};
  for (auto& c : columns) wanted.push_back(c.name);
  const auto idx = csv.require_columns(wanted);
  auto parts = parse_chunks<item_part>(csv, opt, [&](csv_reader& r, item_part& part) {
    part.values.resize(columns.size());
    std::vector<std::string_view> f;
    std::string key;
    index_t last = -1;
    while (r.next(f)) {
      // Item rows usually come grouped by scenario, in scenarios.csv's order: try the
      // current and the next scenario before the hash lookup.
      if (last >= 0 && f[idx[0]] == key) {
        // same scenario as the previous row
      } else if (last + 1 < num_scenarios && f[idx[0]] == id_list[static_cast<std::size_t>(last + 1)]) {
        key.assign(f[idx[0]]);
        ++last;
      } else {
        key.assign(f[idx[0]]);
        auto it = ids.find(key);
        if (it == ids.end()) {
          throw input_error(fmt::format("{}: column 'scenario': id '{}' is not in scenarios.csv",
                                        r.where(), key));
        }
        last = it->second;
      }
      part.owner.push_back(last);
      std::size_t k = 0;
      for (auto& c : columns) {
        const auto text = f[idx[k + 1]];
        part.values[k].push_back(checked(r, text, c.name, c.r));
        ++k;
      }
    }
  });
  std::size_t total = 0;
  for (const auto& part : parts) {
    if (part.error) std::rethrow_exception(part.error);  // the first bad record in file order
    total += part.owner.size();
  }
  // Counting sort by scenario, stable, so items keep their file order.
  for (const auto& part : parts) {
    for (index_t s : part.owner) ++offsets[static_cast<std::size_t>(s) + 1];
  }
  for (std::size_t s = 1; s < offsets.size(); ++s) offsets[s] += offsets[s - 1];
  std::vector<index_t> cursor(offsets.begin(), offsets.end() - 1);
  for (std::size_t k = 0; k < outputs.size(); ++k) outputs[k]->assign(total, 0.0);
  for (const auto& part : parts) {
    for (std::size_t i = 0; i < part.owner.size(); ++i) {
      const auto dst = static_cast<std::size_t>(cursor[static_cast<std::size_t>(part.owner[i])]++);
      for (std::size_t k = 0; k < outputs.size(); ++k) (*outputs[k])[dst] = part.values[k][i];
    }
  }
}

/// One chunk of scenarios.csv.
struct scenario_part {
  std::vector<std::string> ids;
  std::vector<std::int64_t> lines;
  std::vector<double> activities;
  std::vector<index_t> countries_per_activity;
  /// When ids is longer than countries_per_activity, the last id is the failing
  /// record's: its duplicate check comes before the error, as in a serial read.
  std::exception_ptr error;
};

}  // namespace

std::uint64_t batch_dir_bytes(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const char* name : batch_csv_files) {
    const auto n = std::filesystem::file_size(dir / name, ec);
    if (!ec) total += n;
  }
  return total;
}

batch read_batch_dir(const std::filesystem::path& dir, const csv_parse_options& opt) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw input_error(fmt::format("{}: not a directory (a batch is a directory holding scenarios.csv)",
                                  dir.string()));
  }
  batch b;
  b.source = dir.string();
  column_vectors<double> c;
  std::unordered_map<std::string, index_t> ids;
  {
    csv_reader csv(dir / batch_csv_files[0]);
    count_header(dir / batch_csv_files[0], csv, opt);
    const auto idx = csv.require_columns({"scenario", "activities", "countries_per_activity"});
    auto parts = parse_chunks<scenario_part>(csv, opt, [&](csv_reader& r, scenario_part& part) {
      std::vector<std::string_view> f;
      while (r.next(f)) {
        std::string id(f[idx[0]]);
        if (id.empty()) {
          throw input_error(fmt::format("{}: column 'scenario': empty id (ids must be non-empty)",
                                        r.where()));
        }
        part.ids.push_back(std::move(id));
        part.lines.push_back(r.line());
        const auto a_text = f[idx[1]];
        part.activities.push_back(checked(r, a_text, "activities", rule::non_negative));
        const auto g_text = f[idx[2]];
        const auto g = parse_integer(g_text, r, "countries_per_activity");
        if (g < 0) {
          throw input_error(fmt::format(
              "{}: column 'countries_per_activity': value '{}' is negative (must be >= 0)",
              r.where(), g_text));
        }
        part.countries_per_activity.push_back(g);
      }
    });
    // Ids are checked for duplicates serially, in file order, before any chunk's error
    // at a later record is reported.
    std::vector<std::int64_t> lines;  // line of each scenario, for duplicate messages
    for (auto& part : parts) {
      for (std::size_t i = 0; i < part.ids.size(); ++i) {
        auto [it, fresh] = ids.emplace(part.ids[i], static_cast<index_t>(lines.size()));
        if (!fresh) {
          throw input_error(fmt::format("{}:{}: column 'scenario': id '{}' duplicates line {}", csv.path(),
                                        part.lines[i], part.ids[i],
                                        lines[static_cast<std::size_t>(it->second)]));
        }
        lines.push_back(part.lines[i]);
      }
      if (part.error) std::rethrow_exception(part.error);
      c.activities.insert(c.activities.end(), part.activities.begin(), part.activities.end());
      c.countries_per_activity.insert(c.countries_per_activity.end(), part.countries_per_activity.begin(),
                                      part.countries_per_activity.end());
      for (auto& id : part.ids) b.ids.push_back(std::move(id));
    }
    if (b.ids.empty()) {
      throw input_error(fmt::format("{}: no scenarios (the file holds only a header)", csv.path()));
    }
  }
  read_items(dir / batch_csv_files[1], ids, b.ids.names(),
             {{"datasets", rule::non_negative}, {"share_prob", rule::probability}},
             c.country_offsets, {&c.datasets, &c.country_share_prob}, opt);
  read_items(dir / batch_csv_files[2], ids, b.ids.names(), {{"difficulty", rule::non_negative}}, c.standard_offsets,
             {&c.standard_difficulty}, opt);
  read_items(dir / batch_csv_files[3], ids, b.ids.names(), {{"share_prob", rule::probability}}, c.resource_offsets,
             {&c.resource_share_prob}, opt);
  read_items(dir / batch_csv_files[4], ids, b.ids.names(), {{"difficulty", rule::non_negative}}, c.ethics_offsets,
             {&c.ethics_difficulty}, opt);
  b.columns = batch_columns<double>(std::move(c));
  return b;
}

}  // namespace coopgrid
