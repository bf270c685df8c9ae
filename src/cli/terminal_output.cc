#include "cli/terminal_output.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace stigmer::cli {
namespace {

absl::string_view ColorCode(absl::string_view color) {
  if (color == "bold") return "\033[1m";
  if (color == "dim") return "\033[2m";
  if (color == "red") return "\033[31m";
  if (color == "green") return "\033[32m";
  if (color == "yellow") return "\033[33m";
  if (color == "blue") return "\033[34m";
  if (color == "magenta") return "\033[35m";
  if (color == "cyan") return "\033[36m";
  return "";
}

}  // namespace

TerminalOutput TerminalOutput::ForProcess(bool quiet) {
  const char* no_color = std::getenv("NO_COLOR");
  const bool color = ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
  return TerminalOutput(std::cout, std::cerr, color, quiet);
}

std::string TerminalOutput::Paint(absl::string_view color, absl::string_view text) const {
  if (!color_) return std::string(text);
  return absl::StrCat(ColorCode(color), text, "\033[0m");
}

void TerminalOutput::Success(absl::string_view text) {
  if (!quiet_) out_ << Paint("green", "✓") << " " << text << "\n" << std::flush;
}

void TerminalOutput::Info(absl::string_view text) {
  if (!quiet_) out_ << Paint("blue", "ℹ") << " " << text << "\n" << std::flush;
}

void TerminalOutput::Warning(absl::string_view text) {
  err_ << Paint("yellow", "⚠") << " " << text << "\n" << std::flush;
}

void TerminalOutput::Error(absl::string_view text) {
  err_ << Paint("red", "✗") << " " << text << "\n" << std::flush;
}

void TerminalOutput::Line(absl::string_view text) { out_ << text << "\n" << std::flush; }

}  // namespace stigmer::cli
