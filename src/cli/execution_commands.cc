#include "cli/execution_commands.h"

#include <unistd.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "cli/api_client.h"
#include "cli/resource_output.h"
#include "cli/workflow_commands.h"
#include "common/file_io.h"
#include "common/grpc_status.h"
#include "common/json_limits.h"
#include "config/config.h"
#include "google/protobuf/util/time_util.h"
#include "server/execution_phase.h"

namespace stigmer::cli {
namespace {

using stigmer::v1::Execution;

absl::StatusOr<std::string> ReadInput(const std::string& input) {
  std::string text = input.empty() ? "{}" : input;
  if (absl::StartsWith(text, "@")) {
    absl::StatusOr<std::string> file = ReadFileToString(text.substr(1));
    if (!file.ok()) return file.status();
    text = *file;
  }
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(text, "--input");
  if (!json.ok()) return json.status();
  if (!json->is_object()) {
    return absl::InvalidArgumentError("--input must be a JSON object, such as {\"name\": \"ada\"}");
  }
  return json->dump();
}

absl::Status AddRuntimeValues(const std::vector<std::string>& pairs, bool secret,
                              stigmer::v1::CreateExecutionRequest* request) {
  for (const std::string& pair : pairs) {
    const size_t equals = pair.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat(secret ? "--secret" : "--env", " \"",
                                                     secret ? "<hidden>" : pair,
                                                     "\" is not NAME=VALUE"));
    }
    auto* value = request->add_runtime();
    value->set_name(pair.substr(0, equals));
    value->set_value(pair.substr(equals + 1));
    value->set_secret(secret);
  }
  return absl::OkStatus();
}

std::string Seconds(const google::protobuf::Timestamp& from,
                    const google::protobuf::Timestamp& to) {
  const int64_t ms = google::protobuf::util::TimeUtil::DurationToMilliseconds(to - from);
  return absl::StrFormat("%.1fs", ms / 1000.0);
}

// Prints what changed between two states of an execution, as `stigmer run` shows progress.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(TerminalOutput& output) : output_(output) {}

  void Show(const Execution& execution) {
    // A composite task's entry is placed before the entries of the tasks inside it when it
    // ends, so places shift; the entries of one path keep their order (a loop or a retry adds
    // one per run of a task), so (path, n-th entry of that path) identifies an entry.
    std::map<std::string, int> occurrences;
    for (int i = 0; i < execution.tasks_size(); ++i) {
      const auto& task = execution.tasks(i);
      auto& seen = seen_[{task.path(), occurrences[task.path()]++}];
      if (seen == task.phase()) continue;
      seen = task.phase();
      if (task.phase() == stigmer::v1::TASK_PHASE_RUNNING) {
        output_.Info(absl::StrCat(task.name(), " started (", task.path(), ")"));
      } else if (task.phase() == stigmer::v1::TASK_PHASE_COMPLETED) {
        output_.Success(
            absl::StrCat(task.name(), " done (", Seconds(task.started_at(), task.ended_at()), ")"));
      } else if (task.phase() == stigmer::v1::TASK_PHASE_FAILED) {
        output_.Error(absl::StrCat(task.name(), " failed (", task.path(), ")"));
      } else if (task.phase() == stigmer::v1::TASK_PHASE_CANCELLED) {
        output_.Error(absl::StrCat(task.name(), " cancelled (", task.path(), ")"));
      }
    }
  }

 private:
  TerminalOutput& output_;
  std::map<std::pair<std::string, int>, stigmer::v1::TaskPhase> seen_;  // by path, occurrence
};

int Finish(const Execution& execution, TerminalOutput& output, const std::string& format) {
  if (format == "json" || format == "yaml") {
    nlohmann::json json = MessageToJson(execution);
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
    if (!error.detail().empty()) output.Error(absl::StrCat("  ", error.detail()));
    if (!error.type().empty()) {
      output.Error(
          absl::StrCat("  type ", error.type(), ", status ", error.status(),
                       error.instance().empty() ? "" : absl::StrCat(", at ", error.instance())));
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

}  // namespace

int RunWorkflow(const config::Paths& paths, TerminalOutput& output, const RunOptions& options) {
  stigmer::v1::CreateExecutionRequest request;
  request.set_workflow(options.workflow);
  request.set_version(options.version);
  absl::StatusOr<std::string> input = ReadInput(options.input);
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
  absl::StatusOr<ApiClient> client = Connect(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  std::vector<const google::protobuf::Message*> items;
  stigmer::v1::Workflow workflow;
  Execution execution;
  stigmer::v1::ListWorkflowsResponse workflows;
  stigmer::v1::ListExecutionsResponse executions;
  grpc::ClientContext context;
  grpc::Status status;
  if (kind == "workflow" && !options.name.empty()) {
    stigmer::v1::GetWorkflowRequest request;
    request.set_name(options.name);
    status = client->workflows().Get(WithDeadline(&context), request, &workflow);
    items.push_back(&workflow);
  } else if (kind == "workflow") {
    stigmer::v1::ListWorkflowsRequest request;
    request.set_page_size(500);
    status = client->workflows().List(WithDeadline(&context), request, &workflows);
    for (const auto& item : workflows.workflows()) items.push_back(&item);
  } else if (!options.name.empty()) {
    stigmer::v1::GetExecutionRequest request;
    request.set_id(options.name);
    status = client->executions().Get(WithDeadline(&context), request, &execution);
    items.push_back(&execution);
  } else {
    stigmer::v1::ListExecutionsRequest request;
    request.set_workflow(options.workflow);
    request.set_phase(*phase);
    request.set_page_size(500);
    status = client->executions().List(WithDeadline(&context), request, &executions);
    for (const auto& item : executions.executions()) items.push_back(&item);
  }
  if (!status.ok()) {
    output.Error(status.error_message());
    return 1;
  }
  if (*format != OutputFormat::kTable) {
    nlohmann::json json = nlohmann::json::array();
    for (const auto* item : items) json.push_back(MessageToJson(*item));
    if (!options.name.empty()) json = json[0];
    output.Line(*format == OutputFormat::kJson ? json.dump(2) : JsonToYaml(json));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  auto time = [](const google::protobuf::Timestamp& t) {
    return t.seconds() == 0
               ? std::string("-")
               : absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()),
                                  absl::LocalTimeZone());
  };
  if (kind == "workflow") {
    rows.push_back({"NAME", "VERSION", "DOCUMENT VERSION", "UPDATED", "ID"});
    for (const auto* item : items) {
      const auto& w = static_cast<const stigmer::v1::Workflow&>(*item);
      rows.push_back({w.name(), absl::StrCat(w.version()), w.document_version(),
                      time(w.updated_at()), w.id()});
    }
  } else {
    rows.push_back({"ID", "WORKFLOW", "VERSION", "PHASE", "CREATED", "DURATION"});
    for (const auto* item : items) {
      const auto& e = static_cast<const Execution&>(*item);
      rows.push_back({e.id(), e.workflow(), absl::StrCat(e.workflow_version()),
                      PhaseName(e.phase()), time(e.created_at()),
                      e.ended_at().seconds() ? Seconds(e.started_at(), e.ended_at()) : "-"});
    }
  }
  output.out() << RenderTable(rows) << std::flush;
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
