#ifndef STIGMER_ACTIVITIES_SCRIPT_INTERPRETER_H_
#define STIGMER_ACTIVITIES_SCRIPT_INTERPRETER_H_

// Which program runs a `run: script` of a given language on this machine.

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/environment.h"

namespace stigmer::activities {

// The interpreter of one script language.
struct ScriptInterpreter {
  const char* program;  // looked up on PATH: "node", "python3"
  const char* setting;  // the environment variable that names it instead
  const char* suffix;   // of the script's file: ".js", ".py"
};

// The interpreter of `language` ("js", "javascript" or "python"); InvalidArgument naming the
// languages otherwise.
absl::StatusOr<ScriptInterpreter> InterpreterFor(absl::string_view language);

// Where `interpreter` is: the path its setting names (STIGMER_NODE_BIN, STIGMER_PYTHON_BIN)
// when set, else its program on `lookup`'s PATH. NotFound, saying what to install or set,
// when there is none or the setting names no executable file.
absl::StatusOr<std::filesystem::path> LocateInterpreter(const ScriptInterpreter& interpreter,
                                                        const EnvironmentLookup& lookup);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_SCRIPT_INTERPRETER_H_
