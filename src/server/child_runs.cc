#include "server/child_runs.h"

#include <utility>

#include "common/proto_time.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {
namespace {

std::string StringMember(const nlohmann::json& object, const char* key) {
  auto member = object.find(key);
  return member != object.end() && member->is_string() ? member->get<std::string>() : "";
}

}  // namespace

std::vector<ChildRun> ChildRunScanner::OnEvents(
    const std::vector<::temporal::api::history::v1::HistoryEvent>& events) {
  std::vector<ChildRun> started;
  for (const auto& event : events) {
    if (event.has_start_child_workflow_execution_initiated_event_attributes()) {
      const auto& attributes = event.start_child_workflow_execution_initiated_event_attributes();
      if (attributes.workflow_type().name() != temporal::kServerlessWorkflowType) continue;
      absl::StatusOr<nlohmann::json> document =
          temporal::DecodeJsonPayloadAt(attributes.input(), 0);
      if (!document.ok() || !document->is_object()) continue;
      const nlohmann::json section = (*document)["document"];
      ChildRun run;
      run.workflow_id = attributes.workflow_id();
      run.name = StringMember(section, "name");
      run.document_version = StringMember(section, "version");
      absl::StatusOr<nlohmann::json> input = temporal::DecodeJsonPayloadAt(attributes.input(), 1);
      run.input = input.ok() ? *std::move(input) : nlohmann::json::object();
      initiated_[event.event_id()] = std::move(run);
    } else if (event.has_child_workflow_execution_started_event_attributes()) {
      const auto& attributes = event.child_workflow_execution_started_event_attributes();
      auto it = initiated_.find(attributes.initiated_event_id());
      if (it == initiated_.end()) continue;
      ChildRun run = std::move(it->second);
      initiated_.erase(it);
      run.run_id = attributes.workflow_execution().run_id();
      run.started = FromProtoTimeMillis(event.event_time());
      started.push_back(std::move(run));
    } else if (event.has_start_child_workflow_execution_failed_event_attributes()) {
      initiated_.erase(
          event.start_child_workflow_execution_failed_event_attributes().initiated_event_id());
    }
  }
  return started;
}

}  // namespace stigmer::server
