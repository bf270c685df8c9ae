#include "server/execution_start.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "activities/local_resource.h"
#include "agent/agent_document.h"
#include "agent/agent_program.h"
#include "agent/agent_runner.h"
#include "common/ulid.h"
#include "server/session_transcript.h"
#include "server/sub_agent_resolver.h"
#include "server/workflow_run_resolver.h"
#include "temporal/temporal_client.h"
#include "workflow/dsl_agent_call.h"
#include "workflow/dsl_timeout.h"
#include "workflow/workflow_document.h"

namespace stigmer::server {
namespace {

using nlohmann::json;

json RuntimeValues(const stigmer::v1::CreateExecutionRequest& request) {
  json runtime = {{"environment", json::object()}, {"secrets", json::object()}};
  for (const auto& value : request.runtime()) {
    runtime[value.secret() ? "secrets" : "environment"][value.name()] = value.value();
  }
  return runtime;
}

// The transcript a run of `agent` in session `id` reads; the errors PlanExecutionStart names.
absl::StatusOr<json> SessionTranscript(store::Store& store, const std::string& id,
                                       const std::string& agent) {
  if (!IsSessionId(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", id, "\" is not a session id (ses-…); stigmer get sessions lists them"));
  }
  absl::StatusOr<stigmer::v1::Session> session = store.GetSession(id);
  if (!session.ok()) return session.status();
  if (session->agent() != agent) {
    return absl::InvalidArgumentError(
        absl::StrCat("session ", id, " belongs to agent \"", session->agent(), "\", not \"", agent,
                     "\": continue it with `stigmer run ", session->agent(), " --session ", id,
                     "`, or leave --session out to start a new session"));
  }
  absl::StatusOr<store::SessionHistory> history = store.SessionTurns(id, kMaxTranscriptTurns);
  if (!history.ok()) return history.status();
  return BuildSessionTranscript(*history);
}

absl::StatusOr<ExecutionStart> AgentStart(store::Store& store,
                                          const stigmer::v1::CreateExecutionRequest& request,
                                          const json& input) {
  if (request.message().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("an agent run needs a message: `stigmer run ", request.agent(), " -m \"…\"`"));
  }
  if (!input.empty()) {
    return absl::InvalidArgumentError(
        "an agent run takes a message, not an input: pass the text with -m");
  }
  absl::StatusOr<stigmer::v1::Agent> agent = store.GetAgent(request.agent(), request.version());
  if (!agent.ok()) return agent.status();
  absl::StatusOr<agent::AgentDocument> document = agent::ParseAgentDocument(agent->definition());
  if (!document.ok()) return document.status();
  json agent_document = json::parse(document->json.dump());
  absl::StatusOr<json> sub_agents = ResolveSubAgents(store, agent_document, {agent->name()});
  if (!sub_agents.ok()) return sub_agents.status();
  json run = {{"message", request.message()}};
  if (!sub_agents->empty()) run["sub_agents"] = *std::move(sub_agents);
  ExecutionStart start;
  start.agent = true;
  start.name = agent->name();
  start.version = agent->version();
  start.workflow_type = agent::kAgentWorkflowType;
  start.task_queue = agent::kAgentTaskQueue;
  if (request.session().empty()) {
    start.session = NewSessionId();
  } else {
    absl::StatusOr<json> transcript = SessionTranscript(store, request.session(), agent->name());
    if (!transcript.ok()) return transcript.status();
    start.session = request.session();
    run["transcript"] = *std::move(transcript);
  }
  run["session"] = start.session;
  start.payloads = {std::move(agent_document), std::move(run), RuntimeValues(request)};
  return start;
}

