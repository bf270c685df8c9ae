// The child workflows a task starts (`call: agent`, `run: workflow`): one way to start one and
// read how it ended. The worker signs every child start (durable/workflow_task_processor.h).

#include <utility>

#include "workflow/task_runner.h"

namespace stigmer::workflow {

absl::StatusOr<TaskOutcome> TaskRunner::RunChild(const durable::ChildWorkflow& child,
                                                 const std::string& path) {
  absl::StatusOr<durable::ActivityOutcome> outcome = context_.CallChildWorkflow(path, child);
  if (!outcome.ok()) return outcome.status();
  switch (outcome->state) {
    case durable::ActivityOutcome::State::kPending:
      return TaskOutcome::Suspended();
    case durable::ActivityOutcome::State::kFailed:
      if (outcome->error.instance.empty() || outcome->error.instance == "/") {
        outcome->error.instance = path;
      }
      return TaskOutcome::Raised(std::move(outcome->error));
    case durable::ActivityOutcome::State::kCompleted:
      break;
  }
  return TaskOutcome::Completed(std::move(outcome->output));
}

}  // namespace stigmer::workflow
