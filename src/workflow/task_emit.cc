// `emit` (dsl_events.h): the event goes to stigmer-server's event bus through the "emit"
// activity (activities/emit_activity.h), so that a replay or a retry never publishes it twice.

#include <utility>

#include "workflow/task_runner.h"

namespace stigmer::workflow {

absl::StatusOr<TaskOutcome> TaskRunner::RunEmit(const nlohmann::ordered_json& task,
                                                const std::string& path,
                                                const nlohmann::json& input,
                                                const ExpressionVariables& variables) {
  const nlohmann::ordered_json& emit = task["emit"];
  absl::StatusOr<nlohmann::json> with = evaluator_.EvaluateValue(
      emit["event"].value("with", nlohmann::ordered_json::object()), input, variables);
  if (!with.ok()) return ExpressionFailure(with.status(), path);
  absl::StatusOr<durable::ActivityOutcome> outcome =
      context_.CallActivity(path, "emit", {{"task", path}, {"event", *std::move(with)}});
  if (!outcome.ok()) return outcome.status();
  switch (outcome->state) {
    case durable::ActivityOutcome::State::kPending:
      return TaskOutcome::Suspended();
    case durable::ActivityOutcome::State::kFailed:
      if (outcome->error.instance.empty()) outcome->error.instance = path;
      return TaskOutcome::Raised(std::move(outcome->error));
    case durable::ActivityOutcome::State::kCompleted:
      break;
  }
  return TaskOutcome::Completed(input);  // emitting leaves the data as it was
}

}  // namespace stigmer::workflow
