#ifndef STIGMER_COMMON_CLOUD_EVENT_H_
#define STIGMER_COMMON_CLOUD_EVENT_H_

// CloudEvents 1.0 (https://github.com/cloudevents/spec): the one reading of an event that every
// part of stigmer shares. An event is held in the CloudEvents JSON format (an object of
// attributes, `data` any JSON value); the HTTP binding's binary mode is turned into it here too.
// Pure: no I/O. Thread-safe.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer {

// How a `listen` waits for events (workflow/task_listen.cc, server/event_delivery.h): the run
// records a marker of this name whose details (durable::kMarkerDetailsKey) hold
// {"path", "step", "listen": {"filters": [<with>...], "every_event": bool, "since_ms": int,
// "taken": [<sequences this listen took>]}}, one marker per event it waits for; stigmer-server
// sends it each stored event accepted since then that may match, as a signal of this name with
// the payload {"sequence": <the bus's sequence>, "path": <the listen's path>, "event": <the
// event>}, and sends again, after each new marker, what it sent and the listen did not take.
inline constexpr char kEventSignalName[] = "stigmer.event";

// The largest event accepted, as its JSON format serializes (attributes and data together).
inline constexpr size_t kMaxCloudEventBytes = 256 * 1024;
// The longest id, source, type or subject accepted.
inline constexpr size_t kMaxCloudEventAttributeBytes = 1024;

// OK when `event` is a CloudEvent stigmer accepts; InvalidArgument naming the problem
// otherwise: not an object; "specversion" other than "1.0"; "id", "source" or "type" missing,
// empty or not a string; an attribute name that is not 1-20 lower-case letters or digits; an
// attribute (other than data) that is not a string, an integer or a boolean; "time" that is not
// RFC 3339; an attribute longer than kMaxCloudEventAttributeBytes; the whole larger than
// kMaxCloudEventBytes; data nested deeper than kMaxJsonDepth.
absl::Status ValidateCloudEvent(const nlohmann::json& event);

// An event in structured mode: `body` is the event in the JSON format
// (application/cloudevents+json). Parsed with the JSON limits, then ValidateCloudEvent.
// InvalidArgument: "the event is not valid JSON: …", "the event is nested deeper …", or
// ValidateCloudEvent's message.
absl::StatusOr<nlohmann::json> ParseStructuredCloudEvent(absl::string_view body);

// An event in binary mode: attributes in `ce-*` headers (names in any case; values
// percent-decoded), datacontenttype from Content-Type, the body as data: parsed as JSON when the
// content type is JSON (application/json, */*+json, or none), else kept as a string (it must be
// UTF-8 text). `headers` holds every request header (name, value). InvalidArgument naming the
// header or the body's problem, or ValidateCloudEvent's message.
absl::StatusOr<nlohmann::json> ParseBinaryCloudEvent(
    const std::vector<std::pair<std::string, std::string>>& headers, absl::string_view body);

// True when the media type `content_type` (parameters ignored) is
// application/cloudevents+json: an HTTP request in structured mode.
bool IsStructuredCloudEventContentType(absl::string_view content_type);

// True when `content_type` (parameters ignored) is a batch of events
// (application/cloudevents-batch+json), which stigmer does not take.
bool IsBatchCloudEventContentType(absl::string_view content_type);

}  // namespace stigmer

#endif  // STIGMER_COMMON_CLOUD_EVENT_H_
