#include "durable/command_limits.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/byte_size.h"
#include "durable/replay_history.h"
#include "temporal/payloads.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;

// The task path recorded in the first payload of `payloads` ({"path": ...}), or "".
std::string PathIn(const temporal::Payloads& payloads) {
  absl::StatusOr<nlohmann::json> first = temporal::DecodeJsonPayloadAt(payloads, 0);
  if (!first.ok() || !first->is_object()) return "";
  auto path = first->find("path");
  return path != first->end() && path->is_string() ? path->get<std::string>() : "";
}

// What a command's payloads are, for messages, and the payloads themselves.
struct Carried {
  std::string what;
  const temporal::Payloads* payloads = nullptr;
};

Carried PayloadsOf(const Command& command) {
  switch (command.command_type()) {
    case tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER: {
      const auto& details = command.record_marker_command_attributes().details();
      auto task = details.find(kTaskMarkerDetailsKey);
      if (task == details.end()) return {};
      return {absl::StrCat("the output of task ", PathIn(task->second)), &task->second};
    }
    case tapi::enums::v1::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      const auto& input = command.schedule_activity_task_command_attributes().input();
      return {absl::StrCat("the input of task ", PathIn(input)), &input};
    }
    case tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return {"the workflow's output",
              &command.complete_workflow_execution_command_attributes().result()};
    case tapi::enums::v1::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return {"the input of the continued run",
              &command.continue_as_new_workflow_execution_command_attributes().input()};
    default:
      return {};
  }
}

}  // namespace

absl::Status CheckCommandSizes(const std::vector<Command>& commands, const PayloadLimits& limits) {
  for (const Command& command : commands) {
    const Carried carried = PayloadsOf(command);
    if (carried.payloads == nullptr) continue;
    for (const temporal::Payload& payload : carried.payloads->payloads()) {
      // Temporal receives the value encrypted, a little larger.
      if (payload.data().size() + kEncryptedPayloadOverheadBytes <= limits.max_payload_bytes) {
        continue;
      }
      return absl::ResourceExhaustedError(absl::StrCat(
          carried.what, " is ", HumanBytes(payload.data().size()), "; one value may hold at most ",
          HumanBytes(limits.max_payload_bytes), " (STIGMER_MAX_PAYLOAD_BYTES)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace stigmer::durable
