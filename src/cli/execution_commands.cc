#include "cli/execution_commands.h"

#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cli/agent_progress.h"
#include "cli/api_client.h"
#include "cli/execution_view.h"
#include "cli/resource_output.h"
#include "cli/run_input.h"
#include "cli/server_connect.h"
#include "common/grpc_status.h"
#include "common/json_limits.h"
#include "config/config.h"
#include "server/execution_phase.h"

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
    for (const auto& call : execution.pending_approvals()) {
      if (!asked_.insert(call.call_id()).second) continue;
      output_.Warning(absl::StrCat("waiting for approval: ", call.tool(), " ", call.arguments()));
      output_.Warning(absl::StrCat("  stigmer approve ", execution.id(), " --call ", call.call_id(),
                                   "   or   stigmer deny ", execution.id(), " --call ",
                                   call.call_id(), " --reason \"…\""));
    }
    // A composite task's entry is placed before the entries of the tasks inside it when it
    // ends, so places shift; the entries of one path keep their order (a loop or a retry adds
    // one per run of a task), so (path, n-th entry of that path) identifies an entry.
    std::map<std::string, int> occurrences;
    for (int i = 0; i < execution.tasks_size(); ++i) {
      const auto& task = execution.tasks(i);
      const std::pair<std::string, int> key{task.path(), occurrences[task.path()]++};
      if (!execution.agent().empty()) {
        // An agent's step is shown once, when what it said (its marker's output) is known:
        // its activity may end a workflow task before that.
        if (task.phase() == stigmer::v1::TASK_PHASE_COMPLETED && !task.output().empty() &&
            shown_.insert(key).second) {
          for (const std::string& line : AgentStepLines(task)) output_.Line(line);
        }
        if (task.phase() != stigmer::v1::TASK_PHASE_FAILED &&
            task.phase() != stigmer::v1::TASK_PHASE_CANCELLED) {
          continue;
        }
      }
      auto& seen = seen_[key];
      if (seen == task.phase()) continue;
      seen = task.phase();
      if (task.phase() == stigmer::v1::TASK_PHASE_RUNNING) {
        output_.Info(absl::StrCat(task.name(), " started (", task.path(), ")"));
      } else if (task.phase() == stigmer::v1::TASK_PHASE_COMPLETED) {
        output_.Success(absl::StrCat(task.name(), " done (",
                                     FormatSeconds(task.started_at(), task.ended_at()), ")"));
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
  std::set<std::pair<std::string, int>> shown_;                         // agent steps printed
  std::set<std::string> asked_;  // calls whose approval was asked for
};

int Finish(const Execution& execution, TerminalOutput& output, const std::string& format) {
  if (format == "json" || format == "yaml") {
    nlohmann::json json = ExecutionToJson(execution);
    output.Line(format == "json" ? json.dump(2) : JsonToYaml(json));
  } else if (execution.phase() == stigmer::v1::EXECUTION_PHASE_COMPLETED) {
    output.Success(absl::StrCat(execution.id(), " completed"));
    if (!execution.agent().empty()) {
      output.Line(AgentAnswer(execution.output()));
    } else {
      absl::StatusOr<nlohmann::json> result = ParseJsonBounded(execution.output(), "the output");
      output.Line(result.ok() ? result->dump(2) : execution.output());
    }
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

}  // namespace

int RunWorkflow(const config::Paths& paths, TerminalOutput& output, const RunOptions& options) {
  stigmer::v1::CreateExecutionRequest request;
  // With a message the name is an agent's (the server says so when it is a workflow's).
  if (options.message.empty()) {
    request.set_workflow(options.workflow);
  } else {
    request.set_agent(options.workflow);
    request.set_message(options.message);
  }
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
            client->executions().Create(WithCallDeadline(&context), request, &execution));
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

int DecideApproval(const config::Paths& paths, TerminalOutput& output,
                   const ApprovalOptions& options) {
  absl::StatusOr<ApiClient> client = ConnectToServer(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  grpc::ClientContext context;
  stigmer::v1::ApproveRequest request;
  request.set_id(options.id);
  request.set_call_id(options.call_id);
  request.set_approved(options.approved);
  request.set_reason(options.reason);
  Execution execution;
  if (absl::Status status = FromGrpcStatus(
          client->executions().Approve(WithCallDeadline(&context), request, &execution));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat(options.approved ? "approved" : "denied", " ",
                              options.call_id.empty() ? "the call" : options.call_id, " of ",
                              options.id));
  return 0;
}

int CancelExecution(const config::Paths& paths, TerminalOutput& output, const std::string& id) {
  absl::StatusOr<ApiClient> client = ConnectToServer(paths);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  grpc::ClientContext context;
  stigmer::v1::CancelExecutionRequest request;
  request.set_id(id);
  Execution execution;
  if (absl::Status status = FromGrpcStatus(
          client->executions().Cancel(WithCallDeadline(&context), request, &execution));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat("cancel requested for ", id));
  return 0;
}

}  // namespace stigmer::cli
