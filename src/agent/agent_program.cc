#include "agent/agent_program.h"

#include <filesystem>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/agent_document.h"
#include "agent/approval.h"
#include "agent/builtin_tools.h"
#include "agent/mcp_steps.h"
#include "agent/skills.h"
#include "agent/sub_agents.h"
#include "common/json_fields.h"
#include "common/ulid.h"
#include "durable/replay_context.h"
#include "temporal/payloads.h"
#include "workflow/json_pointer.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

std::vector<std::string> StringList(const json& object, const char* name) {
  std::vector<std::string> list;
  auto found = object.find(name);
  if (found == object.end() || !found->is_array()) return list;
  for (const json& item : *found) {
    if (item.is_string()) list.push_back(item.get<std::string>());
  }
  return list;
}

AgentLimits ReadLimits(const json& document) {
  AgentLimits limits;
  auto found = document.find("limits");
  if (found == document.end() || !found->is_object()) return limits;
  limits.max_model_calls = found->value("max_model_calls", limits.max_model_calls);
  limits.max_tool_calls = found->value("max_tool_calls", limits.max_tool_calls);
  limits.max_identical_tool_calls =
      found->value("max_identical_tool_calls", limits.max_identical_tool_calls);
  limits.tool_attempts = found->value("tool_attempts", limits.tool_attempts);
  return limits;
}

std::string ModelPath(int turn) { return absl::StrCat("/turns/", turn, "/model"); }
std::string ToolPath(int turn, const ToolCall& call) {
  return workflow::JsonPointerAppend(absl::StrCat("/turns/", turn, "/tools"), call.id);
}

std::string ErrorText(const durable::WorkflowError& error) {
  return error.detail.empty() ? error.title : error.detail;
}

// The step a side effect that has not completed is: pending, or failed with its error's text;
// nullopt once it completed.
template <typename T>
std::optional<Step<T>> Unfinished(const durable::ActivityOutcome& outcome) {
  switch (outcome.state) {
    case durable::ActivityOutcome::State::kPending:
      return Step<T>::Pending();
    case durable::ActivityOutcome::State::kFailed:
      return Step<T>::Failed(ErrorText(outcome.error));
    case durable::ActivityOutcome::State::kCompleted:
      break;
  }
  return std::nullopt;
}

bool IsMcpTool(const AgentTool& tool) { return tool.runner.rfind(kMcpRunnerPrefix, 0) == 0; }

// Bounds of the model calls a program keeps between scheduling and running them: at most one
// per run is in flight, so these hold every concurrent run of a busy worker.
constexpr size_t kScheduledModelCalls = 256;
constexpr size_t kScheduledModelCallBytes = 64 << 20;

// What keeping `request` costs, roughly: its texts and tool arguments.
size_t ApproximateBytes(const ChatRequest& request) {
  size_t bytes = 1024 * (1 + request.tools.size());
  for (const ChatMessage& message : request.messages) {
    bytes += 64 + message.text.size();
    for (const ToolCall& call : message.tool_calls) bytes += 64 + call.arguments.dump().size();
  }
  return bytes;
}

// The run's input with its MCP servers' tools after the built-in ones.
AgentRunInput WithMcpTools(const AgentRunInput& input, const McpToolset& toolset) {
  AgentRunInput with = input;
  with.tools.insert(with.tools.end(), toolset.tools().begin(), toolset.tools().end());
  return with;
}

using ScheduledModelCall = std::function<void(
    const std::string& activity_id, const ChatRequest& request, const AgentRunPlan& plan)>;

// The AgentContext of one replay: every call becomes a step of the durable context. With
// `capture_turn` set, the request of that turn's model call is kept (and nothing else changes).
class DurableAgentContext final : public AgentContext {
 public:
  DurableAgentContext(durable::WorkflowContext& context, const AgentRunPlan& plan,
                      const McpToolset& mcp, std::optional<int> capture_turn = std::nullopt)
      : context_(context), plan_(plan), mcp_(mcp), capture_turn_(capture_turn) {
    for (const auto& [name, value] : plan.secrets.items()) {
      if (value.is_string()) redact_.push_back(value);
    }
  }

  // Called with the activity id and the request of every model call this replay schedules.
  void OnModelCallScheduled(ScheduledModelCall scheduled) { scheduled_ = std::move(scheduled); }

