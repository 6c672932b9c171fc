#include "host/prim/batch_inputs.hpp"

#include <stdexcept>

#include "kernels/grid_view.hpp"

namespace coopgrid::prim {
namespace {

/// The grid fields a batch has per scenario, in the grid's order.
constexpr int batch_fields[] = {countries_count, standards_count, exchange_activities,
                                exchange_countries_per_activity, resources_count, ethics_count};

std::vector<double> list_sizes(column<index_t> offsets) {
  std::vector<double> out(offsets.empty() ? 0 : offsets.size() - 1);
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = static_cast<double>(offsets[k + 1] - offsets[k]);
  return out;
}

}  // namespace

std::vector<std::string> batch_input_names() {
  std::vector<std::string> out;
  for (int f : batch_fields) out.emplace_back(grid_field_names[f]);
  return out;
}

std::vector<double> batch_input_column(const batch& b, std::size_t j) {
  const auto& c = b.columns;
  switch (batch_fields[j]) {
    case countries_count: return list_sizes(c.country_offsets);
    case standards_count: return list_sizes(c.standard_offsets);
    case exchange_activities: return {c.activities.begin(), c.activities.end()};
    case exchange_countries_per_activity:
      return {c.countries_per_activity.begin(), c.countries_per_activity.end()};
    case resources_count: return list_sizes(c.resource_offsets);
    case ethics_count: return list_sizes(c.ethics_offsets);
    default: throw std::logic_error("batch_input_column: not a batch input");
  }
}

}  // namespace coopgrid::prim
