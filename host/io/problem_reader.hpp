#pragma once
// TEMPORARY interface stub (replaced by the problem reader's merge).
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "host/source/grid.hpp"
#include "host/source/problem.hpp"

namespace coopgrid {
problem parse_problem(std::string_view text, const std::string& name);
std::variant<grid, problem> parse_toml_source(std::string_view text, const std::string& name);
std::variant<grid, problem> read_toml_source(const std::filesystem::path& file);
problem parse_salib_problem(std::string_view text, const std::string& name, const problem* fixed);
problem read_problem_file(const std::filesystem::path& file, const std::filesystem::path* fixed_toml);
std::string describe_problem(const problem& p);
}  // namespace coopgrid
