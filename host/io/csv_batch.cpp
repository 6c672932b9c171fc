#include "host/io/csv_batch.hpp"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "host/io/csv_reader.hpp"
#include "host/util/errors.hpp"

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

/// Reads one item file into CSR arrays keyed by scenario index (file order kept per scenario).
struct item_column {
  std::string_view name;
  rule r;
};

void read_items(const std::filesystem::path& file, const std::unordered_map<std::string, index_t>& ids,
                const std::vector<std::string>& id_list,
                std::initializer_list<item_column> columns, std::vector<index_t>& offsets,
                std::vector<std::vector<double>*> outputs) {
  const auto num_scenarios = static_cast<index_t>(ids.size());
  offsets.assign(static_cast<std::size_t>(num_scenarios) + 1, 0);
  for (auto* o : outputs) o->clear();
  if (!std::filesystem::exists(file)) return;  // a missing item file is an empty block

  csv_reader csv(file);
  std::vector<std::string_view> wanted{"scenario"};
  for (auto& c : columns) wanted.push_back(c.name);
  const auto idx = csv.require_columns(wanted);
  std::vector<index_t> owner;
  std::vector<std::vector<double>> values(columns.size());
  std::vector<std::string_view> f;
  std::string key;
  index_t last = -1;
  while (csv.next(f)) {
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
                                      csv.where(), key));
      }
      last = it->second;
    }
    owner.push_back(last);
    std::size_t k = 0;
    for (auto& c : columns) {
      const auto text = f[idx[k + 1]];
      values[k].push_back(checked(csv, text, c.name, c.r));
      ++k;
    }
  }
  // Counting sort by scenario, stable, so items keep their file order.
  for (index_t s : owner) ++offsets[static_cast<std::size_t>(s) + 1];
  for (std::size_t s = 1; s < offsets.size(); ++s) offsets[s] += offsets[s - 1];
  std::vector<index_t> cursor(offsets.begin(), offsets.end() - 1);
  for (std::size_t k = 0; k < outputs.size(); ++k) outputs[k]->assign(owner.size(), 0.0);
  for (std::size_t i = 0; i < owner.size(); ++i) {
    const auto dst = static_cast<std::size_t>(cursor[static_cast<std::size_t>(owner[i])]++);
    for (std::size_t k = 0; k < outputs.size(); ++k) (*outputs[k])[dst] = values[k][i];
  }
}

}  // namespace

batch read_batch_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw input_error(fmt::format("{}: not a directory (a batch is a directory holding scenarios.csv)",
                                  dir.string()));
  }
  batch b;
  b.source = dir.string();
  column_vectors<double> c;
  std::unordered_map<std::string, index_t> ids;
  std::vector<std::int64_t> lines;  // line of each scenario, for duplicate messages
  {
    csv_reader csv(dir / "scenarios.csv");
    const auto idx = csv.require_columns({"scenario", "activities", "countries_per_activity"});
    std::vector<std::string_view> f;
    while (csv.next(f)) {
      std::string id(f[idx[0]]);
      if (id.empty()) {
        throw input_error(fmt::format("{}: column 'scenario': empty id (ids must be non-empty)",
                                      csv.where()));
      }
      auto [it, fresh] = ids.emplace(id, b.num_scenarios());
      if (!fresh) {
        throw input_error(fmt::format("{}: column 'scenario': id '{}' duplicates line {}",
                                      csv.where(), id, lines[static_cast<std::size_t>(it->second)]));
      }
      lines.push_back(csv.line());
      const auto a_text = f[idx[1]];
      c.activities.push_back(checked(csv, a_text, "activities", rule::non_negative));
      const auto g_text = f[idx[2]];
      const auto g = parse_integer(g_text, csv, "countries_per_activity");
      if (g < 0) {
        throw input_error(fmt::format(
            "{}: column 'countries_per_activity': value '{}' is negative (must be >= 0)",
            csv.where(), g_text));
      }
      c.countries_per_activity.push_back(g);
      b.ids.push_back(std::move(id));
    }
    if (b.ids.empty()) {
      throw input_error(fmt::format("{}: no scenarios (the file holds only a header)", csv.path()));
    }
  }
  read_items(dir / "countries.csv", ids, b.ids,
             {{"datasets", rule::non_negative}, {"share_prob", rule::probability}},
             c.country_offsets, {&c.datasets, &c.country_share_prob});
  read_items(dir / "standards.csv", ids, b.ids, {{"difficulty", rule::non_negative}}, c.standard_offsets,
             {&c.standard_difficulty});
  read_items(dir / "resources.csv", ids, b.ids, {{"share_prob", rule::probability}}, c.resource_offsets,
             {&c.resource_share_prob});
  read_items(dir / "ethics.csv", ids, b.ids, {{"difficulty", rule::non_negative}}, c.ethics_offsets,
             {&c.ethics_difficulty});
  b.columns = batch_columns<double>(std::move(c));
  return b;
}

}  // namespace coopgrid
