#pragma once
// --help at the terminal's width: option descriptions, the description and the footer
// (Examples) wrapped at word boundaries, never mid-word (CLI11 2.1 does not wrap).
#include <CLI/CLI.hpp>

#include <memory>
#include <sstream>
#include <string>

#include "host/util/text.hpp"

namespace coopgrid::cli {

/// `text` wrapped so that no line passes `width` columns when its first line starts at column `col0`
/// and every other line at `pad` (spaces added here: `add_pad`; CLI11 pads option descriptions itself).
/// Words longer than the room stand alone on their line; a trailing newline is kept.
inline std::string wrap_text(const std::string& text, std::size_t width, std::size_t col0, std::size_t pad,
                             bool add_pad) {
  std::string out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  std::size_t col = col0;
  bool first_line = true;
  auto new_line = [&] {
    out += "\n" + std::string(add_pad ? pad : 0, ' ');
    col = pad;
  };
  while (std::getline(paragraphs, paragraph)) {
    if (!first_line) new_line();
    first_line = false;
    const std::size_t lead = paragraph.find_first_not_of(' ');  // an example's own indentation
    if (lead == std::string::npos) continue;
    out += std::string(lead, ' ');
    col += lead;
    std::istringstream words(paragraph);
    std::string word;
    bool empty = true;
    while (words >> word) {
      if (!empty && col + 1 + word.size() > width) {
        new_line();
        out += std::string(lead + 2, ' ');  // continuation: under the paragraph, two further in
        col += lead + 2;
        empty = true;
      }
      if (!empty) {
        out += ' ';
        ++col;
      }
      out += word;
      col += word.size();
      empty = false;
    }
  }
  if (!text.empty() && text.back() == '\n') out += "\n";
  return out;
}

class wrapping_formatter : public CLI::Formatter {
 public:
  wrapping_formatter() { column_width(28); }
  std::string make_option_desc(const CLI::Option* opt) const override {
    // CLI11 starts the description at the column width and pads every line after a newline to it.
    return wrap_text(CLI::Formatter::make_option_desc(opt), width(), get_column_width(), get_column_width(), false);
  }
  std::string make_description(const CLI::App* app) const override {
    return wrap_text(CLI::Formatter::make_description(app), width(), 0, 0, true);
  }
  std::string make_footer(const CLI::App* app) const override {
    const std::string f = app->get_footer();
    return f.empty() ? std::string() : "\n" + wrap_text(f, width(), 0, 0, true) + "\n";
  }

 private:
  static std::size_t width() { return std::clamp<std::size_t>(terminal_width(STDOUT_FILENO) - 1, 60, 120); }
};

/// Installs the wrapping formatter on `app` (subcommands inherit it when added after).
inline void use_wrapping_help(CLI::App& app) { app.formatter(std::make_shared<wrapping_formatter>()); }

}  // namespace coopgrid::cli
