#include "cli/get_command.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cli/api_client.h"
#include "cli/execution_view.h"
#include "cli/resource_output.h"
#include "cli/session_view.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "server/store/page_token.h"

namespace stigmer::cli {
namespace {

using stigmer::v1::Execution;

std::string LocalTime(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0
             ? std::string("-")
             : absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTime(t), absl::LocalTimeZone());
}

std::vector<std::vector<std::string>> WorkflowRows(
    const std::vector<stigmer::v1::Workflow>& workflows) {
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "VERSION", "DOCUMENT VERSION", "UPDATED", "ID"}};
  for (const auto& w : workflows) {
    rows.push_back({w.name(), absl::StrCat(w.version()), w.document_version(),
                    LocalTime(w.updated_at()), w.id()});
  }
  return rows;
}

// "openai/gpt-4o-mini"; the provider alone when the model has no name (local's default).
std::string ModelOf(const stigmer::v1::Agent& agent) {
  return agent.model_name().empty() ? agent.model_provider()
                                    : absl::StrCat(agent.model_provider(), "/", agent.model_name());
}

// "files,shell,mcp:fs"; "-" when none.
std::string ToolsOf(const stigmer::v1::Agent& agent) {
  std::vector<std::string> tools(agent.tools().begin(), agent.tools().end());
  for (const std::string& server : agent.mcp_servers()) tools.push_back("mcp:" + server);
  return tools.empty() ? "-" : absl::StrJoin(tools, ",");
}

std::vector<std::vector<std::string>> AgentRows(const std::vector<stigmer::v1::Agent>& agents) {
  std::vector<std::vector<std::string>> rows = {{"NAME", "VERSION", "MODEL", "TOOLS", "UPDATED"}};
  for (const auto& a : agents) {
    rows.push_back(
        {a.name(), absl::StrCat(a.version()), ModelOf(a), ToolsOf(a), LocalTime(a.updated_at())});
  }
  return rows;
}

std::vector<std::vector<std::string>> ExecutionRows(const std::vector<Execution>& executions) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "WORKFLOW", "VERSION", "PHASE", "CREATED", "DURATION", "PARENT"}};
  for (const auto& e : executions) {
    rows.push_back({e.id(), e.workflow(), absl::StrCat(e.workflow_version()), PhaseName(e.phase()),
                    LocalTime(e.created_at()),
                    e.ended_at().seconds() ? FormatSeconds(e.started_at(), e.ended_at()) : "-",
                    e.parent_execution().empty() ? "-" : e.parent_execution()});
  }
  return rows;
}

// Asks for page after page, each with the token the one before gave, until the last page or
// `limit` rows (0: no limit). `fetch(token, page_size, &next_token)` keeps the page's rows and
// returns the call's status and how many rows it kept. True when rows beyond `limit` exist.
template <typename Fetch>
absl::StatusOr<bool> FetchPages(int limit, int page_size, Fetch fetch) {
  if (page_size <= 0) page_size = store::kMaxPageSize;
  std::string token;
  int rows = 0;
  do {
    std::string next;
    const int wanted = limit > 0 ? std::min(page_size, limit - rows) : page_size;
    auto [status, kept] = fetch(token, wanted, &next);
    if (!status.ok()) return FromGrpcStatus(status);
    rows += kept;
    token = std::move(next);
    if (limit > 0 && rows >= limit) return !token.empty();
  } while (!token.empty());
  return false;
}

