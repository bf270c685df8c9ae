#include "durable/continue_as_new.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "temporal/payloads.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;

// Every step history holds, as the next run carries it.
nlohmann::json CarriedSteps(const ReplayHistory& history) {
  nlohmann::json times = nlohmann::json::array();
  for (absl::Time time : history.task_times()) times.push_back(absl::ToUnixMillis(time));
  nlohmann::json steps = nlohmann::json::array();
  for (RecordedStep::Kind kind : {RecordedStep::Kind::kActivity, RecordedStep::Kind::kChild}) {
    for (const auto& [id, step] : history.steps(kind)) {
      nlohmann::json entry = {{"kind", kind == RecordedStep::Kind::kChild ? "child" : "activity"},
                              {"id", id},
                              {"at", step.observed_at},
                              {"type", step.activity_type}};
      if (step.state == RecordedStep::State::kFailed) {
        entry["error"] = step.error.ToJson();
      } else {
        entry["output"] = step.output;
      }
      steps.push_back(std::move(entry));
    }
  }
  for (const auto& [id, step] : history.steps(RecordedStep::Kind::kTimer)) {
    steps.push_back({{"kind", "timer"}, {"id", id}, {"at", step.observed_at}});
  }
  for (const auto& [id, step] : history.steps(RecordedStep::Kind::kMarker)) {
    steps.push_back({{"kind", "marker"},
                     {"id", id},
                     {"at", step.observed_at},
                     {"name", step.marker_name},
                     {"position", step.position}});
  }
  // Every signal, consumed or not: the next run replays the waits that consumed them and may
  // still wait for the others.
  int n = 0;
  for (const RecordedSignal& signal : history.signals()) {
    steps.push_back({{"kind", "signal"},
                     {"id", absl::StrCat("signal#", ++n)},
                     {"at", signal.observed_at},
                     {"name", signal.name},
                     {"input", signal.input},
                     {"position", signal.position}});
  }
  return {{"times_ms", std::move(times)}, {"steps", std::move(steps)}};
}

}  // namespace

std::optional<Command> ContinueAsNew(const ReplayHistory& history, const ReplayContext& context,
                                     const std::string& task_queue, size_t max_carried_bytes) {
  if (context.waits_on_recorded_step()) return std::nullopt;
  temporal::Payload carried = temporal::JsonPayload(CarriedSteps(history));
  if (carried.data().size() > max_carried_bytes) return std::nullopt;

  Command command = ContinueAsNewWith(history, task_queue, {});
  auto* next = command.mutable_continue_as_new_workflow_execution_command_attributes();
  const auto& input = history.started().input();
  for (int i = 0; i < input.payloads_size() && i < kCarriedStepsPayload; ++i) {
    *next->mutable_input()->add_payloads() = input.payloads(i);
  }
  *next->mutable_input()->add_payloads() = std::move(carried);
  return command;
}

Command ContinueAsNewWith(const ReplayHistory& history, const std::string& task_queue,
                          const std::vector<nlohmann::json>& input) {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
  auto* next = command.mutable_continue_as_new_workflow_execution_command_attributes();
  next->mutable_workflow_type()->set_name(history.started().workflow_type().name());
  next->mutable_task_queue()->set_name(task_queue);
  next->mutable_task_queue()->set_kind(tapi::enums::v1::TASK_QUEUE_KIND_NORMAL);
  if (!input.empty()) *next->mutable_input() = temporal::JsonPayloads(input);
  if (history.started().has_workflow_task_timeout()) {
    *next->mutable_workflow_task_timeout() = history.started().workflow_task_timeout();
  }
  return command;
}

}  // namespace stigmer::durable
