#pragma once
// Rows for PRIM's tests (tests/host/prim/): columns and cases of interest
// owned together, seen as the prim_data_view the searches take.
#include <cstdint>
#include <vector>

#include "host/prim/prim.hpp"

namespace coopgrid::test {

struct prim_rows {
  std::vector<std::vector<double>> columns;
  std::vector<std::uint8_t> interest;
  prim::prim_data_view view() const {
    prim::prim_data_view v;
    for (const auto& c : columns) v.columns.push_back(c.data());
    v.interest = interest.data();
    v.rows = static_cast<std::int64_t>(interest.size());
    return v;
  }
};

}  // namespace coopgrid::test
