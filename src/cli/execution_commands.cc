#include "cli/execution_commands.h"

#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cli/agent_progress.h"
#include "cli/api_client.h"
#include "cli/execution_follow.h"
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

}  // namespace

bool SessionRefused(const absl::Status& status, const std::string& session) {
  return !session.empty() && (absl::IsNotFound(status) || absl::IsInvalidArgument(status)) &&
         absl::StrContains(status.message(), session);
}

int RunWorkflow(const config::Paths& paths, TerminalOutput& output, const RunOptions& options) {
  stigmer::v1::CreateExecutionRequest request;
  // With a message the name is an agent's (the server says so when it is a workflow's).
  if (options.message.empty()) {
    request.set_workflow(options.workflow);
  } else {
    request.set_agent(options.workflow);
    request.set_message(options.message);
    request.set_session(options.session);
  }
  if (!options.session.empty() && options.message.empty()) {
    output.Error("--session continues an agent's session: it needs a message (-m)");
    return 2;
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
      return SessionRefused(created, options.session) ? 2 : 1;
    }
  }
  if (!execution.session().empty() && *format == OutputFormat::kTable && !output.quiet() &&
      options.session.empty()) {
    output.Info(absl::StrCat("session ", execution.session(), "  (continue with --session ",
                             execution.session(), ")"));
  }
  if (!options.follow) {
    if (*format == OutputFormat::kTable && output.quiet()) {
      output.Line(execution.id());  // for scripts: `id=$(stigmer run x --no-follow -q)`
    } else if (*format == OutputFormat::kTable) {
      output.Success(absl::StrCat("started ", execution.id(), " (", options.workflow, " version ",
                                  execution.workflow_version(), ")"));
      output.Info(absl::StrCat("follow it with `stigmer get executions ", execution.id(), "`"));
    } else {
      ShowExecutionEnd(execution, output, options.output);  // as created; not finished yet
    }
    return 0;
  }
  if (*format == OutputFormat::kTable) {
    output.Info(absl::StrCat("running ", options.workflow, " as ", execution.id()));
  }
  absl::StatusOr<Execution> ended =
      FollowExecution(*client, execution, output, *format == OutputFormat::kTable);
  if (!ended.ok()) {
    output.Error(ended.status().message());
    return 1;
  }
  return ShowExecutionEnd(*ended, output, options.output);
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
