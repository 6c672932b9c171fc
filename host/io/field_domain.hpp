#pragma once
/**
 * @file field_domain.hpp
 * @brief MODEL.md section 1's domain of each field and the per-item fields of each
 *        block: one home for grid files, problem files (TOML and SALib text) and
 *        --samples rows. Light: no toml++ (host/io/toml_fields.hpp).
 */
#include <string>

#include "host/source/grid.hpp"

namespace coopgrid {

/// Whether field f is a probability (its values in [0, 1]).
bool is_probability_field(int f);

/// Field f's domain (counts: non-negative integers below 2^63; probabilities in [0, 1]; the
/// rest >= 0); input_error naming `where` ("FILE:LINE[:COL]: KEY") otherwise.
void check_field_value(int f, double x, const std::string& where);

/// The per-item fields and the count of their block: required wherever the count can be > 0.
struct item_field {
  int count, item;
};
inline constexpr item_field item_fields[] = {{countries_count, countries_datasets},
                                             {countries_count, countries_share_prob},
                                             {standards_count, standards_difficulty},
                                             {resources_count, resources_share_prob},
                                             {ethics_count, ethics_difficulty}};

}  // namespace coopgrid
