#pragma once
/**
 * @file metrics.hpp
 * @brief The metric table: the one list of MODEL.md section 2's columns, in
 *        their contractual order, and everything generated from it (the
 *        `metric` enum, num_metrics, names, descriptions, the assembly of a
 *        row from the per-block results).
 */
#include "kernels/config.hpp"

/**
 * COOPGRID_METRIC_TABLE(X): X(name, block, field, description) per output
 * column, in MODEL.md order (the CSV and JSON order). `block.field` is where
 * the finishers put the column's value in a scenario_result (below); the row
 * is assembled from it by name, never by position.
 *
 * Adding a metric: add its line here, its field to the block's result struct
 * and its value to every place that builds that struct (the formula core's
 * finishers, the grid closed form, the reference: all by full aggregate
 * initialisation). Forgetting one of these is a compile error, not a zero:
 *  - a table line whose field is missing from the struct: write_metrics()
 *    does not compile ("'const struct coopgrid::countries_result<double>'
 *    has no member named 'quota'");
 *  - a field some builder does not set: -Werror=missing-field-initializers
 *    ("grid_view.hpp: missing initializer for member
 *    'coopgrid::countries_result<double>::quota'").
 * tests/compile_fail/ checks both. Result structs therefore have no default
 * member initialisers (GCC does not warn for members that have one). nvcc
 * passes the flag to its host compiler, which sees host instantiations only;
 * every builder is also instantiated by g++ (CPU backend, emulated kernels).
 */
#define COOPGRID_METRIC_TABLE(X)                                                                          \
  X(datasets_total, countries, total, "D = sum_i D_i, the datasets of all countries")                     \
  X(shared_expected, countries, shared, "S = sum_i p_i D_i, the datasets expected to be shared")          \
  X(shared_variance, countries, variance, "V = sum_i D_i p_i (1 - p_i), the variance of the shared count") \
  X(shared_quota, countries, quota, "sum_i floor(D_i p_i), the datasets the source's code 5.2 shares")    \
  X(standards_difficulty, standards, difficulty, "H = sum_m C_m")                                         \
  X(standards_p_any, standards, p_any, "P = 1 - (1 - 1/M)^H")                                             \
  X(standards_p_all, standards, p_all, "prod_m P_m, P_m = 1 - (1 - 1/M)^C_m")                             \
  X(standards_expected, standards, expected, "sum_m P_m, the standards expected to be agreed")            \
  X(standards_constrained, standards, constrained, "the count of standards with C_m <= 1")                \
  X(exchange_effect_log10, exchange, effect_log10, "log10 E = G log10 T")                                 \
  X(exchange_total_log10, exchange, total_log10, "log10 E_total = G (G + 1) / 2 log10 T")                 \
  X(resources_shared, resources, shared, "sum_k r_k, the resources expected to be shared")                \
  X(ethics_difficulty, ethics, difficulty, "sum_l d_l")                                                   \
  X(ethics_q_any, ethics, p_any, "1 - (1 - 1/L)^(sum_l d_l)")                                             \
  X(ethics_q_all, ethics, p_all, "prod_l Q_l, Q_l = 1 - (1 - 1/L)^d_l")

namespace coopgrid {

/// One id per output column, in table order.
enum class metric : int {
#define COOPGRID_METRIC_ENUM(name, block, field, text) name,
  COOPGRID_METRIC_TABLE(COOPGRID_METRIC_ENUM)
#undef COOPGRID_METRIC_ENUM
};

inline constexpr int num_metrics = 0
#define COOPGRID_METRIC_COUNT(name, block, field, text) +1
    COOPGRID_METRIC_TABLE(COOPGRID_METRIC_COUNT)
#undef COOPGRID_METRIC_COUNT
    ;
/// The most metrics the folds carry: the plain fold's SIMD lanes (host/reduce/plain_fold.hpp)
/// and the fused kernel's two per warp (kernels/reduce_kernel.cuh) are sized by it.
inline constexpr int max_metrics = 16;
static_assert(num_metrics <= max_metrics, "a 17th metric: widen max_metrics (plain fold lanes, kernel warps)");

/// Column names, indexed by metric.
inline constexpr const char* metric_names[num_metrics] = {
#define COOPGRID_METRIC_NAME(name, block, field, text) #name,
    COOPGRID_METRIC_TABLE(COOPGRID_METRIC_NAME)
#undef COOPGRID_METRIC_NAME
};

/// One line per metric (--help), indexed by metric.
inline constexpr const char* metric_descriptions[num_metrics] = {
#define COOPGRID_METRIC_TEXT(name, block, field, text) text,
    COOPGRID_METRIC_TABLE(COOPGRID_METRIC_TEXT)
#undef COOPGRID_METRIC_TEXT
};

/// All metrics of one scenario. Trivially copyable so kernels can write it directly.
template <class T>
struct metric_row {
  T v[num_metrics];
  COOPGRID_HOST_DEVICE T& operator[](metric m) { return v[static_cast<int>(m)]; }
  COOPGRID_HOST_DEVICE const T& operator[](metric m) const { return v[static_cast<int>(m)]; }
};

// ---- Finished values of each block: what the table's block.field names ----
// Aggregates without default member initialisers, always built by full
// aggregate initialisation (see above). Shared by the formula core (T = float
// or double) and the reference (T = long double), which share no formulas.

/// Countries block (MODEL.md D, S, V and the quota).
template <class T>
struct countries_result {
  T total, shared, variance, quota;
};

/// A standards or ethics block: difficulty sum, P (any), the product (all),
/// the expected count and the count with difficulty <= 1. Ethics reports the
/// first three only.
template <class T>
struct consensus_result {
  T difficulty, p_any, p_all, expected, constrained;
};

/// Exchange: log10 E and log10 E_total.
template <class T>
struct exchange_result {
  T effect_log10, total_log10;
};

/// Resources block.
template <class T>
struct resources_result {
  T shared;
};

/// Every block of one scenario, named as the table's `block` column names them.
template <class T>
struct scenario_result {
  countries_result<T> countries;
  consensus_result<T> standards;
  exchange_result<T> exchange;
  resources_result<T> resources;
  consensus_result<T> ethics;
};

/**
 * @brief out[metric::NAME] = r.BLOCK.FIELD for every line of the table,
 *        converted to Out. Generic in the result type so that the
 *        compile-fail test can hand it a struct lacking a field.
 */
template <class Out, class Result>
COOPGRID_HOST_DEVICE inline void write_metrics(const Result& r, Out* out) {
#define COOPGRID_METRIC_STORE(name, block, field, text) \
  out[static_cast<int>(metric::name)] = static_cast<Out>(r.block.field);
  COOPGRID_METRIC_TABLE(COOPGRID_METRIC_STORE)
#undef COOPGRID_METRIC_STORE
}

/// Assembles one output row from the finished blocks.
template <class T>
COOPGRID_HOST_DEVICE inline metric_row<T> make_row(const scenario_result<T>& r) {
  metric_row<T> row;
  write_metrics(r, row.v);
  return row;
}

}  // namespace coopgrid
