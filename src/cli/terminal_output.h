#ifndef STIGMER_CLI_TERMINAL_OUTPUT_H_
#define STIGMER_CLI_TERMINAL_OUTPUT_H_

#include <iostream>
#include <string>

#include "absl/strings/string_view.h"

namespace stigmer::cli {

// How the CLI speaks: results on stdout, errors on stderr with what to do next, markers
// ✓ ℹ ⚠ ✗, color only on a terminal and never with NO_COLOR, nothing but errors with --quiet.
class TerminalOutput {
 public:
  TerminalOutput(std::ostream& out, std::ostream& err, bool color, bool quiet)
      : out_(out), err_(err), color_(color), quiet_(quiet) {}

  // Color when stdout is a terminal and NO_COLOR is unset.
  static TerminalOutput ForProcess(bool quiet);

  void Success(absl::string_view text);  // ✓ green
  void Info(absl::string_view text);     // ℹ blue
  void Warning(absl::string_view text);  // ⚠ yellow, on stderr
  void Error(absl::string_view text);    // ✗ red, on stderr
  // A plain line on stdout (tables, JSON); printed even with --quiet.
  void Line(absl::string_view text);
  // `text` wrapped in an ANSI color code when color is on ("dim", "bold", "green", "red",
  // "yellow", "blue", "cyan", "magenta").
  std::string Paint(absl::string_view color, absl::string_view text) const;

  bool color() const { return color_; }
  bool quiet() const { return quiet_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool color_;
  bool quiet_;
};

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_TERMINAL_OUTPUT_H_
