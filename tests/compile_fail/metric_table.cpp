// Compile-fail checks of the metric table (kernels/metrics.hpp), built by
// CTest with the project's flags (tests/CMakeLists.txt, "compile-fail:*"):
//   ok               compiles: a full scenario_result and its row.
//   forgotten_field  a builder leaves out a result field (the quota): an
//                    error under -Werror=missing-field-initializers, not a 0.
//   missing_member   a table line names a field its block's result lacks
//                    (countries.quota): write_metrics() does not compile.
#include "kernels/metrics.hpp"

namespace coopgrid {

#if defined(COOPGRID_COMPILE_FAIL_CASE_missing_member)
/// The countries block as it was before shared_quota: no quota field.
struct countries_without_quota {
  float total, shared, variance;
};
struct result_without_quota {
  countries_without_quota countries;
  consensus_result<float> standards;
  exchange_result<float> exchange;
  resources_result<float> resources;
  consensus_result<float> ethics;
};
#endif

metric_row<float> row_of(float x) {
  const consensus_result<float> c{x, x, x, x, x};
#if defined(COOPGRID_COMPILE_FAIL_CASE_forgotten_field)
  const countries_result<float> countries{x, x, x};  // quota forgotten
#else
  const countries_result<float> countries{x, x, x, x};
#endif
#if defined(COOPGRID_COMPILE_FAIL_CASE_missing_member)
  const result_without_quota r{countries_without_quota{x, x, x}, c, exchange_result<float>{x, x},
                               resources_result<float>{x}, c};
  metric_row<float> row;
  write_metrics(r, row.v);
  return row;
#else
  return make_row(scenario_result<float>{countries, c, exchange_result<float>{x, x}, resources_result<float>{x}, c});
#endif
}

}  // namespace coopgrid
