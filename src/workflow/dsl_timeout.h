#ifndef STIGMER_WORKFLOW_DSL_TIMEOUT_H_
#define STIGMER_WORKFLOW_DSL_TIMEOUT_H_

#include <optional>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// The duration of the `timeout` member of `owner` (a task, or the document itself): an inline
// {after: <duration>} or the name of a `use.timeouts` entry of `document`. None when there is
// no timeout or it cannot be read (validation refuses such documents when they are applied).
std::optional<absl::Duration> TimeoutAfter(const nlohmann::ordered_json& document,
                                           const nlohmann::ordered_json& owner);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_TIMEOUT_H_