// The agents the workflow's `call: agent` tasks call, resolved for its start
// (workflow/dsl_agent_call.h) into `runtime`.
absl::Status ResolveCalledAgents(store::Store& store, const std::string& workflow,
                                 const nlohmann::ordered_json& document, json& runtime) {
  const std::set<std::string> names = workflow::CalledAgents(document);
  if (names.empty()) return absl::OkStatus();
  json agents = json::object();
  for (const std::string& name : names) {
    absl::StatusOr<stigmer::v1::Agent> agent = store.GetAgent(name, 0);
    if (absl::IsNotFound(agent.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("workflow \"", workflow, "\" calls agent \"", name,
                       "\", which does not exist: apply it first (`stigmer apply -f`)"));
    }
    if (!agent.ok()) return agent.status();
    absl::StatusOr<agent::AgentDocument> parsed = agent::ParseAgentDocument(agent->definition());
    if (!parsed.ok()) return parsed.status();
    json agent_document = json::parse(parsed->json.dump());
    absl::StatusOr<json> sub_agents = ResolveSubAgents(store, agent_document, {name});
    if (!sub_agents.ok()) return sub_agents.status();
    json resolved = {{"document", std::move(agent_document)}};
    if (!sub_agents->empty()) resolved["sub_agents"] = *std::move(sub_agents);
    agents[name] = std::move(resolved);
  }
  runtime["agents"] = std::move(agents);
  runtime["agent_task_queue"] = agent::kAgentTaskQueue;
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const workflow::WorkflowDocument>> ParsedDocument(
    const std::string& text, workflow::DocumentCache* documents) {
  if (documents != nullptr) return documents->Get(text);
  absl::StatusOr<workflow::WorkflowDocument> parsed = workflow::ParseWorkflowDocument(text);
  if (!parsed.ok()) return parsed.status();
  return std::make_shared<const workflow::WorkflowDocument>(*std::move(parsed));
}

}  // namespace

absl::StatusOr<ExecutionStart> PlanExecutionStart(
    store::Store& store, const stigmer::v1::CreateExecutionRequest& request, const json& input,
    const std::string& workflow_task_queue, workflow::DocumentCache* documents) {
  if (!request.agent().empty()) return AgentStart(store, request, input);
  if (request.workflow().empty()) {
    return absl::InvalidArgumentError("the workflow or agent to run is missing");
  }
  absl::StatusOr<stigmer::v1::Workflow> workflow =
      store.GetWorkflow(request.workflow(), request.version());
  if (!workflow.ok()) {
    if (absl::IsNotFound(workflow.status()) && store.GetAgent(request.workflow(), 0).ok()) {
      return absl::NotFoundError(absl::StrCat("\"", request.workflow(),
                                              "\" is an agent, not a workflow: run it with "
                                              "`stigmer run ",
                                              request.workflow(), " -m \"your message\"`"));
    }
    return workflow.status();
  }
  if (!request.message().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", workflow->name(), "\" is a workflow: it takes an input (--input), not a message"));
  }
  if (!request.session().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", workflow->name(),
                     "\" is a workflow: sessions are for agent runs; leave --session out"));
  }
  absl::StatusOr<std::shared_ptr<const workflow::WorkflowDocument>> document =
      ParsedDocument(workflow->definition(), documents);
  if (!document.ok()) return document.status();
  ExecutionStart start;
  start.name = workflow->name();
  start.version = workflow->version();
  start.workflow_type = temporal::kServerlessWorkflowType;
  start.task_queue = workflow_task_queue;
  json runtime = RuntimeValues(request);
  if (absl::Status resolved =
          ResolveCalledAgents(store, workflow->name(), (*document)->json, runtime);
      !resolved.ok()) {
    return resolved;
  }
  const AgentResolver agents = [&store](const std::string& name,
                                        const nlohmann::ordered_json& child, json& values) {
    return ResolveCalledAgents(store, name, child, values);
  };
  if (absl::Status resolved = ResolveRunWorkflows(store, (*document)->json, {workflow->name()},
                                                  workflow_task_queue, agents, runtime);
      !resolved.ok()) {
    return resolved;
  }
  if (!workflow->source_dir().empty()) runtime[activities::kSourceDirKey] = workflow->source_dir();
  start.payloads = {json((*document)->json), input, std::move(runtime)};
  // The workflow's `timeout` bounds the whole execution; Temporal enforces it.
  start.execution_timeout = workflow::TimeoutAfter((*document)->json, (*document)->json);
  return start;
}

}  // namespace stigmer::server
