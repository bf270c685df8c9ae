#include "activities/script_interpreter.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/executable_search.h"

namespace stigmer::activities {
namespace {

constexpr ScriptInterpreter kNode{"node", "STIGMER_NODE_BIN", ".js"};
constexpr ScriptInterpreter kPython{"python3", "STIGMER_PYTHON_BIN", ".py"};

}  // namespace

absl::StatusOr<ScriptInterpreter> InterpreterFor(absl::string_view language) {
  if (language == "js" || language == "javascript") return kNode;
  if (language == "python") return kPython;
  return absl::InvalidArgumentError(absl::StrCat("unknown script language \"", language,
                                                 "\" (expected js, javascript or python)"));
}

absl::StatusOr<std::filesystem::path> LocateInterpreter(const ScriptInterpreter& interpreter,
                                                        const EnvironmentLookup& lookup) {
  if (std::optional<std::string> configured = lookup(interpreter.setting);
      configured && !configured->empty()) {
    if (IsExecutableFile(*configured)) return std::filesystem::path(*configured);
    return absl::NotFoundError(absl::StrCat(interpreter.setting, " is \"", *configured,
                                            "\", which is not an executable file: point it at ",
                                            interpreter.program, " or unset it"));
  }
  const std::optional<std::string> path = lookup("PATH");
  if (auto found = FindExecutable(interpreter.program, path.value_or(""))) return *found;
  return absl::NotFoundError(
      absl::StrCat(interpreter.program, " is not installed (not found on PATH): install ",
                   interpreter.program, " or set ", interpreter.setting, " to its path"));
}

}  // namespace stigmer::activities
