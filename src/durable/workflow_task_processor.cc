#include "durable/workflow_task_processor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/byte_size.h"
#include "durable/command_budget.h"
#include "durable/continue_as_new.h"
#include "durable/workflow_failure.h"
#include "temporal/payloads.h"
#include "temporal/start_signature.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;

Command CompleteCommand(const nlohmann::json& output) {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  *command.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
      temporal::JsonPayloads({output});
  return command;
}

Command FailCommand(const WorkflowError& error) {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
  *command.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
      FailureFromError(error);
  return command;
}

Command CancelCommand() {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
  command.mutable_cancel_workflow_execution_command_attributes();
  return command;
}

WorkflowTaskAnswer FailTask(tapi::enums::v1::WorkflowTaskFailedCause cause, std::string message) {
  WorkflowTaskAnswer answer;
  answer.completed = false;
  answer.cause = cause;
  answer.message = std::move(message);
  return answer;
}

WorkflowTaskAnswer FailRun(WorkflowError error) {
  WorkflowTaskAnswer answer;
  answer.commands.push_back(FailCommand(error));
  return answer;
}

// `answer`, or the run's failure when its commands are too large for Temporal (which would
// refuse the answer and hand the task out again forever).
WorkflowTaskAnswer WithinLimits(WorkflowTaskAnswer answer, const PayloadLimits& limits) {
  absl::Status fits = CheckCommandSizes(answer.commands, limits);
  if (fits.ok()) return answer;
  WorkflowError error =
      StandardError("runtime", "Value too large", std::string(fits.message()), "/");
  error.status = 413;
  return FailRun(std::move(error));
}

// The answer to a cancel request: the task markers of a replay in which every task still in
// progress ends cancelled (and those that ended since the last workflow task), a cancel request
// for every running activity (it learns at its next heartbeat), then the run's cancellation.
// A replay that cannot run (non-determinism…) only loses the markers.
WorkflowTaskAnswer CancelRun(const ReplayHistory& history, const std::string& workflow_id,
                             const WorkflowTaskOptions& options, Program& program) {
  WorkflowTaskAnswer answer;
  if (absl::StatusOr<std::unique_ptr<ProgramRun>> run = program.Load(history, workflow_id);
      run.ok()) {
    ReplayContext context(history, options.commands, workflow_id);
    absl::StatusOr<ProgramResult> result = (*run)->Run(context);
    if (result.ok()) {
      for (Command& command : context.TakeCommands()) {
        if (command.command_type() == tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER) {
          answer.commands.push_back(std::move(command));
        }
      }
    }
  }
  for (const auto& [id, step] : history.steps(RecordedStep::Kind::kActivity)) {
    if (step.state == RecordedStep::State::kPending && !step.cancel_requested) {
      answer.commands.push_back(RequestCancelActivityCommand(step.event_id));
    }
  }
  answer.commands.push_back(CancelCommand());
  const int64_t room = std::max<int64_t>(options.max_history_events - history.event_count(), 1);
  DropMarkersToFit(answer.commands, options.max_task_bytes, static_cast<size_t>(room));
  return answer;
}

// A run continued as new is signed as its first run was.
void SignContinuation(const std::string& key, const std::string& workflow_id, Command& command) {
  if (key.empty()) return;
  auto* attributes = command.mutable_continue_as_new_workflow_execution_command_attributes();
  temporal::AddStartSignature(key, workflow_id, attributes->workflow_type().name(),
                              attributes->input(), *attributes->mutable_header());
}

// Children are started signed, as the runs their parent was: their worker checks it.
void SignChildStarts(const std::string& key, std::vector<Command>& commands) {
  for (Command& command : commands) {
    if (!command.has_start_child_workflow_execution_command_attributes()) continue;
    auto* start = command.mutable_start_child_workflow_execution_command_attributes();
    temporal::AddStartSignature(key, start->workflow_id(), start->workflow_type().name(),
                                start->input(), *start->mutable_header());
  }
}

}  // namespace