  absl::StatusOr<Step<ChatAnswer>> CallModel(int turn, const ChatRequest& request) override {
    if (capture_turn_ && *capture_turn_ == turn) captured_ = request;
    const std::string path = ModelPath(turn);
    started_[path] = context_.Now();
    json step = {{"task", path}, {"turn", turn}};
    const std::string activity_id = durable::StepId(path, ++model_calls_[path]);
    const size_t commands = context_.CommandMark();
    absl::StatusOr<durable::ActivityOutcome> outcome =
        context_.CallActivity(path, kModelActivity, step);
    if (!outcome.ok()) return outcome.status();
    if (scheduled_ && context_.CommandMark() > commands) scheduled_(activity_id, request, plan_);
    if (auto unfinished = Unfinished<ChatAnswer>(*outcome)) return *std::move(unfinished);
    absl::StatusOr<ChatAnswer> answer = AnswerFromJson(outcome->output);
    if (!answer.ok()) {
      return Step<ChatAnswer>::Failed(
          absl::StrCat("the recorded model answer cannot be read: ", answer.status().message()));
    }
    return Step<ChatAnswer>::Done(*std::move(answer));
  }

  absl::StatusOr<Step<ToolOutput>> CallTool(int turn, const ToolCall& call,
                                            const AgentTool& tool) override {
    const std::string path = ToolPath(turn, call);
    if (tool.runner.rfind(kSubAgentRunnerPrefix, 0) == 0) return CallSubAgent(path, call, tool);
    const bool mcp = IsMcpTool(tool);
    absl::StatusOr<ToolActivity> activity =
        mcp ? McpToolActivity(mcp_, call, path)
            : BuiltInToolActivity(tool, call, path, plan_.workspace);
    if (!activity.ok()) return Step<ToolOutput>::Failed(std::string(activity.status().message()));
    // MCP activities read the secrets from the run's start themselves.
    if (!redact_.empty() && !mcp) activity->request[activities::kRedactKey] = redact_;
    if (activity->type == kFilesToolActivity) {
      if (json folders = SkillFolders(plan_.document); !folders.empty()) {
        activity->request["read_only"] = std::move(folders);
      }
    }
    if (plan_.input.limits.tool_attempts > 1) {
      activity->request["max_attempts"] = plan_.input.limits.tool_attempts;
    }
    started_[path] = context_.Now();
    absl::StatusOr<durable::ActivityOutcome> outcome =
        context_.CallActivity(path, activity->type, activity->request);
    if (!outcome.ok()) return outcome.status();
    if (auto unfinished = Unfinished<ToolOutput>(*outcome)) return *std::move(unfinished);
    if (mcp) return Step<ToolOutput>::Done(McpToolOutput(outcome->output));
    return Step<ToolOutput>::Done({BuiltInToolText(tool.runner, outcome->output), false});
  }

  // A sub-agent's run: a child workflow; its answer, or its error, is the tool's result.
  absl::StatusOr<Step<ToolOutput>> CallSubAgent(const std::string& path, const ToolCall& call,
                                                const AgentTool& tool) {
    absl::StatusOr<durable::ChildWorkflow> child =
        SubAgentChild(tool, call, plan_.sub_agents, plan_.values, plan_.task_queue);
    if (!child.ok()) return Step<ToolOutput>::Failed(std::string(child.status().message()));
    started_[path] = context_.Now();
    absl::StatusOr<durable::ActivityOutcome> outcome = context_.CallChildWorkflow(path, *child);
    if (!outcome.ok()) return outcome.status();
    if (auto unfinished = Unfinished<ToolOutput>(*outcome)) return *std::move(unfinished);
    return Step<ToolOutput>::Done(SubAgentOutput(outcome->output));
  }

  absl::StatusOr<Step<ApprovalDecision>> AwaitApproval(int turn, const ToolCall& call) override {
    return AwaitApprovalSignal(context_, ToolPath(turn, call), turn, call);
  }

  absl::Status Record(int turn, const ChatMessage& message) override {
    std::string path, name;
    json output = {{"text", message.text}};
    switch (message.role) {
      case Role::kAssistant:
        path = ModelPath(turn);
        name = "model";
        output = MessageToJson(message);
        break;
      case Role::kTool:
        path = workflow::JsonPointerAppend(absl::StrCat("/turns/", turn, "/tools"),
                                           message.tool_call_id);
        name = message.tool_name;
        break;
      default:
        path = absl::StrCat("/turns/", turn, "/user");
        name = "user";
        break;
    }
    auto started = started_.find(path);
    durable::TaskEnd end;
    end.output = std::move(output);
    return context_.TaskEnded(path, name,
                              started != started_.end() ? started->second : context_.Now(), end);
  }

