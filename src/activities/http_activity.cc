#include "activities/http_activity.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "activities/activity_text.h"
#include "activities/http_request.h"
#include "activities/http_transfer.h"
#include "activities/oauth2_token.h"
#include "common/json_limits.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

durable::WorkflowError Failure(const std::string& kind, std::string title, std::string detail,
                               const json& input) {
  return durable::StandardError(kind, std::move(title), std::move(detail), ActivityTaskPath(input));
}

// The response body as the `content` output describes it (see http_activity.h).
json DecodeContent(const std::string& body) {
  if (body.empty()) return nullptr;
  // Also JSON sent with a text content type. JSON nested deeper than kMaxJsonDepth stays text.
  if (absl::StatusOr<json> parsed = ParseJsonBounded(body, "the body"); parsed.ok()) {
    return *std::move(parsed);
  }
  if (IsValidUtf8(body)) return body;
  return absl::Base64Escape(body);
}

// The transfer's request: the DSL request's headers, then its authorization.
activities::HttpTransferRequest TransferRequest(const HttpRequest& request, size_t max_bytes,
                                                absl::Duration timeout) {
  activities::HttpTransferRequest transfer{.method = request.method,
                                           .url = request.url,
                                           .headers = request.headers,
                                           .body = request.body,
                                           .max_response_bytes = max_bytes,
                                           .timeout = timeout,
                                           .user_agent = "stigmer-workflow-runner"};
  if (!request.authorization.empty()) {
    transfer.headers.emplace_back("Authorization", request.authorization);
  }
  return transfer;
}

json TaskOutput(const HttpRequest& request, const activities::HttpTransferResponse& response) {
  switch (request.output) {
    case HttpRequest::Output::kRaw:
      return absl::Base64Escape(response.body);
    case HttpRequest::Output::kContent:
      return DecodeContent(response.body);
    case HttpRequest::Output::kResponse:
      break;
  }
  json sent = json::object();
  for (const auto& [name, value] : request.headers) sent[name] = ToValidUtf8(value);
  json received = json::object();
  for (const auto& [name, value] : response.headers) {
    json& slot = received[ToValidUtf8(name)];
    const std::string text = ToValidUtf8(value);
    slot = slot.is_string() ? absl::StrCat(slot.get<std::string>(), ", ", text) : text;
  }
  return {{"request",
           {{"method", request.method},
            {"uri", ToValidUtf8(response.url)},
            {"headers", std::move(sent)}}},
          {"statusCode", response.status},
          {"headers", std::move(received)},
          {"content", DecodeContent(response.body)}};
}

// RunHttpActivity; `token` receives the OAuth access token the call was sent with, if any.
ActivityResult RunHttpCall(const json& input, const ActivityLimits& limits,
                           ActivityControl& control, std::string& token) {
  static const json kEmpty = json::object();
  auto found = input.find("with");
  json with = found != input.end() ? *found : kEmpty;
  const absl::Duration timeout = ActivityTimeout(input, limits.http_timeout);
  if (with.is_object() && with.contains("endpoint") && with["endpoint"].is_object() &&
      with["endpoint"].contains("authentication")) {
    if (auto failure =
            UseOAuthToken(with["endpoint"]["authentication"], input, timeout, control, token)) {
      return *std::move(failure);
    }
  }
  auto task_input = input.find("input");
  auto built = BuildHttpRequest(with, task_input != input.end() ? *task_input : kEmpty);
  if (auto* error = std::get_if<durable::WorkflowError>(&built)) {
    error->instance = ActivityTaskPath(input);
    return ActivityResult::Failure(std::move(*error));
  }
  const HttpRequest& request = std::get<HttpRequest>(built);
  const std::string what = absl::StrCat(request.method, " ", request.url);

  absl::StatusOr<activities::HttpTransferResponse> response =
      activities::PerformHttpTransfer(TransferRequest(request, limits.max_output_bytes, timeout),
                                      [&control] { return control.KeepGoing(); });
  if (absl::IsCancelled(response.status())) return ActivityResult::Cancelled();
  if (absl::IsResourceExhausted(response.status())) {
    return ActivityResult::Failure(
        Failure("runtime", "Response too large",
                absl::StrCat("the response body of ", what, " exceeds ", limits.max_output_bytes,
                             " bytes (the limit is set by STIGMER_MAX_OUTPUT_BYTES)"),
                input));
  }
  if (absl::IsDeadlineExceeded(response.status())) {
    return ActivityResult::Failure(
        Failure("timeout", "HTTP call timed out",
                absl::StrCat(what, ": no complete response within ", absl::FormatDuration(timeout),
                             timeout == limits.http_timeout ? " (the limit is set by "
                                                              "STIGMER_HTTP_TIMEOUT_S)"
                                                            : " (the task's timeout)"),
                input));
  }
  if (absl::IsInternal(response.status())) {
    return ActivityResult::Failure(Failure("runtime", "HTTP client unavailable",
                                           std::string(response.status().message()), input));
  }
  if (!response.ok()) {
    return ActivityResult::Failure(
        Failure("communication", "HTTP call failed",
                ToValidUtf8(absl::StrCat(what, ": ", response.status().message())), input));
  }
  const long status = response->status;
  const long highest = request.redirect ? 399 : 299;
  if (status < 200 || status > highest) {
    std::string title = ToValidUtf8(absl::StrCat(what, " returned ", status));
    std::string detail =
        response->body.empty() ? title : absl::StrCat(title, ": ", Excerpt(response->body));
    durable::WorkflowError error =
        Failure("communication", std::move(title), std::move(detail), input);
    error.status = static_cast<int>(status);
    return ActivityResult::Failure(std::move(error));
  }
  return ActivityResult::Success(TaskOutput(request, *response));
}

}  // namespace

ActivityResult RunHttpActivity(const json& input, const ActivityLimits& limits,
                               ActivityControl& control) {
  std::string token;
  ActivityResult result = RunHttpCall(input, limits, control, token);
  return WithoutToken(std::move(result), token);
}

}  // namespace stigmer::activities
