#pragma once
/**
 * @file batch_view.hpp
 * @brief Non-owning, trivially copyable view of an explicit batch in CSR form,
 *        and the per-scenario evaluation over it (one thread, plain loops).
 */
#include "kernels/formulas.hpp"

namespace coopgrid {

/**
 * The batch's columns, in order: their one home. X(name, kind, file): kind is
 * real (T), count or offsets (index_t); file is the CSV file a batch
 * directory holds them in. A binary batch stores each as NAME.npy; Python's
 * table comes from the binding (_native.batch_columns).
 */
#define COOPGRID_BATCH_COLUMNS(X)                      \
  X(activities, real, scenarios)                       \
  X(countries_per_activity, count, scenarios)          \
  X(country_offsets, offsets, countries)               \
  X(datasets, real, countries)                         \
  X(country_share_prob, real, countries)               \
  X(standard_offsets, offsets, standards)              \
  X(standard_difficulty, real, standards)              \
  X(resource_offsets, offsets, resources)              \
  X(resource_share_prob, real, resources)              \
  X(ethics_offsets, offsets, ethics)                   \
  X(ethics_difficulty, real, ethics)

/// The element type of a column of kind K in a batch of precision T.
#define COOPGRID_BATCH_TYPE(kind, T) COOPGRID_BATCH_TYPE_##kind(T)
#define COOPGRID_BATCH_TYPE_real(T) T
#define COOPGRID_BATCH_TYPE_count(T) ::coopgrid::index_t
#define COOPGRID_BATCH_TYPE_offsets(T) ::coopgrid::index_t

#define COOPGRID_X(name, kind, file) +1
inline constexpr int num_batch_columns = 0 COOPGRID_BATCH_COLUMNS(COOPGRID_X);
#undef COOPGRID_X

/**
 * @brief Column pointers of a batch. Each `*_offsets` array has
 *        num_scenarios + 1 entries; the items of scenario s in that block are
 *        [offsets[s], offsets[s + 1]). Pointers are host or device memory,
 *        whichever the caller evaluates on.
 */
template <class T>
struct batch_view {
  index_t num_scenarios = 0;
#define COOPGRID_X(name, kind, file) const COOPGRID_BATCH_TYPE(kind, T)* name = nullptr;
  COOPGRID_BATCH_COLUMNS(COOPGRID_X)
#undef COOPGRID_X
};

/// Adds items [first, last) with step `stride` of every block of scenario s.
template <class T>
COOPGRID_HOST_DEVICE inline void accumulate_items(const batch_view<T>& b, index_t s,
                                                  consensus_base<T> standards_base,
                                                  consensus_base<T> ethics_base,
                                                  index_t lane, index_t stride,
                                                  scenario_acc<T>& acc) {
  for (index_t i = b.country_offsets[s] + lane; i < b.country_offsets[s + 1]; i += stride) {
    acc.countries.add(b.datasets[i], b.country_share_prob[i]);
  }
  for (index_t i = b.standard_offsets[s] + lane; i < b.standard_offsets[s + 1]; i += stride) {
    acc.standards.add(standards_base, b.standard_difficulty[i]);
  }
  for (index_t i = b.resource_offsets[s] + lane; i < b.resource_offsets[s + 1]; i += stride) {
    acc.resources.add(b.resource_share_prob[i]);
  }
  for (index_t i = b.ethics_offsets[s] + lane; i < b.ethics_offsets[s + 1]; i += stride) {
    acc.ethics.add(ethics_base, b.ethics_difficulty[i]);
  }
}

template <class T>
COOPGRID_HOST_DEVICE inline consensus_base<T> standards_base_of(const batch_view<T>& b,
                                                               index_t s) {
  return make_consensus_base<T>(b.standard_offsets[s + 1] - b.standard_offsets[s]);
}

template <class T>
COOPGRID_HOST_DEVICE inline consensus_base<T> ethics_base_of(const batch_view<T>& b, index_t s) {
  return make_consensus_base<T>(b.ethics_offsets[s + 1] - b.ethics_offsets[s]);
}

/// All metrics of scenario s, evaluated sequentially by one thread.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> evaluate_scenario(const batch_view<T>& b, index_t s) {
  const auto sb = standards_base_of(b, s);
  const auto eb = ethics_base_of(b, s);
  scenario_acc<T> acc;
  accumulate_items(b, s, sb, eb, index_t{0}, index_t{1}, acc);
  return finish_scenario(acc, sb, eb, b.activities[s], b.countries_per_activity[s]);
}

}  // namespace coopgrid