WorkflowTaskAnswer ProcessWorkflowTask(const std::vector<HistoryEvent>& events,
                                       const std::string& workflow_id, int64_t started_event_id,
                                       const WorkflowTaskOptions& options, Program& program) {
  absl::StatusOr<ReplayHistory> history = ReplayHistory::Index(events, started_event_id);
  if (!history.ok()) {
    return FailTask(tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    std::string(history.status().message()));
  }
  // An input this worker cannot decrypt would otherwise look unsigned (the signature covers the
  // plain payloads): say what is wrong with it instead.
  if (absl::Status readable = temporal::CheckDecrypted(history->started().input());
      !readable.ok()) {
    return FailRun(StandardError("configuration", "Input cannot be decrypted",
                                 std::string(readable.message()), "/"));
  }
  if (!options.signing_key.empty()) {
    const auto& started = history->started();
    if (absl::Status signed_start = temporal::VerifyStartSignature(
            options.signing_key, workflow_id, started.workflow_type().name(), started.input(),
            started.header());
        !signed_start.ok()) {
      return FailRun(StandardError("authorization", "Execution not signed",
                                   std::string(signed_start.message()), "/"));
    }
  }
  if (history->cancel_requested()) return CancelRun(*history, workflow_id, options, program);
  if (history->event_count() >= options.max_history_events) {
    return FailRun(StandardError(
        "runtime", "History limit reached",
        absl::StrCat("the execution's history reached ", history->event_count(),
                     " events, the most allowed (", options.max_history_events,
                     "); a loop that never waits on a timer or an activity is the usual cause"),
        "/"));
  }
  absl::StatusOr<std::unique_ptr<ProgramRun>> run = program.Load(*history, workflow_id);
  if (!run.ok()) {
    return FailRun(StandardError("configuration", "Invalid workflow input",
                                 std::string(run.status().message()), "/"));
  }

  ReplayContext context(*history, options.commands, workflow_id);
  absl::StatusOr<ProgramResult> result = (*run)->Run(context);
  if (absl::Status worker = (*run)->WorkerFailure(); !worker.ok()) {
    return FailTask(tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    std::string(worker.message()));
  }
  // What this task says about the run, in a log line or a failure, never holds a secret.
  const SecretRedactor& redactor = (*run)->redactor();
  absl::Status reached = result.ok() ? context.CheckAllStepsReached() : result.status();
  if (!reached.ok()) {
    const auto cause =
        absl::IsFailedPrecondition(reached)
            ? tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
            : tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
    return FailTask(cause, redactor.Redact(reached.message()));
  }

  WorkflowTaskAnswer answer;
  if (result->state == ProgramResult::State::kSuspended &&
      history->event_count() >= options.continue_as_new_events) {
    if (std::optional<Command> next = ContinueAsNew(*history, context, options.commands.task_queue,
                                                    options.max_carried_bytes)) {
      SignContinuation(options.signing_key, workflow_id, *next);
      answer.commands.push_back(*std::move(next));
      return WithinLimits(std::move(answer), options.payload_limits);
    }
  }
  if (result->state == ProgramResult::State::kContinueAsNew) {
    Command next = ContinueAsNewWith(*history, options.commands.task_queue, result->next_input);
    SignContinuation(options.signing_key, workflow_id, next);
    answer.commands.push_back(std::move(next));
    return WithinLimits(std::move(answer), options.payload_limits);
  }
  answer.commands = context.TakeCommands();
  if (!options.signing_key.empty()) SignChildStarts(options.signing_key, answer.commands);
  answer.waiting_on = context.waiting_on();
  switch (result->state) {
    case ProgramResult::State::kCompleted:
      answer.commands.push_back(CompleteCommand(result->output));
      break;
    case ProgramResult::State::kFailed:
      answer.commands.push_back(FailCommand(RedactedError(result->error, redactor)));
      break;
    case ProgramResult::State::kSuspended:
    case ProgramResult::State::kContinueAsNew:  // answered above
      break;
  }
  if (result->state == ProgramResult::State::kSuspended) {
    if (const size_t bytes = CommandBytes(answer.commands); bytes > options.max_task_bytes) {
      return FailRun(StandardError(
          "runtime", "Workflow task too large",
          absl::StrCat("the tasks run without waiting on a timer or an activity recorded ",
                       HumanBytes(bytes), ", more than the ", HumanBytes(options.max_task_bytes),
                       " one workflow task may send to Temporal; a loop that never waits is "
                       "the usual cause"),
          "/"));
    }
  } else {
    // The run ends here: keep within what Temporal takes in one transaction, and within the
    // history limit, so that it ends with its own result or error.
    DropMarkersToFit(answer.commands, options.max_task_bytes,
                     static_cast<size_t>(options.max_history_events - history->event_count()));
  }
  return WithinLimits(std::move(answer), options.payload_limits);
}

}  // namespace stigmer::durable
