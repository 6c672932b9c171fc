#pragma once
/**
 * @file batch_inputs.hpp
 * @brief What PRIM searches on an explicit batch: each scenario's scalars and
 *        list sizes, named as the grid fields they are (a batch scenario is a
 *        grid point whose lists are given item by item).
 */
#include <string>
#include <vector>

#include "host/source/batch.hpp"

namespace coopgrid::prim {

/// The inputs of a batch, in the grid fields' order: countries.count, standards.count,
/// exchange.activities, exchange.countries_per_activity, resources.count, ethics.count.
std::vector<std::string> batch_input_names();

/// Input j of batch_input_names() for every scenario of b, in row order.
std::vector<double> batch_input_column(const batch& b, std::size_t j);

}  // namespace coopgrid::prim
