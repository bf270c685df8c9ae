#ifndef STIGMER_ACTIVITIES_RESOURCE_ACTIVITY_H_
#define STIGMER_ACTIVITIES_RESOURCE_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// Reads a local external resource for the workflow, e.g. a cataloged function's definition, so
// that what was read is in the history and a replay reads it from there.
//
// `input`: {"task": path, "uri": "file:///..." or "/..."}. Output: the file's text (at most
// 1 MiB). Errors (instance = the task's path): configuration (400) "Resource not available",
// detail naming the URI and why (not local: no network at run time; missing; too large).
ActivityResult RunResourceActivity(const nlohmann::json& input);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_RESOURCE_ACTIVITY_H_
