#ifndef STIGMER_SERVER_EVENT_HTTP_REQUEST_H_
#define STIGMER_SERVER_EVENT_HTTP_REQUEST_H_

// The event bus's HTTP endpoint, as CloudEvents' HTTP binding has it: POST /events (or /) with
// an event in binary mode (ce-* headers, the data as the body) or in structured mode
// (Content-Type: application/cloudevents+json). Here without any HTTP server, so that it is
// unit-tested alone.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/http_message.h"
#include "nlohmann/json.hpp"
#include "server/api_token_gate.h"
#include "server/event_bus.h"

namespace stigmer::server {

// The largest request body read; larger ones get 413 without being kept.
inline constexpr size_t kMaxEventBodyBytes = 256 * 1024;

// Accepts the event with `publish` (EventBus::Publish in the server):
//  - path other than /events or / → 404; not POST → 405;
//  - no valid "Authorization: Bearer <token>" (judged by `gate`) → 401 saying where the token is;
//  - a body over kMaxEventBodyBytes → 413 naming the limit;
//  - a batch (application/cloudevents-batch+json) → 415;
//  - an event that cannot be read or is not a CloudEvent stigmer takes → 400 naming the problem;
//  - `publish` failing: 400 for InvalidArgument, 503 otherwise;
//  - accepted → 202 {"id", "source", "duplicate"}; a duplicate is accepted too.
// Every answer is JSON ({"error"} when refused).
HttpResponse HandleEventHttpRequest(
    const ApiTokenGate& gate, const HttpRequest& request,
    const std::function<absl::StatusOr<EventBus::Accepted>(const nlohmann::json&)>& publish);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_HTTP_REQUEST_H_
