#include "cli/workflow_commands.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/resource_output.h"
#include "cli/server_commands.h"
#include "common/grpc_status.h"
#include "config/config.h"
#include "daemon/process_lock.h"

namespace stigmer::cli {
namespace {

std::string OutcomeName(stigmer::v1::ApplyOutcome outcome) {
  switch (outcome) {
    case stigmer::v1::APPLY_OUTCOME_CREATED:
      return "created";
    case stigmer::v1::APPLY_OUTCOME_UPDATED:
      return "updated";
    case stigmer::v1::APPLY_OUTCOME_UNCHANGED:
      return "unchanged";
    default:
      return "-";
  }
}

}  // namespace

absl::StatusOr<ApiClient> ConnectStartingServer(const config::Paths& paths,
                                                TerminalOutput& output) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) return config.status();
  const std::string address = ServerAddress(config->ServerAddress());
  const bool may_start = !daemon::IsLockHeld(paths.SupervisorLockFile()) &&
                         std::getenv("STIGMER_SERVER_ADDR") == nullptr;
  // With no daemon here a server is unlikely: a short look, then start one, rather than wait
  // out the usual connect timeout first.
  absl::StatusOr<ApiClient> client =
      may_start ? ApiClient::Connect(address, paths.ApiTokenFile(), absl::Milliseconds(200))
                : ApiClient::Connect(address, paths.ApiTokenFile());
  if (client.ok() || !may_start) return client;
  output.Info("stigmer is not running; starting it");
  if (StartServer(paths, output) != 0) {
    return absl::UnavailableError("stigmer could not be started; see above");
  }
  return ApiClient::Connect(address, paths.ApiTokenFile());
}

int ApplyWorkflows(const config::Paths& paths, TerminalOutput& output,
                   const std::vector<std::string>& files, bool dry_run) {
  absl::StatusOr<std::vector<SourceDocument>> documents = ReadSourceDocuments(files);
  if (!documents.ok()) {
    output.Error(documents.status().message());
    return 2;
  }
  if (documents->empty()) {
    output.Error("no workflow documents in the given files");
    return 2;
  }
  absl::StatusOr<ApiClient> client = ConnectStartingServer(paths, output);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  // Check every document before storing any, so a batch is applied whole or not at all.
  auto apply = [&](const SourceDocument& document, bool dry) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(document.text);
    request.set_dry_run(dry);
    stigmer::v1::ApplyWorkflowResponse response;
    absl::Status status = FromGrpcStatus(client->workflows().Apply(&context, request, &response));
    return std::make_pair(status, response);
  };
  int invalid = 0;
  for (const SourceDocument& document : *documents) {
    auto [status, response] = apply(document, /*dry=*/true);
    if (!status.ok()) {
      output.Error(absl::StrCat(document.origin, ": ", status.message()));
      ++invalid;
    }
  }
  if (invalid > 0) {
    output.Error(absl::StrCat(invalid, " of ", documents->size(),
                              " documents are not valid; nothing was applied"));
    return 1;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "VERSION", "STATUS", "ID"}};
  for (const SourceDocument& document : *documents) {
    auto [status, response] = apply(document, dry_run);
    if (!status.ok()) {
      output.Error(absl::StrCat(document.origin, ": ", status.message()));
      return 1;
    }
    std::string outcome = OutcomeName(response.outcome());
    if (dry_run) absl::StrAppend(&outcome, " (dry run)");
    rows.push_back({response.workflow().name(), absl::StrCat(response.workflow().version()),
                    outcome, response.workflow().id().empty() ? "-" : response.workflow().id()});
  }
  output.out() << RenderTable(rows) << std::flush;
  return 0;
}

int DeleteWorkflow(const config::Paths& paths, TerminalOutput& output, const std::string& name,
                   bool force) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) {
    output.Error(config.status().message());
    return 2;
  }
  absl::StatusOr<ApiClient> client =
      ApiClient::Connect(ServerAddress(config->ServerAddress()), paths.ApiTokenFile());
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  stigmer::v1::DeleteWorkflowRequest request;
  request.set_name(name);
  request.set_force(force);
  stigmer::v1::DeleteWorkflowResponse response;
  if (absl::Status status =
          FromGrpcStatus(client->workflows().Delete(&context, request, &response));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat("workflow ", name, " deleted (", response.versions_deleted(),
                              response.versions_deleted() == 1 ? " version)" : " versions)"));
  return 0;
}

}  // namespace stigmer::cli
