#pragma once
/**
 * @file name_table.hpp
 * @brief Reading a table of names: constexpr arrays of entries with `kind` (an
 *        enum value) and `name`, each the one home of its enum's names
 *        (design_kinds, backend_kinds, precisions). Parsers, checks, messages
 *        and reports read them through these.
 */
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coopgrid {

/// The name of `kind` in `table` ("?" for a kind without its entry: a table left incomplete).
template <class Entry, std::size_t N>
const char* name_in(const Entry (&table)[N], decltype(Entry::kind) kind) {
  for (const auto& e : table) {
    if (e.kind == kind) return e.name;
  }
  return "?";
}

/// The kind named `name` in `table`, or none.
template <class Entry, std::size_t N>
std::optional<decltype(Entry::kind)> kind_in(const Entry (&table)[N], std::string_view name) {
  for (const auto& e : table) {
    if (name == e.name) return e.kind;
  }
  return std::nullopt;
}

/// Every name of `table`, in its order.
template <class Entry, std::size_t N>
std::vector<std::string> names_in(const Entry (&table)[N]) {
  std::vector<std::string> out;
  for (const auto& e : table) out.emplace_back(e.name);
  return out;
}

}  // namespace coopgrid
