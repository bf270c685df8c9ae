#ifndef STIGMER_SERVER_STORE_SHARED_NAMES_H_
#define STIGMER_SERVER_STORE_SHARED_NAMES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/store/database.h"

namespace stigmer::store {

// Agents and workflows share one namespace of names, because `stigmer run NAME` picks the
// workflow or the agent by name. Each check runs inside the caller's transaction.

// AlreadyExists when a workflow is named `agent_name`: `agent "x": the name is a workflow's; …`
// saying what to do. OK when the name is free of workflows.
absl::Status CheckNoWorkflowNamed(Database& db, absl::string_view agent_name);

// AlreadyExists when an agent is named `workflow_name` (the same message, the other way round).
absl::Status CheckNoAgentNamed(Database& db, absl::string_view workflow_name);

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_SHARED_NAMES_H_
