#include "activities/emit_activity.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/bearer_token_channel.h"
#include "common/cloud_event.h"
#include "config/api_token.h"
#include "stigmer/v1/event.grpc.pb.h"

namespace stigmer::activities {
namespace {

constexpr absl::Duration kPublishDeadline = absl::Seconds(30);

ActivityResult Unreachable(const std::string& detail, const std::string& path) {
  return ActivityResult::Failure(
      durable::StandardError("communication", "Event not published", detail, path));
}

}  // namespace

ActivityResult RunEmitActivity(const ActivityInfo& info, const nlohmann::json& request,
                               const EventBusEndpoint& endpoint) {
  const std::string path = request.value("task", "");
  nlohmann::json event = request.value("event", nlohmann::json::object());
  if (!event.is_object()) {
    return ActivityResult::Failure(durable::StandardError(
        "validation", "Invalid event", "emit.event.with must give an object", path));
  }
  event["specversion"] = "1.0";
  if (!event.contains("id")) event["id"] = absl::StrCat(info.workflow_id, info.activity_id);
  if (!event.contains("time")) {
    event["time"] = absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone());
  }
  if (event.contains("data") && !event.contains("datacontenttype")) {
    event["datacontenttype"] = "application/json";
  }
  if (absl::Status valid = ValidateCloudEvent(event); !valid.ok()) {
    return ActivityResult::Failure(
        durable::StandardError("validation", "Invalid event", std::string(valid.message()), path));
  }
  if (endpoint.address.empty()) {
    return Unreachable(
        "no stigmer-server to publish to: STIGMER_BACKEND_ENDPOINT is not set for workflow-runner",
        path);
  }
  absl::StatusOr<std::string> token = config::ReadApiToken(endpoint.token_file);
  if (!token.ok()) return Unreachable(std::string(token.status().message()), path);
  auto stub =
      stigmer::v1::EventService::NewStub(CreateBearerTokenChannel(endpoint.address, *token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPublishDeadline));
  stigmer::v1::PublishEventRequest publish;
  publish.set_event_json(event.dump());
  stigmer::v1::PublishEventResponse response;
  const grpc::Status status = stub->Publish(&context, publish, &response);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ActivityResult::Failure(
        durable::StandardError("validation", "Invalid event", status.error_message(), path));
  }
  if (!status.ok()) {
    return Unreachable(absl::StrCat("stigmer-server at ", endpoint.address,
                                    " did not take the event: ", status.error_message()),
                       path);
  }
  return ActivityResult::Success(
      {{"event", std::move(event)}, {"duplicate", response.duplicate()}});
}

}  // namespace stigmer::activities
