#ifndef STIGMER_AGENT_AGENT_PROGRAM_H_
#define STIGMER_AGENT_AGENT_PROGRAM_H_

// The agent loop as a durable program: agent-runner runs it on the durable core, as
// workflow-runner runs the DSL interpreter.
//
// A run of type kAgentWorkflowType (task queue "stigmer-agents") is started with three payloads:
//   0: the agent document as JSON (as AgentService stored it);
//   1: {"message": the user's message, "session": id (optional),
//       "transcript": [earlier messages of the session, MessageToJson],
//       "sub_agents": the documents of the sub-agents the agent names, resolved by the server
//       at their latest version, recursively (sub_agents.h)};
//   2: {"environment": {...}, "secrets": {name: value}} (as workflows: secrets never leave the
//       worker in clear; an api_key {secret: NAME} is read from here by the model activity).
//
// Steps, each with its path (a JSON pointer; the n-th model call is turn n):
//   /mcp/<server>/tools        activity "mcp.list", one per MCP server, before the first model
//                              call; its tools join the agent's (mcp_steps.h), a failed list
//                              fails the run;
//   /turns/<n>/model           activity "llm.chat", request {"task", "turn"}: small on purpose,
//                              the activity rebuilds the conversation by replaying the run's
//                              history (model_activity.h), so that history grows with the
//                              conversation, not with its square;
//   /turns/<n>/tools/<call>    a tool's activity (builtin_tools.h, "mcp.call" for an MCP
//                              server's tool), <call> the model's call id; for a sub-agent,
//                              a child workflow of type StigmerAgent whose id is the run's
//                              followed by the path and "#1" (sub_agents.h);
//   markers (the projection's tasks): "/turns/0/user" (the message), "/turns/<n>/model" (the
//   assistant's text and tool calls), "/turns/<n>/tools/<call>" (a tool's result);
//   "/turns/<n>/tools/<call>/approval" marker "stigmer.approval", then a wait for the signal
//   of that name: a call of a tool that needs approval (approval.h).
// Output: {"answer", "model_calls", "tool_calls", "todos"}; a failed run (a limit, a model call
// that failed) fails with a runtime error "Agent failed" whose detail says why.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "activities/activity_dispatcher.h"
#include "agent/agent_loop.h"
#include "common/bounded_lru_cache.h"
#include "durable/program.h"

namespace stigmer::agent {

inline constexpr char kAgentWorkflowType[] = "StigmerAgent";
inline constexpr char kModelActivity[] = "llm.chat";

struct AgentProgramOptions {
  // Where runs get their workspace: <workspaces_dir>/<session id>/ (a run without a session:
  // <workflow id>/).
  std::string workspaces_dir;
};

// One agent run loaded from its start payloads.
struct AgentRunPlan {
  AgentRunInput input;
  nlohmann::json document;  // the agent document
  nlohmann::json secrets = nlohmann::json::object();
  nlohmann::json values;                                 // payload 2, as a child run gets it
  nlohmann::json sub_agents = nlohmann::json::object();  // payload 1's "sub_agents"
  std::string task_queue;                                // the run's: where its sub-agents run too
  std::string workspace;
};

// Reads the start payloads above. InvalidArgument naming what is wrong.
absl::StatusOr<AgentRunPlan> ReadAgentRun(const durable::ReplayHistory& history,
                                          const std::string& workflow_id,
                                          const AgentProgramOptions& options);

class AgentProgram final : public durable::Program {
 public:
  explicit AgentProgram(AgentProgramOptions options);

  const std::string& workflow_type() const override { return type_; }
  const AgentProgramOptions& options() const { return options_; }
  absl::StatusOr<std::unique_ptr<durable::ProgramRun>> Load(
      const durable::ReplayHistory& history, const std::string& workflow_id) override;

  // The request of the model call of `turn`, and the run's plan, by replaying `history` (the
  // model activity's way to the conversation). NotFound when the run never reaches that turn.
  struct ModelCall {
    ChatRequest request;
    AgentRunPlan plan;
  };
  absl::StatusOr<ModelCall> ReplayModelCall(const durable::ReplayHistory& history,
                                            const std::string& workflow_id, int turn);

  // The model call the activity `info` runs, as the workflow task that scheduled it on this
  // program computed it (the same request ReplayModelCall would rebuild), taken out of a bounded
  // cache: null when another worker, or this one before a restart, scheduled it, or when it
  // was evicted or already taken. Thread-safe.
  std::shared_ptr<const ModelCall> TakeScheduledModelCall(const activities::ActivityInfo& info);

 private:
  // (workflow id, run id, activity id) of the model calls scheduled by this program's runs.
  using ModelCallKey = std::tuple<std::string, std::string, std::string>;

  const std::string type_;
  const AgentProgramOptions options_;
  BoundedLruCache<ModelCallKey, ModelCall> scheduled_;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_AGENT_PROGRAM_H_
