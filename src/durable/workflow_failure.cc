#include "durable/workflow_failure.h"

#include <string>
#include <utility>

#include "temporal/payloads.h"

namespace stigmer::durable {

::temporal::api::failure::v1::Failure FailureFromError(const WorkflowError& error) {
  ::temporal::api::failure::v1::Failure failure;
  failure.set_message(error.title.empty() ? error.type : error.title);
  failure.set_source("stigmer-workflow-runner");
  auto* info = failure.mutable_application_failure_info();
  info->set_type(error.type);
  info->set_non_retryable(true);
  *info->mutable_details() = temporal::JsonPayloads({error.ToJson()});
  return failure;
}

WorkflowError ErrorFromFailure(const ::temporal::api::failure::v1::Failure& failure) {
  if (failure.has_timeout_failure_info()) {
    return StandardError("timeout", "Task timed out", failure.message(), "");
  }
  if (failure.has_canceled_failure_info()) {
    return StandardError("runtime", "Task cancelled", failure.message(), "");
  }
  if (failure.has_application_failure_info()) {
    absl::StatusOr<nlohmann::json> problem =
        temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
    if (problem.ok() && problem->is_object()) {
      absl::StatusOr<WorkflowError> error = ErrorFromJson(*problem);
      if (error.ok()) return *std::move(error);
    }
  }
  const std::string detail = failure.has_cause() ? failure.cause().message() : "";
  return StandardError("runtime", failure.message().empty() ? "Task failed" : failure.message(),
                       detail, "");
}

}  // namespace stigmer::durable