  const std::optional<ChatRequest>& captured() const { return captured_; }

 private:
  durable::WorkflowContext& context_;
  const AgentRunPlan& plan_;
  const McpToolset& mcp_;
  const std::optional<int> capture_turn_;
  std::optional<ChatRequest> captured_;
  std::map<std::string, absl::Time> started_;
  std::map<std::string, int> model_calls_;  // per path, as the context counts steps
  ScheduledModelCall scheduled_;
  json redact_ = json::array();
};

class AgentRun final : public durable::ProgramRun {
 public:
  AgentRun(AgentRunPlan plan, ScheduledModelCall scheduled)
      : plan_(std::move(plan)),
        redactor_(SecretRedactor::FromSecretsObject(plan_.secrets)),
        scheduled_(std::move(scheduled)) {}

  absl::StatusOr<durable::ProgramResult> Run(durable::WorkflowContext& context) override {
    durable::ProgramResult outcome;
    absl::StatusOr<McpListing> mcp = ListMcpTools(context, plan_.document);
    if (!mcp.ok()) return mcp.status();
    if (mcp->state == McpListing::State::kPending) {
      outcome.state = durable::ProgramResult::State::kSuspended;
      return outcome;
    }
    if (mcp->state == McpListing::State::kFailed) {
      outcome.state = durable::ProgramResult::State::kFailed;
      outcome.error = durable::StandardError("runtime", "Agent failed", mcp->error, "/");
      return outcome;
    }
    DurableAgentContext agent(context, plan_, mcp->toolset);
    agent.OnModelCallScheduled(scheduled_);
    absl::StatusOr<AgentRunResult> result =
        RunAgentLoop(WithMcpTools(plan_.input, mcp->toolset), agent);
    if (!result.ok()) return result.status();
    switch (result->state) {
      case AgentRunResult::State::kSuspended:
        outcome.state = durable::ProgramResult::State::kSuspended;
        break;
      case AgentRunResult::State::kCompleted:
        outcome.state = durable::ProgramResult::State::kCompleted;
        outcome.output = {{"answer", result->answer},
                          {"model_calls", result->model_calls},
                          {"tool_calls", result->tool_calls},
                          {"todos", result->todos}};
        break;
      case AgentRunResult::State::kFailed:
        outcome.state = durable::ProgramResult::State::kFailed;
        outcome.error = durable::StandardError("runtime", "Agent failed", result->error, "/");
        break;
    }
    return outcome;
  }

  const SecretRedactor& redactor() const override { return redactor_; }

 private:
  const AgentRunPlan plan_;
  const SecretRedactor redactor_;
  const ScheduledModelCall scheduled_;
};

}  // namespace

