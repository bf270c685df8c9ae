#ifndef STIGMER_ACTIVITIES_SCRIPT_ACTIVITY_H_
#define STIGMER_ACTIVITIES_SCRIPT_ACTIVITY_H_

#include "activities/activity_control.h"
#include "common/environment.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// Runs the side effect of a `run: script` task on the calling thread, as a process exactly like
// `run: shell` (shell_activity.h: stdin, output by `return`, `await`, timeout, cancellation,
// output limit, and the same errors).
//
// `input` is what the interpreter builds: {"task", "input", "script": the evaluated
// `run.script`, "return", "await", "timeout_ms"?}. `script` (dsl-reference.md, Script Process):
// - language: js | javascript (run by node) or python (run by python3); script_interpreter.h
//   says where they are looked up (PATH, or STIGMER_NODE_BIN / STIGMER_PYTHON_BIN).
// - code, or source: {endpoint: "file:///path" | "/path" | {uri: ...}} read on this machine
//   (http(s) is refused: no network at run time). The code is written to script.js or
//   script.py in a private temporary folder (0700) that is removed once the process has ended
//   (for `await: false`, by a /bin/sh wrapper once the script exits), and the interpreter runs
//   that file, so stack traces name it. JavaScript with a line starting with `import` or
//   `export` is written to script.mjs instead, so that node runs it as an ES module.
// - arguments: a list (or a map, as for shell), given to the script after its file name:
//   process.argv[2..] in node, sys.argv[1..] in python.
// - environment, stdin: as for shell.
//
// Errors besides the shell's (kFailed, instance = the task's path):
// - configuration (400) "Invalid script": `script` malformed, an unknown language, a source
//   that is not local, missing or too large.
// - runtime (500) "Interpreter not found": no node / python3, saying what to install or set.
ActivityResult RunScriptActivity(const nlohmann::json& input, const ActivityLimits& limits,
                                 ActivityControl& control, const EnvironmentLookup& lookup);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_SCRIPT_ACTIVITY_H_
