#include "cli/emit_command.h"

#include "absl/strings/str_cat.h"
#include "cli/api_client.h"
#include "common/cloud_event.h"
#include "common/grpc_status.h"
#include "common/json_limits.h"
#include "common/ulid.h"

namespace stigmer::cli {

absl::StatusOr<nlohmann::json> BuildEmittedEvent(const EmitOptions& options, absl::Time now) {
  nlohmann::json event = {{"specversion", "1.0"},
                          {"id", options.id.empty() ? NewUlid(now) : options.id},
                          {"source", options.source},
                          {"type", options.type},
                          {"time", absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone())}};
  if (!options.subject.empty()) event["subject"] = options.subject;
  if (!options.data.empty()) {
    absl::StatusOr<nlohmann::json> data = ParseJsonBounded(options.data, "--data");
    if (!data.ok()) return data.status();
    event["datacontenttype"] = "application/json";
    event["data"] = *std::move(data);
  }
  if (absl::Status valid = ValidateCloudEvent(event); !valid.ok()) return valid;
  return event;
}

int EmitEvent(const config::Paths& paths, TerminalOutput& output, const EmitOptions& options) {
  absl::StatusOr<nlohmann::json> event = BuildEmittedEvent(options, absl::Now());
  if (!event.ok()) {
    output.Error(event.status().message());
    return 2;
  }
  absl::StatusOr<ApiClient> client = ConnectToServer(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  stigmer::v1::PublishEventRequest request;
  request.set_event_json(event->dump());
  stigmer::v1::PublishEventResponse response;
  grpc::ClientContext context;
  if (absl::Status sent =
          FromGrpcStatus(client->events().Publish(WithCallDeadline(&context), request, &response));
      !sent.ok()) {
    output.Error(sent.message());
    return absl::IsInvalidArgument(sent) ? 2 : 1;
  }
  if (response.duplicate()) {
    output.Info(absl::StrCat("event ", response.id(), " from ", response.source(),
                             " was already accepted; it is not delivered again"));
  } else {
    output.Success(absl::StrCat("event ", response.id(), " accepted"));
  }
  return 0;
}

}  // namespace stigmer::cli