absl::StatusOr<AgentRunPlan> ReadAgentRun(const durable::ReplayHistory& history,
                                          const std::string& workflow_id,
                                          const AgentProgramOptions& options) {
  const temporal::Payloads& payloads = history.started().input();
  if (payloads.payloads_size() == 0) {
    return absl::InvalidArgumentError(
        "the first input payload must be the agent document as a JSON object");
  }
  absl::StatusOr<AgentDocument> document = ParseAgentDocument(payloads.payloads(0).data());
  if (!document.ok()) return document.status();
  absl::StatusOr<json> run = temporal::DecodeJsonPayloadAt(payloads, 1);
  if (!run.ok()) return run.status();
  absl::StatusOr<json> values = temporal::DecodeJsonPayloadAt(payloads, 2);
  if (!values.ok()) return values.status();
  if (!run->is_object() || !(*run)["message"].is_string()) {
    return absl::InvalidArgumentError(
        "the second input payload must be {\"message\": text, ...}: the user's message");
  }

  AgentRunPlan plan;
  plan.document = json::parse(document->json.dump());
  const json& agent = plan.document;
  AgentRunInput& input = plan.input;
  input.instructions = StringAt(agent, "instructions") + SkillsPrompt(agent);
  input.message = (*run)["message"].get<std::string>();
  if (auto transcript = run->find("transcript");
      transcript != run->end() && transcript->is_array()) {
    for (const json& earlier : *transcript) {
      absl::StatusOr<ChatMessage> message = MessageFromJson(earlier);
      if (!message.ok()) return message.status();
      input.transcript.push_back(*std::move(message));
    }
  }
  if (auto model = agent.find("model"); model != agent.end() && model->is_object()) {
    input.model = StringAt(*model, "name");
    if (auto temperature = model->find("temperature");
        temperature != model->end() && temperature->is_number()) {
      input.temperature = temperature->get<double>();
    }
    if (auto max_tokens = model->find("max_tokens");
        max_tokens != model->end() && max_tokens->is_number_integer()) {
      input.max_tokens = max_tokens->get<int>();
    }
  }
  input.tools = BuiltInTools(StringList(agent, "tools"), StringList(agent, "needs_approval"));
  if (auto sub_agents = run->find("sub_agents"); sub_agents != run->end()) {
    plan.sub_agents = *sub_agents;
  }
  absl::StatusOr<std::vector<AgentTool>> sub_agent_tools = SubAgentTools(agent, plan.sub_agents);
  if (!sub_agent_tools.ok()) return sub_agent_tools.status();
  input.tools.insert(input.tools.end(), sub_agent_tools->begin(), sub_agent_tools->end());
  input.limits = ReadLimits(agent);
  plan.values = *values;
  if (values->is_object()) {
    if (auto secrets = values->find("secrets"); secrets != values->end() && secrets->is_object()) {
      plan.secrets = *secrets;
    }
  }
  plan.task_queue = history.started().task_queue().name();
  // A session's runs share one workspace: what a turn wrote, the next one reads.
  const std::string session = StringAt(*run, "session");
  plan.workspace = (std::filesystem::path(options.workspaces_dir) /
                    (IsSessionId(session) ? session : workflow_id))
                       .string();
  return plan;
}

AgentProgram::AgentProgram(AgentProgramOptions options)
    : type_(kAgentWorkflowType),
      options_(std::move(options)),
      scheduled_(kScheduledModelCalls, kScheduledModelCallBytes) {}

absl::StatusOr<std::unique_ptr<durable::ProgramRun>> AgentProgram::Load(
    const durable::ReplayHistory& history, const std::string& workflow_id) {
  absl::StatusOr<AgentRunPlan> plan = ReadAgentRun(history, workflow_id, options_);
  if (!plan.ok()) return plan.status();
  // The run id as the activities see it (a reset run keeps the original's: its calls miss).
  const std::string run_id = history.started().original_execution_run_id();
  if (run_id.empty()) return std::make_unique<AgentRun>(*std::move(plan), nullptr);
  auto keep = [this, workflow_id, run_id](const std::string& activity_id,
                                          const ChatRequest& request, const AgentRunPlan& plan) {
    auto call = std::make_shared<const ModelCall>(ModelCall{request, plan});
    scheduled_.Put({workflow_id, run_id, activity_id}, call, ApproximateBytes(request));
  };
  return std::make_unique<AgentRun>(*std::move(plan), std::move(keep));
}

std::shared_ptr<const AgentProgram::ModelCall> AgentProgram::TakeScheduledModelCall(
    const activities::ActivityInfo& info) {
  return scheduled_.Take({info.workflow_id, info.run_id, info.activity_id});
}

absl::StatusOr<AgentProgram::ModelCall> AgentProgram::ReplayModelCall(
    const durable::ReplayHistory& history, const std::string& workflow_id, int turn) {
  absl::StatusOr<AgentRunPlan> plan = ReadAgentRun(history, workflow_id, options_);
  if (!plan.ok()) return plan.status();
  durable::ReplayContext replay(history, durable::CommandOptions{}, workflow_id);
  absl::StatusOr<McpListing> mcp = ListMcpTools(replay, plan->document);
  if (!mcp.ok()) return mcp.status();
  DurableAgentContext agent(replay, *plan, mcp->toolset, turn);
  absl::StatusOr<AgentRunResult> result =
      mcp->state == McpListing::State::kDone
          ? RunAgentLoop(WithMcpTools(plan->input, mcp->toolset), agent)
          : absl::StatusOr<AgentRunResult>(AgentRunResult{});
  if (!agent.captured()) {
    if (!result.ok()) return result.status();
    return absl::NotFoundError(absl::StrCat("the run's history never reaches model call ", turn));
  }
  return ModelCall{*agent.captured(), *std::move(plan)};
}

}  // namespace stigmer::agent
