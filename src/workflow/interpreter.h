#ifndef STIGMER_WORKFLOW_INTERPRETER_H_
#define STIGMER_WORKFLOW_INTERPRETER_H_

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "workflow/task_errors.h"
#include "workflow/workflow_context.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {

// What the runtime expressions see of the run and of the runtime.
struct RuntimeValues {
  // $workflow.id: the execution's id.
  std::string workflow_id;
  // $secrets: name → value, as `use.secrets` makes them available.
  nlohmann::json secrets = nlohmann::json::object();
  // $runtime: {name, version, metadata}.
  nlohmann::json runtime = {{"name", "stigmer"}, {"version", "0.1.0"}};
};

struct InterpreterOptions {
  // The most iterations one `for` may run, and the most backward jumps (`then: <earlier
  // task>`) one task list may take in a run; beyond, a runtime error naming the task.
  int max_iterations = 10000;
};

struct RunResult {
  enum class State { kCompleted, kFailed, kSuspended };
  State state = State::kSuspended;
  // kCompleted: the workflow's transformed output.
  nlohmann::json output;
  // kFailed: the uncaught error; its instance is the path of the task that raised it.
  WorkflowError error;
};

// Runs `document` from the start on `input` with `context` for everything that is not pure,
// until it completes, fails with an uncaught DSL error, or waits on a side effect that history
// does not hold yet (kSuspended; run it again from the start once the result is recorded).
// Deterministic: the same document, input, runtime values and context results give the same
// context calls in the same order and the same result.
//
// Supported: `set`, `do`, `switch`, `for` (each/in/at/while), `try`/`catch` (errors.with, as,
// when, exceptWhen, do; `catch.retry` raises a configuration error: not supported yet),
// `raise` (inline or `use.errors` reference), `wait` (context.Sleep), `call: http` and
// `run: shell` (context.CallActivity), flow directives, `if`, `input.from`, `output.as`,
// `export.as` and the workflow's `input.from` and `output.as`. Other task types raise a
// configuration error naming the type.
//
// Data flow, as dsl.md's table of runtime expression arguments says: a task's `input.from` is
// evaluated on its raw input, `if` and the task's own expressions on the transformed input
// ($input), `output.as` on the raw output, `export.as` on the transformed output ($output) and
// its result replaces $context. A skipped task (`if` false) passes its raw input on and records
// no marker. Outputs: `set` its evaluated value; `do`, `for`, `try` their last task's output (a
// `for` over nothing: its input); `switch` and `wait` their input; a caught error without
// `catch.do`: the try task's input. After each task that ran, context.TaskFinished(path, name,
// transformed output) is called.
//
// Side effects receive: "http" → {"task": path, "input": transformed input, "with": the
// evaluated `with`}; "shell" → {"task": path, "input": ..., "shell": the evaluated `run.shell`,
// "return": `run.return` or "stdout", "await": `run.await` or true}. Their result is the task's
// raw output; a failed outcome is raised at the task (its instance set to the task's path when
// empty).
//
// An expression that fails raises an expression error (status 400) whose instance is the task
// and whose detail is "expression `...`: <jq's message>". A non-OK status is returned only when
// the context returned one (e.g. non-determinism): the run stops at once.
absl::StatusOr<RunResult> Interpret(const WorkflowDocument& document, const nlohmann::json& input,
                                    const RuntimeValues& runtime, WorkflowContext& context,
                                    const InterpreterOptions& options = {});

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_INTERPRETER_H_
