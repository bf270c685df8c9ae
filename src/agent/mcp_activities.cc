#include "agent/mcp_activities.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "activities/activity_text.h"
#include "agent/builtin_tools.h"
#include "agent/mcp_toolset.h"
#include "common/byte_size.h"
#include "common/json_fields.h"
#include "common/payload_limits.h"

namespace stigmer::agent {
namespace {

using activities::ActivityResult;
using json = nlohmann::json;

// What one list may record: half of what Temporal takes in one request.
constexpr size_t kMaxListBytes = kMaxPayloadsBytes / 2;

ActivityResult Failure(const json& request, const SecretRedactor& redactor, const char* kind,
                       std::string title, absl::string_view detail) {
  return ActivityResult::Failure(durable::StandardError(
      kind, std::move(title), redactor.Redact(detail), activities::ActivityTaskPath(request)));
}

std::string RunKey(const activities::ActivityInfo& info) {
  return absl::StrCat(info.workflow_id, "/", info.run_id);
}

}  // namespace

McpActivities::McpActivities(McpActivityOptions options)
    : options_(std::move(options)), pool_(options_.limits.pool) {}

absl::StatusOr<McpActivities::Launch> McpActivities::Resolve(const activities::ActivityInfo& info,
                                                             const std::string& server) {
  absl::StatusOr<std::vector<durable::HistoryEvent>> events = options_.read_history(info);
  if (!events.ok()) return events.status();
  absl::StatusOr<durable::ReplayHistory> history = durable::ReplayHistory::Index(*events);
  if (!history.ok()) return history.status();
  absl::StatusOr<AgentRunPlan> plan =
      ReadAgentRun(*history, info.workflow_id, options_.program->options());
  if (!plan.ok()) return plan.status();
  absl::StatusOr<McpServerLaunch> launch = ResolveMcpServer(plan->document, server, plan->secrets,
                                                            options_.environment, plan->workspace);
  if (!launch.ok()) return launch.status();
  return Launch{*std::move(launch), SecretRedactor::FromSecretsObject(plan->secrets)};
}

ActivityResult McpActivities::List(const activities::ActivityInfo& info, const json& request,
                                   activities::ActivityControl& control) {
  const std::string server = StringAt(request, "server");
  absl::StatusOr<Launch> launch = Resolve(info, server);
  if (!launch.ok()) {
    return Failure(request, SecretRedactor(), "configuration", "MCP server not configured",
                   launch.status().message());
  }
  const SecretRedactor& redactor = launch->redactor;
  const McpServerConfig& config = launch->server.config;
  absl::StatusOr<std::vector<McpTool>> tools = pool_.ListTools(
      RunKey(info), server, [&config]() -> absl::StatusOr<McpServerConfig> { return config; },
      options_.limits.list_timeout, [&control] { return control.KeepGoing(); });
  if (absl::IsCancelled(tools.status())) return ActivityResult::Cancelled();
  if (!tools.ok()) {
    // A command not found is named already.
    return Failure(
        request, redactor, "communication", "MCP server unavailable",
        absl::IsNotFound(tools.status())
            ? std::string(tools.status().message())
            : absl::StrCat(tools.status().message(), " (command: ", McpCommandLine(config), ")"));
  }
  absl::StatusOr<std::vector<McpTool>> enabled =
      EnabledMcpTools(server, *std::move(tools), launch->server.enabled_tools);
  if (!enabled.ok()) {
    return Failure(request, redactor, "configuration", "MCP server not configured",
                   enabled.status().message());
  }
  json listed = McpToolsToJson(*enabled);
  if (const size_t bytes = listed.dump().size(); bytes > kMaxListBytes) {
    return Failure(request, redactor, "configuration", "MCP server not configured",
                   absl::StrCat("the tools of the MCP server ", server, " take ", HumanBytes(bytes),
                                " as JSON, more than the ", HumanBytes(kMaxListBytes),
                                " a run records for one server: name the tools the agent needs "
                                "in its enabled_tools"));
  }
  return ActivityResult::Success(std::move(listed));
}

ActivityResult McpActivities::Call(const activities::ActivityInfo& info, const json& request,
                                   activities::ActivityControl& control) {
  const std::string server = StringAt(request, "server");
  const std::string tool = StringAt(request, "tool");
  // Read only when the server must be started; its secrets then redact what it said.
  SecretRedactor redactor;
  std::string command;
  const auto config = [&]() -> absl::StatusOr<McpServerConfig> {
    absl::StatusOr<Launch> launch = Resolve(info, server);
    if (!launch.ok()) return launch.status();
    redactor = launch->redactor;
    command = McpCommandLine(launch->server.config);
    return launch->server.config;
  };
  absl::StatusOr<McpCallResult> called =
      pool_.CallTool(RunKey(info), server, config, tool, request.value("arguments", json::object()),
                     options_.limits.call_timeout, [&control] { return control.KeepGoing(); });
  if (absl::IsCancelled(called.status()) || (!called.ok() && !control.KeepGoing())) {
    return ActivityResult::Cancelled();
  }
  if (absl::IsDeadlineExceeded(called.status())) {
    return Failure(request, redactor, "timeout", "MCP call timed out",
                   absl::StrCat(called.status().message(), ": ", tool, " took more than ",
                                absl::FormatDuration(options_.limits.call_timeout)));
  }
  if (!called.ok()) {
    return Failure(request, redactor, "communication", "MCP call failed",
                   command.empty()
                       ? called.status().message()
                       : absl::StrCat(called.status().message(), " (command: ", command, ")"));
  }
  std::string text = called->text;
  if (text.size() > kMaxToolTextBytes) text = activities::Excerpt(text, kMaxToolTextBytes);
  return ActivityResult::Success({{"text", std::move(text)}, {"is_error", called->is_error}});
}

}  // namespace stigmer::agent
