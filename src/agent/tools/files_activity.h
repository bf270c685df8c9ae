#ifndef STIGMER_AGENT_TOOLS_FILES_ACTIVITY_H_
#define STIGMER_AGENT_TOOLS_FILES_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// The `files` tool's activity. Request: {"task": step path, "workspace": folder (created 0700
// when missing), "operation": list | read | write | edit | grep, "path", and by operation
// "recursive", "content", "old_text", "new_text", "all", "pattern", and optionally "read_only":
// workspace folders that write and edit refuse, e.g. ["skills/review"]}. Output: the text the model
// reads (a listing, the content, what was written or replaced, the matches). A path that leads
// out of the workspace, a missing file, an ambiguous edit… fail with a runtime error whose
// detail names the path and what to do (the model reads it and may try again).
activities::ActivityResult RunFilesActivity(const nlohmann::json& request);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_TOOLS_FILES_ACTIVITY_H_