// `stigmer get sessions`: one page of the most recently active (--limit, else the most the
// server gives).
int GetSessions(ApiClient& client, TerminalOutput& output, OutputFormat format,
                const GetOptions& options) {
  if (!options.name.empty()) {
    output.Error(
        absl::StrCat("sessions are listed, not shown one by one: `stigmer get executions "
                     "--session ",
                     options.name, "` lists the runs of one"));
    return 2;
  }
  grpc::ClientContext context;
  stigmer::v1::ListSessionsRequest request;
  request.set_agent(options.workflow);
  request.set_page_size(options.limit > 0 ? options.limit : store::kMaxPageSize);
  stigmer::v1::ListSessionsResponse response;
  if (absl::Status status = FromGrpcStatus(
          client.executions().ListSessions(WithCallDeadline(&context), request, &response));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  std::vector<stigmer::v1::Session> sessions(response.sessions().begin(),
                                             response.sessions().end());
  if (format == OutputFormat::kTable) {
    output.out() << RenderTable(SessionRows(sessions, absl::LocalTimeZone())) << std::flush;
    return 0;
  }
  nlohmann::json json = nlohmann::json::array();
  for (const auto& session : sessions) json.push_back(MessageToJson(session));
  output.Line(format == OutputFormat::kJson ? json.dump(2) : JsonToYaml(json));
  return 0;
}

// "every 2s", "cron 0 0 * * *", or both; or "after 5s".
std::string SpecOf(const stigmer::v1::Schedule& schedule) {
  std::vector<std::string> parts;
  if (!schedule.every().empty()) parts.push_back("every " + schedule.every());
  if (!schedule.cron().empty()) parts.push_back("cron " + schedule.cron());
  if (!schedule.after().empty()) parts.push_back("after " + schedule.after());
  return absl::StrJoin(parts, ", ");
}

// The next three fire times, the date once; "-" when none is left.
std::string NextRunsOf(const stigmer::v1::Schedule& schedule) {
  std::vector<std::string> times;
  std::string day;
  for (const auto& next : schedule.next_runs()) {
    if (times.size() == 3) break;
    const absl::Time time = FromProtoTime(next);
    const std::string date = absl::FormatTime("%Y-%m-%d ", time, absl::LocalTimeZone());
    times.push_back((date == day ? "" : date) +
                    absl::FormatTime("%H:%M:%S", time, absl::LocalTimeZone()));
    day = date;
  }
  return times.empty() ? "-" : absl::StrJoin(times, ", ");
}

// `stigmer get schedules`: every workflow's schedule, with its next fire times.
int GetSchedules(ApiClient& client, TerminalOutput& output, OutputFormat format,
                 const GetOptions& options) {
  if (!options.name.empty()) {
    output.Error("schedules are listed, not shown one by one: `stigmer get schedules` lists them");
    return 2;
  }
  grpc::ClientContext context;
  stigmer::v1::ListSchedulesResponse response;
  if (absl::Status status = FromGrpcStatus(client.workflows().ListSchedules(
          WithCallDeadline(&context), stigmer::v1::ListSchedulesRequest(), &response));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  if (format == OutputFormat::kTable) {
    std::vector<std::vector<std::string>> rows = {
        {"NAME", "VERSION", "SPEC", "NEXT RUNS", "PAUSED", "RUNS"}};
    for (const auto& schedule : response.schedules()) {
      rows.push_back({schedule.workflow(), absl::StrCat(schedule.workflow_version()),
                      SpecOf(schedule), NextRunsOf(schedule), schedule.paused() ? "yes" : "no",
                      absl::StrCat(schedule.runs())});
    }
    output.out() << RenderTable(rows) << std::flush;
    return 0;
  }
  nlohmann::json json = nlohmann::json::array();
  for (const auto& schedule : response.schedules()) json.push_back(MessageToJson(schedule));
  output.Line(format == OutputFormat::kJson ? json.dump(2) : JsonToYaml(json));
  return 0;
}

}  // namespace

int GetResources(const config::Paths& paths, TerminalOutput& output, const GetOptions& options) {
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(options.output);
  const std::string kind = std::string(absl::StripSuffix(options.kind, "s"));
  if (!format.ok() || (kind != "workflow" && kind != "execution" && kind != "agent" &&
                       kind != "session" && kind != "schedule")) {
    output.Error(format.ok() ? absl::StrCat("unknown kind \"", options.kind,
                                            "\"; use workflows, agents, executions, sessions "
                                            "or schedules")
                             : std::string(format.status().message()));
    return 2;
  }
  absl::StatusOr<stigmer::v1::ExecutionPhase> phase = stigmer::v1::EXECUTION_PHASE_UNSPECIFIED;
  if (!options.phase.empty()) phase = ParsePhase(options.phase);
  if (!phase.ok()) {
    output.Error(phase.status().message());
    return 2;
  }
  if (options.limit < 0 || options.page_size < 0) {
    output.Error(absl::StrCat(options.limit < 0 ? "--limit" : "--page-size",
                              " takes a number of rows from 1 (0: no limit)"));
    return 2;
  }
  absl::StatusOr<ApiClient> client = ConnectToServer(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  auto print_json = [&](const nlohmann::json& json) {
    output.Line(*format == OutputFormat::kJson ? json.dump(2) : JsonToYaml(json));
  };
  if (kind == "session") return GetSessions(*client, output, *format, options);
  if (kind == "schedule") return GetSchedules(*client, output, *format, options);
  if (!options.name.empty()) {
    grpc::ClientContext context;
    grpc::Status status;
    nlohmann::json json;
    if (kind == "workflow") {
      stigmer::v1::GetWorkflowRequest request;
      request.set_name(options.name);
      stigmer::v1::Workflow workflow;
      status = client->workflows().Get(WithCallDeadline(&context), request, &workflow);
      json = MessageToJson(workflow);
      if (status.ok() && *format == OutputFormat::kTable) {
        output.out() << RenderTable(WorkflowRows({workflow})) << std::flush;
        return 0;
      }
    } else if (kind == "agent") {
      stigmer::v1::GetAgentRequest request;
      request.set_name(options.name);
      stigmer::v1::Agent agent;
      status = client->agents().Get(WithCallDeadline(&context), request, &agent);
      json = MessageToJson(agent);
      if (status.ok() && *format == OutputFormat::kTable) {
        output.out() << RenderTable(AgentRows({agent})) << std::flush;
        return 0;
      }
    } else {
      stigmer::v1::GetExecutionRequest request;
      request.set_id(options.name);
      Execution execution;
      status = client->executions().Get(WithCallDeadline(&context), request, &execution);
      json = ExecutionToJson(execution);
      if (status.ok() && *format == OutputFormat::kTable) {
        output.out() << RenderExecutionDetail(execution, absl::LocalTimeZone()) << std::flush;
        return 0;
      }
    }
    if (!status.ok()) {
      output.Error(status.error_message());
      return 1;
    }
    print_json(json);
    return 0;
  }

  std::vector<stigmer::v1::Workflow> workflows;
  std::vector<Execution> executions;
  std::vector<stigmer::v1::Agent> agents;
  auto fetch = [&](const std::string& token, int page_size, std::string* next) {
    grpc::ClientContext context;
    if (kind == "agent") {
      stigmer::v1::ListAgentsRequest request;
      request.set_page_size(page_size);
      request.set_page_token(token);
      stigmer::v1::ListAgentsResponse response;
      grpc::Status status = client->agents().List(WithCallDeadline(&context), request, &response);
      agents.insert(agents.end(), response.agents().begin(), response.agents().end());
      *next = response.next_page_token();
      return std::make_pair(status, response.agents_size());
    }
    if (kind == "workflow") {
      stigmer::v1::ListWorkflowsRequest request;
      request.set_page_size(page_size);
      request.set_page_token(token);
      stigmer::v1::ListWorkflowsResponse response;
      grpc::Status status =
          client->workflows().List(WithCallDeadline(&context), request, &response);
      workflows.insert(workflows.end(), response.workflows().begin(), response.workflows().end());
      *next = response.next_page_token();
      return std::make_pair(status, response.workflows_size());
    }
    stigmer::v1::ListExecutionsRequest request;
    request.set_workflow(options.workflow);
    request.set_phase(*phase);
    request.set_session(options.session);
    request.set_page_size(page_size);
    request.set_page_token(token);
    stigmer::v1::ListExecutionsResponse response;
    grpc::Status status = client->executions().List(WithCallDeadline(&context), request, &response);
    executions.insert(executions.end(), response.executions().begin(), response.executions().end());
    *next = response.next_page_token();
    return std::make_pair(status, response.executions_size());
  };
  absl::StatusOr<bool> more = FetchPages(options.limit, options.page_size, fetch);
  if (!more.ok()) {
    output.Error(more.status().message());
    return 1;
  }
  if (*more) {
    output.Warning(absl::StrCat("showing the first ", options.limit, " ", kind,
                                "s; there are more: raise --limit, or leave it out for all"));
  }
  if (*format != OutputFormat::kTable) {
    nlohmann::json json = nlohmann::json::array();
    for (const auto& workflow : workflows) json.push_back(MessageToJson(workflow));
    for (const auto& agent : agents) json.push_back(MessageToJson(agent));
    for (const auto& execution : executions) json.push_back(ExecutionToJson(execution));
    print_json(json);
    return 0;
  }
  output.out() << RenderTable(kind == "workflow" ? WorkflowRows(workflows)
                              : kind == "agent"  ? AgentRows(agents)
                                                 : ExecutionRows(executions))
               << std::flush;
  return 0;
}

}  // namespace stigmer::cli
