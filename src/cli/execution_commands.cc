#include "cli/execution_commands.h"

#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cli/api_client.h"
#include "cli/execution_view.h"
#include "cli/resource_output.h"
#include "cli/run_input.h"
#include "cli/workflow_commands.h"
#include "common/grpc_status.h"
#include "common/json_limits.h"
#include "config/config.h"
#include "server/execution_phase.h"
#include "server/store/page_token.h"

namespace stigmer::cli {
namespace {

using stigmer::v1::Execution;

absl::Status AddRuntimeValues(const std::vector<std::string>& pairs, bool secret,
                              stigmer::v1::CreateExecutionRequest* request) {
  for (const std::string& text : pairs) {
    absl::StatusOr<RuntimePair> pair = ParseRuntimePair(text, secret);
    if (!pair.ok()) return pair.status();
    auto* value = request->add_runtime();
    value->set_name(pair->name);
    value->set_value(pair->value);
    value->set_secret(secret);
  }
  return absl::OkStatus();
}

// Prints what changed between two states of an execution, as `stigmer run` shows progress.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(TerminalOutput& output) : output_(output) {}

  void Show(const Execution& execution) {
    // Entries are only ever appended (a loop or a retry adds one per run of a task), so an
    // entry's place identifies it.
    if (seen_.size() < static_cast<size_t>(execution.tasks_size())) {
      seen_.resize(execution.tasks_size(), stigmer::v1::TASK_PHASE_UNSPECIFIED);
    }
    for (int i = 0; i < execution.tasks_size(); ++i) {
      const auto& task = execution.tasks(i);
      if (seen_[i] == task.phase()) continue;
      seen_[i] = task.phase();
      if (task.phase() == stigmer::v1::TASK_PHASE_RUNNING) {
        output_.Info(absl::StrCat(task.name(), " started (", task.path(), ")"));
      } else if (task.phase() == stigmer::v1::TASK_PHASE_COMPLETED) {
        output_.Success(absl::StrCat(task.name(), " done (",
                                     FormatSeconds(task.started_at(), task.ended_at()), ")"));
      } else if (task.phase() == stigmer::v1::TASK_PHASE_FAILED) {
        output_.Error(absl::StrCat(task.name(), " failed (", task.path(), ")"));
      }
    }
  }

 private:
  TerminalOutput& output_;
  std::vector<stigmer::v1::TaskPhase> seen_;  // by entry
};

int Finish(const Execution& execution, TerminalOutput& output, const std::string& format) {
  if (format == "json" || format == "yaml") {
    nlohmann::json json = ExecutionToJson(execution);
    output.Line(format == "json" ? json.dump(2) : JsonToYaml(json));
  } else if (execution.phase() == stigmer::v1::EXECUTION_PHASE_COMPLETED) {
    output.Success(absl::StrCat(execution.id(), " completed"));
    absl::StatusOr<nlohmann::json> result = ParseJsonBounded(execution.output(), "the output");
    output.Line(result.ok() ? result->dump(2) : execution.output());
  } else {
    const auto& error = execution.error();
    output.Error(absl::StrCat(execution.id(), " ",
                              absl::AsciiStrToLower(PhaseName(execution.phase())),
                              error.title().empty() ? "" : absl::StrCat(": ", error.title())));
    for (const std::string& line : ErrorLines(error)) {
      if (line != error.title()) output.Error(line);
    }
  }
  return execution.phase() == stigmer::v1::EXECUTION_PHASE_COMPLETED ? 0 : 1;
}

absl::StatusOr<ApiClient> Connect(const config::Paths& paths) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) return config.status();
  return ApiClient::Connect(ServerAddress(config->ServerAddress()), paths.ApiTokenFile());
}

grpc::ClientContext* WithDeadline(grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return context;
}

std::string LocalTime(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0
             ? std::string("-")
             : absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()),
                                absl::LocalTimeZone());
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

std::vector<std::vector<std::string>> ExecutionRows(const std::vector<Execution>& executions) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "WORKFLOW", "VERSION", "PHASE", "CREATED", "DURATION"}};
  for (const auto& e : executions) {
    rows.push_back({e.id(), e.workflow(), absl::StrCat(e.workflow_version()), PhaseName(e.phase()),
                    LocalTime(e.created_at()),
                    e.ended_at().seconds() ? FormatSeconds(e.started_at(), e.ended_at()) : "-"});
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

}  // namespace

