#ifndef STIGMER_WORKFLOW_EVENT_CORRELATION_H_
#define STIGMER_WORKFLOW_EVENT_CORRELATION_H_

// An event filter's `correlate` (dsl_events.h): {key: {from, expect?}}. `from` is a runtime
// expression (with or without "${ }") evaluated on the event's envelope; the key's value is its
// result. With `expect` (a constant, or a runtime expression evaluated on the listen's data) the
// event correlates only when the value equals it; without, the first event taken fixes the
// key's value and later events of the same listen must carry it. A value that is null (the event
// lacks what `from` reads) never correlates. Pure.

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "workflow/event_filter.h"

namespace stigmer::workflow {

// The result of runtime `expression` (or a bare jq program) on `data`; null when it has none.
using EventExpressionValue = std::function<absl::StatusOr<nlohmann::json>(
    const std::string& expression, const nlohmann::json& data)>;

// How an event's expressions are evaluated by whoever matches events.
struct EventExpressions {
  EventExpressionCheck check;  // `with`: on the attribute's value
  EventExpressionValue from;   // `correlate.<key>.from`: on the event's envelope
  // `correlate.<key>.expect` expressions: on the listen's data.
  std::function<absl::StatusOr<nlohmann::json>(const std::string& expression)> expect;
};

// The values `event` carries for the keys of `correlate` when it correlates, given the values
// `fixed` ({key: value}) by the events taken before it; nullopt when it does not. An expression
// that fails: its error.
absl::StatusOr<std::optional<nlohmann::json>> CorrelationKeys(const nlohmann::json& correlate,
                                                              const nlohmann::json& event,
                                                              const nlohmann::json& fixed,
                                                              const EventExpressions& expressions);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EVENT_CORRELATION_H_
