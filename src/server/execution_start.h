#ifndef STIGMER_SERVER_EXECUTION_START_H_
#define STIGMER_SERVER_EXECUTION_START_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "workflow/document_cache.h"

namespace stigmer::server {

// What Temporal is asked to start for one CreateExecutionRequest: a workflow run of type
// ServerlessWorkflow on workflow-runner's queue (payloads: the document, the input, the runtime
// values), or an agent run of type StigmerAgent on agent-runner's queue (payloads: the agent
// document, {"message"}, the runtime values; agent/agent_program.h).
struct ExecutionStart {
  bool agent = false;
  std::string name;  // the workflow's or the agent's
  int version = 0;
  std::string workflow_type;
  std::string task_queue;
  std::vector<nlohmann::json> payloads;
  std::optional<absl::Duration> execution_timeout;  // the workflow's `timeout`
  std::string session;  // an agent run's session: the one continued, or a new id
};

// The start `request` asks for, `input` being its parsed input. NotFound naming the workflow or
// agent (and, for a workflow name that is an agent's, how to run the agent); InvalidArgument
// for an agent run without a message or with an input.
// Sessions: an agent run without `session` starts a new one (a new id); with one, payload 1
// carries the session's transcript (session_transcript.h). NotFound for an unknown session;
// InvalidArgument for a malformed id, a session of another agent, or a workflow run with one.
// (That no other run of the session is open is checked when the run is stored.)
// `documents`, when given, keeps the parsed workflow documents for the next start.
absl::StatusOr<ExecutionStart> PlanExecutionStart(
    store::Store& store, const stigmer::v1::CreateExecutionRequest& request,
    const nlohmann::json& input, const std::string& workflow_task_queue,
    workflow::DocumentCache* documents = nullptr);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_START_H_
