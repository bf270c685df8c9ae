#ifndef STIGMER_AGENT_AGENT_LOOP_H_
#define STIGMER_AGENT_AGENT_LOOP_H_

// The agent loop: ask the model, run the tools it asks for, give it their results, until it
// answers without tool calls. Written the way the DSL interpreter is: every side effect goes
// through a context that replays recorded results, so the loop is re-run from the start on each
// workflow task and must be deterministic (no clock, no randomness, no I/O of its own).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/model/chat.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// A side effect's state when the loop asks for it.
template <typename T>
struct Step {
  enum class State { kPending, kDone, kFailed };
  State state = State::kPending;
  T value{};
  std::string error;  // kFailed: why (the model sees it for tools; a model call fails the run)

  static Step Pending() { return {}; }
  static Step Done(T value) { return {State::kDone, std::move(value), {}}; }
  static Step Failed(std::string error) { return {State::kFailed, {}, std::move(error)}; }
};

struct ToolOutput {
  std::string text;       // what the model reads
  bool is_error = false;  // the tool failed; the model may try something else
};

struct ApprovalDecision {
  bool approved = false;
  std::string reason;  // a denial's reason, shown to the model
};

// A tool the agent offers: the spec the model sees, how it runs, whether it waits for a person.
struct AgentTool {
  ToolSpec spec;
  std::string runner;  // "shell", "http", "files", "todos", "mcp:<server>", "agent:<name>"
  bool needs_approval = false;
};

struct AgentLimits {
  int max_model_calls = 50;
  int max_tool_calls = 200;
  int max_identical_tool_calls = 3;  // the same tool and arguments, in a row
  // Attempts of a tool call whose worker died under it: tools may have side effects, so 1 unless
  // the agent allows more.
  int tool_attempts = 1;
};

struct AgentRunInput {
  std::string model;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::string instructions;             // the system prompt (skills already appended)
  std::vector<ChatMessage> transcript;  // earlier turns of the session
  std::string message;                  // this run's user message
  std::vector<AgentTool> tools;
  AgentLimits limits;
};

// Everything the loop needs that is not pure. Each call is keyed by the order of the loop's
// calls: the n-th model call, the tool call with the model's call id in turn n. Implementations
// replay recorded results and turn new calls into commands (then return Pending).
class AgentContext {
 public:
  virtual ~AgentContext() = default;
  virtual absl::StatusOr<Step<ChatAnswer>> CallModel(int turn, const ChatRequest& request) = 0;
  virtual absl::StatusOr<Step<ToolOutput>> CallTool(int turn, const ToolCall& call,
                                                    const AgentTool& tool) = 0;
  virtual absl::StatusOr<Step<ApprovalDecision>> AwaitApproval(int turn, const ToolCall& call) = 0;
  // A message added to the conversation (for watchers; never suspends). Called again for the
  // same messages on every replay: implementations record each (turn, order) once.
  virtual absl::Status Record(int turn, const ChatMessage& message) = 0;
};

struct AgentRunResult {
  enum class State { kSuspended, kCompleted, kFailed };
  State state = State::kSuspended;
  std::string answer;                 // kCompleted: the final text
  std::string error;                  // kFailed: which limit, or the model call's failure
  std::vector<ChatMessage> messages;  // the conversation so far, system prompt excluded
  nlohmann::json todos = nlohmann::json::array();  // the agent's plan (the `todos` tool)
  int model_calls = 0;
  int tool_calls = 0;
};

// Runs the loop as far as the context's recorded results allow. A non-OK status comes from the
// context (non-determinism, a broken history) and is passed up unchanged.
absl::StatusOr<AgentRunResult> RunAgentLoop(const AgentRunInput& input, AgentContext& context);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_AGENT_LOOP_H_
