#ifndef STIGMER_AGENT_MODEL_ACTIVITY_H_
#define STIGMER_AGENT_MODEL_ACTIVITY_H_

// The `llm.chat` activity: one model call of an agent run. Its request names only the turn, so
// that no scheduled-activity event carries the transcript. The conversation is the one the
// workflow task that scheduled the call computed, when that task ran on this worker
// (AgentProgram::TakeScheduledModelCall), else it is rebuilt by replaying the run's history
// (AgentProgram::ReplayModelCall): after a restart, or when another worker scheduled it.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "activities/activity_dispatcher.h"
#include "agent/agent_program.h"
#include "agent/model/model_call.h"
#include "common/environment.h"
#include "durable/replay_history.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// Where the model of `agent` (the document's `model`) is served and how it is called:
//   local (the default)   STIGMER_LLM_BASE_URL (else http://127.0.0.1:7235/v1), JSON-schema
//                         tool mode, no key; the model STIGMER_LLM_MODEL or SmolLM2-135M-Instruct
//   openai                https://api.openai.com/v1, key OPENAI_API_KEY
//   ollama                http://localhost:11434/v1, no key
//   anthropic             https://api.anthropic.com/v1 (Messages), key ANTHROPIC_API_KEY
//   openai-compatible     base_url required, key only when api_key names one
// `base_url`, `api_key` ({env: NAME} read from `environment`, {secret: NAME} from `secrets`) and
// `tool_mode` (auto: JSON schema for local, native otherwise) override. FailedPrecondition
// naming the variable or secret when the key it needs is missing.
struct ResolvedModel {
  ModelEndpoint endpoint;
  std::string model;  // the model name to ask for
};
absl::StatusOr<ResolvedModel> ResolveModel(const nlohmann::json& agent,
                                           const nlohmann::json& secrets,
                                           const EnvironmentLookup& environment);

struct ModelActivityOptions {
  // The run's history as it is now (every page): read only when the program does not hold the
  // call's request.
  std::function<absl::StatusOr<std::vector<durable::HistoryEvent>>(
      const activities::ActivityInfo& info)>
      read_history;
  std::shared_ptr<AgentProgram> program;
  EnvironmentLookup environment;
  // Attempts at a retryable failure (429, 5xx, a lost connection) before the call fails, with
  // backoff from initial_backoff doubling to 30 s, or the provider's retry-after.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Seconds(1);
};

// Runs the model call `request` ({"task", "turn"}) names, after laying out the agent's skills in
// the run's workspace (MaterializeSkills, skills.h). Output: AnswerToJson(answer).
// Errors: authentication (401) / authorization (403) naming the provider and the key's source;
// communication (503) after the retries; runtime for a malformed answer or a history that
// cannot be replayed; cancelled when `control` says stop.
activities::ActivityResult RunModelActivity(const ModelActivityOptions& options,
                                            const activities::ActivityInfo& info,
                                            const nlohmann::json& request,
                                            activities::ActivityControl& control);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_ACTIVITY_H_
