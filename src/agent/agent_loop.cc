#include "agent/agent_loop.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/tools/todos.h"

namespace stigmer::agent {
namespace {

constexpr char kTodosRunner[] = "todos";

const AgentTool* FindTool(const std::vector<AgentTool>& tools, const std::string& name) {
  const auto found = std::find_if(tools.begin(), tools.end(),
                                  [&](const AgentTool& tool) { return tool.spec.name == name; });
  return found == tools.end() ? nullptr : &*found;
}

std::string ToolNames(const std::vector<AgentTool>& tools) {
  std::vector<std::string> names;
  for (const AgentTool& tool : tools) names.push_back(tool.spec.name);
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

ChatMessage ToolMessage(const ToolCall& call, std::string text) {
  return {.role = Role::kTool,
          .text = std::move(text),
          .tool_call_id = call.id,
          .tool_name = call.name};
}

// Counts the same call (tool and arguments) made again and again in a row.
class RepeatGuard {
 public:
  // The run of identical calls this one extends (1 for a new one).
  int Add(const ToolCall& call) {
    const std::string key = absl::StrCat(call.name, "\n", call.arguments.dump());
    run_ = key == last_ ? run_ + 1 : 1;
    last_ = key;
    return run_;
  }

 private:
  std::string last_;
  int run_ = 0;
};

}  // namespace

absl::StatusOr<AgentRunResult> RunAgentLoop(const AgentRunInput& input, AgentContext& context) {
  AgentRunResult result;
  std::vector<ChatMessage> conversation;
  if (!input.instructions.empty()) {
    conversation.push_back({.role = Role::kSystem, .text = input.instructions});
  }
  for (const ChatMessage& earlier : input.transcript) conversation.push_back(earlier);
  conversation.push_back({.role = Role::kUser, .text = input.message});
  const size_t first_new = conversation.size() - 1;

  ChatRequest request{
      .model = input.model, .temperature = input.temperature, .max_tokens = input.max_tokens};
  for (const AgentTool& tool : input.tools) request.tools.push_back(tool.spec);

  RepeatGuard repeats;
  const auto finish = [&](AgentRunResult::State state) {
    result.state = state;
    result.messages.assign(conversation.begin() + static_cast<long>(first_new), conversation.end());
    return result;
  };
  for (int turn = 1;; ++turn) {
    if (turn == 1) {
      if (absl::Status recorded = context.Record(0, conversation.back()); !recorded.ok()) {
        return recorded;
      }
    }
    if (result.model_calls >= input.limits.max_model_calls) {
      result.error = absl::StrCat("the agent made ", result.model_calls,
                                  " model calls without a final answer, the most its "
                                  "limits.max_model_calls allows");
      return finish(AgentRunResult::State::kFailed);
    }
    request.messages = conversation;
    absl::StatusOr<Step<ChatAnswer>> answer = context.CallModel(turn, request);
    if (!answer.ok()) return answer.status();
    if (answer->state == Step<ChatAnswer>::State::kPending) {
      return finish(AgentRunResult::State::kSuspended);
    }
    if (answer->state == Step<ChatAnswer>::State::kFailed) {
      result.error = answer->error;
      return finish(AgentRunResult::State::kFailed);
    }
    ++result.model_calls;
    ChatMessage said{.role = Role::kAssistant,
                     .text = answer->value.text,
                     .tool_calls = answer->value.tool_calls};
    conversation.push_back(said);
    if (absl::Status recorded = context.Record(turn, said); !recorded.ok()) return recorded;
    if (said.tool_calls.empty()) {
      result.answer = said.text;
      return finish(AgentRunResult::State::kCompleted);
    }

    // Every call of this turn is started before the loop waits on any of them, so that they
    // run side by side; their results join the conversation in the model's order.
    bool waiting = false;
    std::vector<ChatMessage> results;
    for (const ToolCall& call : said.tool_calls) {
      if (++result.tool_calls > input.limits.max_tool_calls) {
        result.error = absl::StrCat("the agent asked for more than ", input.limits.max_tool_calls,
                                    " tool calls, the most its limits.max_tool_calls allows");
        return finish(AgentRunResult::State::kFailed);
      }
      if (const int run = repeats.Add(call); run > input.limits.max_identical_tool_calls) {
        result.error =
            absl::StrCat("the agent called ", call.name, " with the same arguments ", run,
                         " times in a row (limits.max_identical_tool_calls is ",
                         input.limits.max_identical_tool_calls, "); it is likely stuck in a loop");
        return finish(AgentRunResult::State::kFailed);
      }
      const AgentTool* tool = FindTool(input.tools, call.name);
      if (tool == nullptr) {
        results.push_back(
            ToolMessage(call, absl::StrCat("error: there is no tool \"", call.name,
                                           "\"; the tools are: ", ToolNames(input.tools))));
        continue;
      }
      if (!call.arguments_error.empty()) {
        results.push_back(ToolMessage(
            call, absl::StrCat("error: the arguments of this call were not usable: ",
                               call.arguments_error, ". Call the tool again with a JSON object.")));
        continue;
      }
      if (tool->needs_approval) {
        absl::StatusOr<Step<ApprovalDecision>> decision = context.AwaitApproval(turn, call);
        if (!decision.ok()) return decision.status();
        if (decision->state == Step<ApprovalDecision>::State::kPending) {
          waiting = true;
          continue;
        }
        if (!decision->value.approved) {
          results.push_back(ToolMessage(
              call,
              absl::StrCat("error: the user denied this call",
                           decision->value.reason.empty() ? "" : ": ", decision->value.reason)));
          continue;
        }
      }
      if (tool->runner == kTodosRunner) {
        absl::StatusOr<nlohmann::json> todos = ApplyTodos(call.arguments);
        if (todos.ok()) result.todos = *std::move(todos);
        results.push_back(
            ToolMessage(call, todos.ok() ? TodosText(result.todos)
                                         : absl::StrCat("error: ", todos.status().message())));
        continue;
      }
      absl::StatusOr<Step<ToolOutput>> output = context.CallTool(turn, call, *tool);
      if (!output.ok()) return output.status();
      switch (output->state) {
        case Step<ToolOutput>::State::kPending:
          waiting = true;
          break;
        case Step<ToolOutput>::State::kFailed:
          results.push_back(ToolMessage(call, absl::StrCat("error: ", output->error)));
          break;
        case Step<ToolOutput>::State::kDone:
          results.push_back(
              ToolMessage(call, (output->value.is_error ? "error: " : "") + output->value.text));
          break;
      }
    }
    if (waiting) return finish(AgentRunResult::State::kSuspended);
    for (ChatMessage& message : results) {
      if (absl::Status recorded = context.Record(turn, message); !recorded.ok()) return recorded;
      conversation.push_back(std::move(message));
    }
  }
}

}  // namespace stigmer::agent
