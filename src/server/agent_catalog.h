#ifndef STIGMER_SERVER_AGENT_CATALOG_H_
#define STIGMER_SERVER_AGENT_CATALOG_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace stigmer::server {

// Validates an agent document (agent/agent_document.h) and applies it to the store: a new agent,
// a new version, or nothing when the document is unchanged. InvalidArgument names each
// problem's JSON pointer; AlreadyExists when a workflow has the name. Nothing is stored then.
absl::StatusOr<store::AgentApplyResult> ApplyAgentDocument(store::Store& store,
                                                           const std::string& definition,
                                                           bool dry_run);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_AGENT_CATALOG_H_
