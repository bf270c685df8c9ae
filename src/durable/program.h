#ifndef STIGMER_DURABLE_PROGRAM_H_
#define STIGMER_DURABLE_PROGRAM_H_

// What the durable-execution core runs: a program (the DSL interpreter, the agent loop) that is
// re-run from the start on every workflow task against the run's history, asking its
// WorkflowContext for every side effect.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/secret_redactor.h"
#include "durable/replay_history.h"
#include "durable/workflow_context.h"
#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"

namespace stigmer::durable {

// How far one replay of a run got.
struct ProgramResult {
  // kContinueAsNew: the run ends and a new run of the same workflow id starts afresh with
  // `next_input` (a program that loops for ever, one round per run).
  enum class State { kCompleted, kFailed, kSuspended, kContinueAsNew };
  State state = State::kSuspended;
  nlohmann::json output;                   // kCompleted: the run's result
  WorkflowError error;                     // kFailed: the uncaught error
  std::vector<nlohmann::json> next_input;  // kContinueAsNew: the next run's input payloads
};

// One run's program, loaded from its start event for one workflow task. Used by one thread.
class ProgramRun {
 public:
  virtual ~ProgramRun() = default;

  // Runs from the start against `context` until the run completes, fails or waits on a step
  // history does not hold yet. A non-OK status comes from the context (non-determinism,
  // FailedPrecondition; a broken history) and is passed up unchanged.
  virtual absl::StatusOr<ProgramResult> Run(WorkflowContext& context) = 0;

  // The run's secret values: redacted from every failure and log line about the run.
  virtual const SecretRedactor& redactor() const = 0;

  // A failure of the worker rather than of the run, found while running (e.g. an expression
  // sandbox that died): the workflow task fails and Temporal hands it out again.
  virtual absl::Status WorkerFailure() { return absl::OkStatus(); }
};

// A kind of workflow: the type Temporal names it by and how its runs are loaded. Thread-safe:
// the worker's poller threads load runs at once.
class Program {
 public:
  virtual ~Program() = default;

  // The Temporal workflow type whose runs this program runs ("ServerlessWorkflow", ...).
  virtual const std::string& workflow_type() const = 0;

  // The run `history` starts (its input is history.started().input(), already decrypted).
  // InvalidArgument naming what is wrong with the input: the run fails with a configuration
  // error "Invalid workflow input".
  virtual absl::StatusOr<std::unique_ptr<ProgramRun>> Load(const ReplayHistory& history,
                                                           const std::string& workflow_id) = 0;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_PROGRAM_H_
