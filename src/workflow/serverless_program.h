#ifndef STIGMER_WORKFLOW_SERVERLESS_PROGRAM_H_
#define STIGMER_WORKFLOW_SERVERLESS_PROGRAM_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "durable/program.h"
#include "durable/workflow_task_processor.h"
#include "workflow/document_cache.h"
#include "workflow/expression_sandbox.h"
#include "workflow/interpreter.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {

struct ServerlessProgramOptions {
  InterpreterOptions interpreter;
  // Where expressions run. Null: in this process, unbounded (tests of the interpreter), with
  // interpreter.evaluator or, when it is null, an evaluator of the calling thread's. Otherwise
  // in sandboxes it starts (sandbox_launcher.h), each evaluation bounded by expression_limits
  // and all of one workflow task's by expression_task_budget (Temporal times a workflow task
  // out after 10 s).
  std::shared_ptr<SandboxLauncher> sandbox_launcher;
  ExpressionLimits expression_limits;
  absl::Duration expression_task_budget = absl::Seconds(5);
};

// workflow-runner's settings for its workflow tasks: the core's and the interpreter's.
struct ServerlessWorkflowOptions : durable::WorkflowTaskOptions, ServerlessProgramOptions {};

// The DSL interpreter as a durable program: runs of type "ServerlessWorkflow", whose input is
// the three payloads stigmer-server starts them with: the document as JSON, the workflow input,
// and {"environment": {...}, "secrets": {...}} (secrets become $secrets; environment values
// $runtime.metadata.environment). Each run gets an expression evaluator of its own for the
// workflow task (one per concurrent task, kept across tasks: compiled expressions are reused);
// a sandbox that fails during the task is a worker failure.
class ServerlessProgram final : public durable::Program {
 public:
  explicit ServerlessProgram(ServerlessProgramOptions options = {});

  const std::string& workflow_type() const override { return type_; }
  absl::StatusOr<std::unique_ptr<durable::ProgramRun>> Load(
      const durable::ReplayHistory& history, const std::string& workflow_id) override;

  // An evaluator (and its sandbox) for one workflow task at a time.
  struct Evaluator {
    std::unique_ptr<ExpressionEvaluator> evaluator;
    ExpressionSandbox* sandbox = nullptr;  // owned by `evaluator`; null: in-process
  };
  void ReturnEvaluator(Evaluator evaluator);

 private:
  Evaluator TakeEvaluator();

  const std::string type_;
  const ServerlessProgramOptions options_;
  DocumentCache documents_;
  absl::Mutex evaluators_mutex_;
  std::vector<Evaluator> idle_evaluators_ ABSL_GUARDED_BY(evaluators_mutex_);
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_SERVERLESS_PROGRAM_H_
