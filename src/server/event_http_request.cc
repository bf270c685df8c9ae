#include "server/event_http_request.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/cloud_event.h"

namespace stigmer::server {
namespace {

constexpr char kPublishMethod[] = "/stigmer.v1.EventService/Publish";

// The message may quote the request's bytes (a JSON parse error does): not always UTF-8.
HttpResponse Json(int status, std::string body) {
  return {status, {{"Content-Type", "application/json"}}, std::move(body)};
}

HttpResponse Error(int status, absl::string_view message) {
  return Json(status, nlohmann::json{{"error", message}}.dump(
                          -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::vector<absl::string_view> HeaderValues(const HttpRequest& request, absl::string_view name) {
  std::vector<absl::string_view> values;
  for (const auto& [key, value] : request.headers) {
    if (absl::EqualsIgnoreCase(key, name)) values.push_back(value);
  }
  return values;
}

}  // namespace

HttpResponse HandleEventHttpRequest(
    const ApiTokenGate& gate, const HttpRequest& request,
    const std::function<absl::StatusOr<EventBus::Accepted>(const nlohmann::json&)>& publish) {
  if (request.path != "/events" && request.path != "/") {
    return Error(404, absl::StrCat("no ", request.path, " here: POST CloudEvents to /events"));
  }
  if (request.method != "POST") {
    return Error(405, absl::StrCat(request.method, " is not allowed: POST CloudEvents to /events"));
  }
  const ApiTokenGate::Verdict verdict =
      gate.Judge(kPublishMethod, HeaderValues(request, "Authorization"));
  if (verdict != ApiTokenGate::Verdict::kAllowed) {
    return Error(
        401, absl::StrCat(verdict == ApiTokenGate::Verdict::kMissing ? "missing" : "wrong",
                          " bearer token: send the header \"Authorization: Bearer <token>\" with "
                          "the API token (the file data/api.token in STIGMER_HOME)"));
  }
  if (request.body_too_large) {
    return Error(413, absl::StrCat("the event is larger than ", kMaxEventBodyBytes,
                                   " bytes (the limit); send a smaller one"));
  }
  std::vector<absl::string_view> content_types = HeaderValues(request, "Content-Type");
  const absl::string_view content_type = content_types.empty() ? "" : content_types.front();
  if (IsBatchCloudEventContentType(content_type)) {
    return Error(415, "batches of events are not accepted: send one event per request");
  }
  absl::StatusOr<nlohmann::json> event = IsStructuredCloudEventContentType(content_type)
                                             ? ParseStructuredCloudEvent(request.body)
                                             : ParseBinaryCloudEvent(request.headers, request.body);
  if (!event.ok()) return Error(400, event.status().message());
  absl::StatusOr<EventBus::Accepted> accepted = publish(*event);
  if (!accepted.ok()) {
    return Error(absl::IsInvalidArgument(accepted.status()) ? 400 : 503,
                 accepted.status().message());
  }
  return Json(202, nlohmann::json{{"id", accepted->id},
                                  {"source", accepted->source},
                                  {"duplicate", accepted->duplicate}}
                       .dump());
}

}  // namespace stigmer::server
