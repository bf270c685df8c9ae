#ifndef STIGMER_WORKFLOW_EVENT_FILTER_H_
#define STIGMER_WORKFLOW_EVENT_FILTER_H_

// The DSL's event filter (`listen.to` … `with`, `schedule.on`): a mapping of CloudEvent
// attribute names (and `data`) to what the event must hold there. Pure.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// Whether runtime `expression` holds (jq's truth) for `value`, the attribute's value as `.`.
using EventExpressionCheck =
    std::function<absl::StatusOr<bool>(const std::string& expression, const nlohmann::json& value)>;

// True when `event` (CloudEvents JSON format) matches every member of `with`:
// - a runtime expression (`${ .temperature > 38 }`) holds for the attribute's value;
// - another string equals the attribute (a string), or is a regular expression (RE2 syntax) that
//   matches all of it;
// - any other value equals the attribute.
// An attribute the event does not have never matches. An empty `with` matches every event.
// The check's error (an expression that fails) is returned.
absl::StatusOr<bool> EventMatchesFilter(const nlohmann::json& with, const nlohmann::json& event,
                                        const EventExpressionCheck& check);

// A cheap superset of EventMatchesFilter without expressions or regular expressions, for whoever
// delivers events (stigmer-server): false only when a plain string (no regular-expression
// characters) or a non-string value of `with` differs from the event's attribute.
bool EventMayMatchFilter(const nlohmann::json& with, const nlohmann::json& event);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EVENT_FILTER_H_
