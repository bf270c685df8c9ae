#include "workflow/serverless_program.h"

#include <optional>
#include <utility>

#include "absl/time/clock.h"
#include "activities/local_resource.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "workflow/schedule_after_run.h"

namespace stigmer::workflow {
namespace {

struct RunInput {
  std::shared_ptr<const WorkflowDocument> document;
  nlohmann::json input;
  RuntimeValues runtime;
};

absl::StatusOr<RunInput> ReadRunInput(const durable::ReplayHistory& history,
                                      const std::string& workflow_id, DocumentCache& documents) {
  const temporal::Payloads& payloads = history.started().input();
  if (payloads.payloads_size() == 0) {
    return absl::InvalidArgumentError(
        "the first input payload must be the workflow document as a JSON object");
  }
  // The document's JSON text is the cache key: it is parsed only on a miss.
  absl::StatusOr<std::shared_ptr<const WorkflowDocument>> document =
      documents.Get(payloads.payloads(0).data());
  if (!document.ok()) return document.status();
  absl::StatusOr<nlohmann::json> input = temporal::DecodeJsonPayloadAt(payloads, 1);
  if (!input.ok()) return input.status();
  absl::StatusOr<nlohmann::json> values = temporal::DecodeJsonPayloadAt(payloads, 2);
  if (!values.ok()) return values.status();

  RunInput run;
  run.document = *std::move(document);
  run.input = input->is_null() ? nlohmann::json::object() : *std::move(input);
  run.runtime.workflow_id = workflow_id;
  if (values->is_object()) {
    if (auto secrets = values->find("secrets"); secrets != values->end() && secrets->is_object()) {
      run.runtime.secrets = *secrets;
    }
    if (auto environment = values->find("environment");
        environment != values->end() && environment->is_object()) {
      run.runtime.runtime["metadata"] = {{"environment", *environment}};
      run.runtime.environment = *environment;
    }
    if (auto agents = values->find("agents"); agents != values->end() && agents->is_object()) {
      run.runtime.agents = *agents;
    }
    if (auto queue = values->find("agent_task_queue");
        queue != values->end() && queue->is_string() && !queue->get<std::string>().empty()) {
      run.runtime.agent_task_queue = queue->get<std::string>();
    }
    if (auto workflows = values->find("workflows");
        workflows != values->end() && workflows->is_object()) {
      run.runtime.workflows = *workflows;
    }
    if (auto queue = values->find("workflow_task_queue");
        queue != values->end() && queue->is_string() && !queue->get<std::string>().empty()) {
      run.runtime.workflow_task_queue = queue->get<std::string>();
    }
    run.runtime.source_dir = activities::SourceDirOf(*values);
  }
  return run;
}

class ServerlessRun final : public durable::ProgramRun {
 public:
  ServerlessRun(RunInput input, ServerlessProgram& program, ServerlessProgram::Evaluator evaluator,
                InterpreterOptions interpreter)
      : input_(std::move(input)),
        redactor_(SecretRedactor::FromSecretsObject(input_.runtime.secrets)),
        program_(program),
        evaluator_(std::move(evaluator)),
        interpreter_(interpreter) {
    if (evaluator_.evaluator != nullptr) interpreter_.evaluator = evaluator_.evaluator.get();
  }
  ~ServerlessRun() override {
    if (evaluator_.evaluator != nullptr) program_.ReturnEvaluator(std::move(evaluator_));
  }

  absl::StatusOr<durable::ProgramResult> Run(durable::WorkflowContext& context) override {
    // One evaluator per worker thread keeps compiled expressions across workflow tasks.
    thread_local ExpressionEvaluator in_process;
    InterpreterOptions interpreter = interpreter_;
    if (interpreter.evaluator == nullptr) interpreter.evaluator = &in_process;
    absl::StatusOr<RunResult> result =
        Interpret(*input_.document, input_.input, input_.runtime, context, interpreter);
    if (!result.ok()) return result.status();
    durable::ProgramResult outcome;
    outcome.output = std::move(result->output);
    outcome.error = std::move(result->error);
    switch (result->state) {
      case RunResult::State::kCompleted:
        outcome.state = durable::ProgramResult::State::kCompleted;
        break;
      case RunResult::State::kFailed:
        outcome.state = durable::ProgramResult::State::kFailed;
        break;
      case RunResult::State::kSuspended:
        outcome.state = durable::ProgramResult::State::kSuspended;
        break;
    }
    return outcome;
  }

  const SecretRedactor& redactor() const override { return redactor_; }

  absl::Status WorkerFailure() override {
    if (evaluator_.sandbox == nullptr) return absl::OkStatus();
    std::optional<absl::Status> failure = evaluator_.sandbox->TakeFailure();
    return failure ? *failure : absl::OkStatus();
  }

 private:
  const RunInput input_;
  const SecretRedactor redactor_;
  ServerlessProgram& program_;
  ServerlessProgram::Evaluator evaluator_;
  InterpreterOptions interpreter_;
};

}  // namespace

ServerlessProgram::ServerlessProgram(ServerlessProgramOptions options)
    : type_(temporal::kServerlessWorkflowType), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<durable::ProgramRun>> ServerlessProgram::Load(
    const durable::ReplayHistory& history, const std::string& workflow_id) {
  // A `schedule.after` driver starts the workflow's runs rather than interpreting it.
  absl::StatusOr<std::unique_ptr<durable::ProgramRun>> driver = LoadScheduleAfterRun(history);
  if (!driver.ok() || *driver != nullptr) return driver;
  absl::StatusOr<RunInput> input = ReadRunInput(history, workflow_id, documents_);
  if (!input.ok()) return input.status();
  // Without sandboxes the evaluator is the caller's (or this thread's in-process one).
  Evaluator evaluator = options_.sandbox_launcher != nullptr ? TakeEvaluator() : Evaluator{};
  if (evaluator.sandbox != nullptr) {
    evaluator.sandbox->set_task_deadline(absl::Now() + options_.expression_task_budget,
                                         options_.expression_task_budget);
  }
  return std::make_unique<ServerlessRun>(*std::move(input), *this, std::move(evaluator),
                                         options_.interpreter);
}

ServerlessProgram::Evaluator ServerlessProgram::TakeEvaluator() {
  {
    absl::MutexLock lock(&evaluators_mutex_);
    if (!idle_evaluators_.empty()) {
      Evaluator evaluator = std::move(idle_evaluators_.back());
      idle_evaluators_.pop_back();
      return evaluator;
    }
  }
  auto sandbox =
      std::make_unique<ExpressionSandbox>(options_.sandbox_launcher, options_.expression_limits);
  Evaluator made;
  made.sandbox = sandbox.get();
  made.evaluator = std::make_unique<ExpressionEvaluator>(std::move(sandbox));
  return made;
}

void ServerlessProgram::ReturnEvaluator(Evaluator evaluator) {
  absl::MutexLock lock(&evaluators_mutex_);
  idle_evaluators_.push_back(std::move(evaluator));
}

}  // namespace stigmer::workflow
