#pragma once
// CLI11's parse errors in coopgrid's voice: one line starting `coopgrid: error:`, the
// subcommand, and the nearest flag or subcommand to what was typed (host/util/suggest.hpp);
// --help and --version keep CLI11's output and exit 0.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "host/util/suggest.hpp"

namespace coopgrid::cli {

/// One line on stderr, `coopgrid: error: ` and the message; returns `code`, the exit code.
inline int print_error(const std::exception& e, int code) {
  fmt::print(stderr, "coopgrid: error: {}\n", e.what());
  return code;
}

/// The long flags of `app` ("--reduce", ...), for suggestions.
inline std::vector<std::string> long_flags(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* o : app.get_options()) {
    for (const auto& name : o->get_lnames()) out.push_back("--" + name);
  }
  return out;
}

inline std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) out.push_back(sub->get_name());
  return out;
}

/// What to add to CLI11's message: the nearest flag for each unexpected `--token`, the nearest
/// subcommand for an unknown first word.
inline std::string parse_error_hint(const CLI::App& app, const CLI::App* sub, const std::vector<std::string>& extra) {
  std::string hint;
  for (const auto& token : extra) {
    if (sub && token.rfind("--", 0) == 0) {
      const auto flag = token.substr(0, token.find('='));
      const auto best = nearest_name(flag, long_flags(*sub));
      if (!best.empty()) hint += fmt::format(" (did you mean {}?)", best);
    } else if (!sub) {
      const auto best = nearest_name(token, subcommand_names(app));
      if (!best.empty()) hint += fmt::format(" (did you mean {}?)", best);
    }
  }
  return hint;
}

/// Prints `e` for the user and returns the exit code: 0 for --help/--version, else 2.
inline int report_parse_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: CLI11 prints them
  const auto parsed = app.get_subcommands();
  const CLI::App* sub = parsed.empty() ? nullptr : parsed.front();
  std::vector<std::string> extra = sub ? sub->remaining() : app.remaining();
  if (!sub && argc > 1 && argv[1][0] != '-') extra = {argv[1]};
  std::string message = e.what();
  if (!sub && argc > 1 && argv[1][0] != '-') message = fmt::format("unknown subcommand '{}'", argv[1]);
  const std::string where = sub ? sub->get_name() + ": " : "";
  const std::string help = sub ? fmt::format("coopgrid {} --help", sub->get_name()) : "coopgrid --help";
  fmt::print(stderr, "coopgrid: error: {}{}{} (see '{}')\n", where, message, parse_error_hint(app, sub, extra), help);
  return 2;
}

}  // namespace coopgrid::cli
