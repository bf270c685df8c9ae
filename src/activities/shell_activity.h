#ifndef STIGMER_ACTIVITIES_SHELL_ACTIVITY_H_
#define STIGMER_ACTIVITIES_SHELL_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// Runs the side effect of a `run: shell` task on the calling thread: `/bin/sh -c` in a process
// group of its own (see shell_process.h), its output read with poll(); `control.KeepGoing()` is
// asked about once a second, and on false the group gets SIGTERM, SIGKILL 2 s later, and the
// result is Cancelled().
//
// `input` is what the interpreter builds: {"task": path, "input": the task's transformed input,
// "shell": the evaluated `run.shell`, "return": "stdout"|"stderr"|"code"|"all"|"none",
// "await": bool}. `shell` (dsl-reference.md, Shell Process):
// - command (required): a shell command line, run by /bin/sh -c in the worker's working
//   directory.
// - arguments: a list, or a map (JSON objects have no order: its keys come sorted, each
//   followed by its value unless that is null). They are passed as separate words appended
//   to the command line ("$@"): `command: ls` with `arguments: [-la, /]` runs `ls -la /`, with
//   no quoting to get wrong; they are also $1, $2… to the command. Strings are passed as they
//   are, other values as JSON.
// - environment: name → value added to (null: removed from) the worker's environment.
// - working_dir (beside `shell`, not a DSL field: agents' shell tool sets it): the folder the
//   command runs in; the worker's own when absent.
// - stdin: written to the command's standard input (a string as it is, another value as JSON);
//   without it the command reads end-of-file at once.
// The command's output is read until every process holding its stdout and stderr has closed
// them; whatever is left in the process group once the command has exited is killed.
//
// Output (kCompleted), by `return`; stdout and stderr are text (invalid UTF-8 replaced by
// U+FFFD) without their one final newline, as a shell's $(…) would drop it:
// - "stdout" (default): the stdout string; "stderr": the stderr string;
// - "code": the exit code; "all": {"code": int, "stdout": string, "stderr": string};
// - "none": null.
// With `await: false` the command starts detached (its own session, output discarded, stdin
// as above) and the output is the task's transformed input, as the spec says.
//
// Errors (kFailed, instance = the task's path):
// - runtime (500) "Command failed", detail "exit code N: <start of stderr>": a non-zero exit
//   under stdout, stderr or none (a command that is not found exits with 127). Under code
//   and all a non-zero exit is an output, not an error.
// - runtime (500) "Command killed", detail "killed by signal 9 (SIGKILL): <start of stderr>",
//   whatever `return` is.
// - timeout (408) "Command timed out": still running after the task's `timeout`, or else
//   `limits.shell_timeout` (the group is killed: SIGTERM, SIGKILL 2 s later).
// - runtime (500) "Output too large": stdout or stderr exceeded `limits.max_output_bytes`
//   (the group is killed at once).
// - configuration (400): `shell`, `return` or `await` malformed.
// - runtime (500): the process could not be started (fork, exec).
ActivityResult RunShellActivity(const nlohmann::json& input, const ActivityLimits& limits,
                                ActivityControl& control);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_SHELL_ACTIVITY_H_