int RunWorkflow(const config::Paths& paths, TerminalOutput& output, const RunOptions& options) {
  stigmer::v1::CreateExecutionRequest request;
  request.set_workflow(options.workflow);
  request.set_version(options.version);
  absl::StatusOr<std::string> input = ReadRunInput(options.input);
  absl::Status runtime = AddRuntimeValues(options.env, false, &request);
  if (runtime.ok()) runtime = AddRuntimeValues(options.secrets, true, &request);
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(options.output);
  for (const absl::Status& status : {input.status(), runtime, format.status()}) {
    if (!status.ok()) {
      output.Error(status.message());
      return 2;
    }
  }
  request.set_input(*input);
  request.set_request_id(absl::StrCat("cli-", ::getpid(), "-", absl::ToUnixNanos(absl::Now())));

  absl::StatusOr<ApiClient> client = ConnectStartingServer(paths, output);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  Execution execution;
  {
    grpc::ClientContext context;
    if (absl::Status created = FromGrpcStatus(
            client->executions().Create(WithDeadline(&context), request, &execution));
        !created.ok()) {
      output.Error(created.message());
      return 1;
    }
  }
  if (!options.follow) {
    if (*format == OutputFormat::kTable && output.quiet()) {
      output.Line(execution.id());  // for scripts: `id=$(stigmer run x --no-follow -q)`
    } else if (*format == OutputFormat::kTable) {
      output.Success(absl::StrCat("started ", execution.id(), " (", options.workflow, " version ",
                                  execution.workflow_version(), ")"));
      output.Info(absl::StrCat("follow it with `stigmer get executions ", execution.id(), "`"));
    } else {
      Finish(execution, output, options.output);  // the record as created; not finished yet
    }
    return 0;
  }
  if (*format == OutputFormat::kTable) {
    output.Info(absl::StrCat("running ", options.workflow, " as ", execution.id()));
  }
  ProgressPrinter progress(output);
  // A broken stream (the server restarted) is picked up again: Watch always starts with the
  // whole current state, so nothing is missed.
  for (int attempt = 0; attempt < 30 && !server::IsTerminalPhase(execution.phase()); ++attempt) {
    grpc::ClientContext context;
    stigmer::v1::WatchExecutionRequest watch;
    watch.set_id(execution.id());
    auto reader = client->executions().Watch(&context, watch);
    Execution update;
    while (reader->Read(&update)) {
      execution = update;
      if (*format == OutputFormat::kTable) progress.Show(execution);
      if (server::IsTerminalPhase(execution.phase())) break;
    }
    if (server::IsTerminalPhase(execution.phase())) {
      context.TryCancel();
      break;
    }
    grpc::Status status = reader->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      if (!status.ok()) output.Error(status.error_message());
      if (!status.ok()) return 1;
    }
    absl::StatusOr<ApiClient> again =
        ApiClient::Connect(client->address(), client->token_file(), absl::Seconds(10));
    if (again.ok()) client = std::move(again);
  }
  if (!server::IsTerminalPhase(execution.phase())) {
    output.Error(absl::StrCat("lost track of ", execution.id(), "; `stigmer get executions ",
                              execution.id(), "` shows it"));
    return 1;
  }
  return Finish(execution, output, options.output);
}

int GetResources(const config::Paths& paths, TerminalOutput& output, const GetOptions& options) {
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(options.output);
  const std::string kind = std::string(absl::StripSuffix(options.kind, "s"));
  if (!format.ok() || (kind != "workflow" && kind != "execution")) {
    output.Error(format.ok() ? absl::StrCat("unknown kind \"", options.kind,
                                            "\"; use workflows or executions")
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
  absl::StatusOr<ApiClient> client = Connect(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  auto print_json = [&](const nlohmann::json& json) {
    output.Line(*format == OutputFormat::kJson ? json.dump(2) : JsonToYaml(json));
  };
  if (!options.name.empty()) {
    grpc::ClientContext context;
    grpc::Status status;
    nlohmann::json json;
    if (kind == "workflow") {
      stigmer::v1::GetWorkflowRequest request;
      request.set_name(options.name);
      stigmer::v1::Workflow workflow;
      status = client->workflows().Get(WithDeadline(&context), request, &workflow);
      json = MessageToJson(workflow);
      if (status.ok() && *format == OutputFormat::kTable) {
        output.out() << RenderTable(WorkflowRows({workflow})) << std::flush;
        return 0;
      }
    } else {
      stigmer::v1::GetExecutionRequest request;
      request.set_id(options.name);
      Execution execution;
      status = client->executions().Get(WithDeadline(&context), request, &execution);
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
  auto fetch = [&](const std::string& token, int page_size, std::string* next) {
    grpc::ClientContext context;
    if (kind == "workflow") {
      stigmer::v1::ListWorkflowsRequest request;
      request.set_page_size(page_size);
      request.set_page_token(token);
      stigmer::v1::ListWorkflowsResponse response;
      grpc::Status status = client->workflows().List(WithDeadline(&context), request, &response);
      workflows.insert(workflows.end(), response.workflows().begin(), response.workflows().end());
      *next = response.next_page_token();
      return std::make_pair(status, response.workflows_size());
    }
    stigmer::v1::ListExecutionsRequest request;
    request.set_workflow(options.workflow);
    request.set_phase(*phase);
    request.set_page_size(page_size);
    request.set_page_token(token);
    stigmer::v1::ListExecutionsResponse response;
    grpc::Status status = client->executions().List(WithDeadline(&context), request, &response);
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
    for (const auto& execution : executions) json.push_back(ExecutionToJson(execution));
    print_json(json);
    return 0;
  }
  output.out() << RenderTable(kind == "workflow" ? WorkflowRows(workflows)
                                                 : ExecutionRows(executions))
               << std::flush;
  return 0;
}

int CancelExecution(const config::Paths& paths, TerminalOutput& output, const std::string& id) {
  absl::StatusOr<ApiClient> client = Connect(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  grpc::ClientContext context;
  stigmer::v1::CancelExecutionRequest request;
  request.set_id(id);
  Execution execution;
  if (absl::Status status =
          FromGrpcStatus(client->executions().Cancel(WithDeadline(&context), request, &execution));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat("cancel requested for ", id));
  return 0;
}

}  // namespace stigmer::cli
