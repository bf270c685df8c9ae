#ifndef STIGMER_WORKFLOW_INTERPRETER_H_
#define STIGMER_WORKFLOW_INTERPRETER_H_

#include <string>

#include "absl/status/statusor.h"
#include "durable/workflow_context.h"
#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"
#include "workflow/expression_evaluator.h"
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
  // `call: agent` (dsl_agent_call.h): the agents the workflow calls, resolved at start, the
  // queue their runs go to, and the environment given at start (passed on to them).
  nlohmann::json agents = nlohmann::json::object();
  std::string agent_task_queue = "stigmer-agents";
  nlohmann::json environment = nlohmann::json::object();
  // `run: workflow` (dsl_run_workflow.h): the workflows the run starts, resolved at start, and
  // the queue their runs go to.
  nlohmann::json workflows = nlohmann::json::object();
  std::string workflow_task_queue = "stigmer-workflows";
  // The folder of the file the workflow was applied from, when it names files by relative paths
  // (activities/local_resource.h); "" otherwise.
  std::string source_dir;
};

struct InterpreterOptions {
  // The most iterations one `for` may run, and the most backward jumps (`then: <earlier
  // task>`) one task list may take in a run; beyond, a runtime error naming the task.
  int max_iterations = 10000;
  // Compiled expressions kept across runs (libjq takes milliseconds per compile); null: the run
  // compiles into an evaluator of its own. Not thread-safe: one run at a time may use it.
  ExpressionEvaluator* evaluator = nullptr;
};

struct RunResult {
  enum class State { kCompleted, kFailed, kSuspended };
  State state = State::kSuspended;
  // kCompleted: the workflow's transformed output.
  nlohmann::json output;
  // kFailed: the uncaught error; its instance is the path of the task that raised it.
  durable::WorkflowError error;
};

// Runs `document` from the start on `input` with `context` for everything that is not pure,
// until it completes, fails with an uncaught DSL error, or waits on a side effect that history
// does not hold yet (kSuspended; run it again from the start once the result is recorded).
// Deterministic: the same document, input, runtime values and context results give the same
// context calls in the same order and the same result.
//
// Supported: `set`, `do`, `switch`, `for` (each/in/at/while), `try`/`catch` (errors.with, as,
// when, exceptWhen, retry, do), `raise` (inline or `use.errors` reference), `wait`
// (context.Sleep), `fork` (branches, compete), `call: http` and `run: shell`
// (context.CallActivity), flow directives, `if`, `input.from`, `output.as`, `export.as` and the
// workflow's `input.from` and `output.as`. Other task types raise a configuration error naming
// the type. `timeout` on `call: http` and `run: shell` tasks is passed to the side effect as
// "timeout_ms" (the worker bounds the activity with it); the workflow's `timeout` is the
// execution timeout stigmer-server starts it with. Not enforced: `timeout` on other tasks,
// schemas, `limit.attempt.duration` of a retry policy.
//
// Data flow, as dsl.md's "Data Flow" and dsl-reference.md's Task properties say: `if` is
// evaluated first, on the raw input, bound to `.` and $input (dsl-reference.md's Task table and
// dsl.md's data flow diagram put it before every other expression of the task; dsl.md's older
// table of runtime expression arguments lists the transformed input); a task's `input.from` is
// evaluated on its raw input, the task's own expressions on the transformed input ($input),
// `output.as` on the raw output, `export.as` on the transformed output ($output) and its result
// replaces $context. A skipped task (`if` false) passes its raw input on and records no marker.
// Outputs: `set` its evaluated value; `do`, `for`, `try` their last task's output (a `for` over
// nothing: its input); `switch` and `wait` their input; a caught error without `catch.do`: the
// try task's input; `fork` the array of its branches' outputs in declaration order, or, with
// `compete`, the winning branch's output (dsl-reference.md, Fork). After each task that ran,
// context.TaskEnded(path, name, ...) records how it ended: completed with its transformed
// output, failed with the error it raised, or, once the execution was asked to stop, cancelled
// while in progress; with the number of task markers recorded inside it.
//
// try/catch: an error raised by the try block is caught when it matches `catch.errors.with`
// and `catch.when` holds and `catch.exceptWhen` does not (the error bound as $<as>, default
// $error). A caught error is retried when `catch.retry` (inline, or the name of a `use.retries`
// policy) allows it: the try block runs again from its start on the same input, after the delay,
// waited with context.Sleep("<try path>/catch/retry", delay) (none for a zero delay); every
// attempt calls the same task paths (the context numbers the occurrences). The policy allows a
// retry when its `when` holds and its `exceptWhen` does not (the error bound as $<as> and as
// $error), while fewer than `limit.attempt.count` retries were made (the first attempt is not
// counted: dsl.md's Retries example, described as five retries, sets count 5, and the schema
// describes count as a number of retry attempts), and while the retry would start no later than
// `limit.duration`
// after the try started (workflow time, context.Now()). The delay before retry n (1 for the
// first) is `delay` (default none) for a constant backoff or none, `delay * n` for a linear one,
// `delay * 2^(n-1)` for an exponential one (the spec defines no formula; a computed delay is cut
// to 365 days), plus, with `jitter`, a duration in [from, to] at millisecond grain drawn from
// context.Random(). When no retry is allowed (retries exhausted, or the policy's conditions say
// no) the error is handled as caught without retry: `catch.do` runs with it, or the try task
// outputs its input (dsl-reference.md's Try: retries come first, then the alternate tasks).
// More retries than InterpreterOptions::max_iterations are a runtime error. $context changes
// made by a failed attempt are kept.
//
// fork: every branch (the task `name` at "<fork path>/fork/branches/<i>/<name>") runs on every
// replay, one after the other, each from the clock and the $context the fork started with, so
// that all their pending side effects are asked for at once. A branch's `then` may be continue
// or exit (the branch is done) or end (it ends the workflow). Where each branch ended on the
// logical clock decides, ties going to the lowest index:
// - without `compete`: the first branch to raise (or end the workflow) decides; the fork
//   raises its error (or ends the workflow). Otherwise the fork is suspended while a branch is,
//   and completes once all have, at the clock of the last one;
// - with `compete`: the first branch to complete wins; the fork outputs its output. When none
//   completed, the fork is suspended while a branch is; when all raised, it raises the error
//   of the first to raise.
// The new commands of the branches other than the deciding one are dropped
// (context.DropCommands), and the clock is set to where the deciding branch ended. $context
// after the fork: the deciding branch's; when all completed, the one of the last branch (by
// end clock) that changed it (none changed it: the fork's starting $context).
//
// Side effects receive: "http" → {"task": path, "input": transformed input, "with": the
// evaluated `with`, its endpoint.authentication replaced first by the use.authentications
// policy it names}; "shell" → {"task": path, "input": ..., "shell": the evaluated `run.shell`,
// "return": `run.return` or "stdout", "await": `run.await` or true}. Their result is the task's
// raw output; a failed outcome is raised at the task (its instance set to the task's path when
// empty).
//
// An expression that fails raises an expression error (status 400) whose instance is the task
// and whose detail is "expression `...`: <jq's message>". A non-OK status is returned only when
// the context returned one (e.g. non-determinism): the run stops at once.
absl::StatusOr<RunResult> Interpret(const WorkflowDocument& document, const nlohmann::json& input,
                                    const RuntimeValues& runtime, durable::WorkflowContext& context,
                                    const InterpreterOptions& options = {});

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_INTERPRETER_H_
