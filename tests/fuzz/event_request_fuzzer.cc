// Fuzzes the event bus's HTTP endpoint (CloudEvents' HTTP binding, binary and structured mode):
// the first byte picks whether the request carries the token and which content type it claims;
// the rest is split at the first blank line into header lines ("name: value") and the body.
// Every request must get a status from the endpoint's list, and an event handed to `publish`
// must be one the CloudEvent check accepts.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/cloud_event.h"
#include "server/event_http_request.h"

namespace {

const stigmer::server::ApiTokenGate& Gate() {
  static const stigmer::server::ApiTokenGate gate("token", "/fuzz/api.token");
  return gate;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  stigmer::HttpRequest request;
  request.method = "POST";
  request.path = (mode & 4) ? "/" : "/events";
  if (mode & 1) request.headers.emplace_back("Authorization", "Bearer token");
  request.headers.emplace_back("Content-Type",
                               (mode & 2) ? "application/cloudevents+json" : "application/json");
  const size_t blank = rest.find("\n\n");
  const std::string head = blank == std::string::npos ? "" : rest.substr(0, blank);
  request.body = blank == std::string::npos ? rest : rest.substr(blank + 2);
  for (absl::string_view line : absl::StrSplit(head, '\n')) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }

  const stigmer::HttpResponse response = stigmer::server::HandleEventHttpRequest(
      Gate(), request,
      [](const nlohmann::json& event) -> absl::StatusOr<stigmer::server::EventBus::Accepted> {
        if (!stigmer::ValidateCloudEvent(event).ok()) std::abort();  // only checked events
        return stigmer::server::EventBus::Accepted{"id", "source", 1, false};
      });
  switch (response.status) {
    case 202:
    case 400:
    case 401:
    case 404:
    case 405:
    case 413:
    case 415:
    case 503:
      break;
    default:
      std::abort();
  }
  if (!(mode & 1) && response.status == 202) std::abort();  // accepted without the token
  return 0;
}
