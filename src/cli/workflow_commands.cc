#include "cli/workflow_commands.h"

#include <algorithm>
#include <iostream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/resource_output.h"
#include "cli/server_commands.h"
#include "common/file_io.h"
#include "common/grpc_status.h"
#include "config/config.h"
#include "daemon/process_lock.h"

namespace stigmer::cli {
namespace {

bool IsDocumentSeparator(absl::string_view line) {
  if (!absl::ConsumePrefix(&line, "---")) return false;
  line = absl::StripLeadingAsciiWhitespace(line);
  return line.empty() || line[0] == '#';
}

bool IsBlank(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty() && line[0] != '#') return false;
  }
  return true;
}

void SplitDocuments(const std::string& origin, const std::string& text,
                    std::vector<SourceDocument>* out) {
  std::vector<std::string> documents(1);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (IsDocumentSeparator(line)) {
      documents.emplace_back();
      continue;
    }
    absl::StrAppend(&documents.back(), line, "\n");
  }
  documents.erase(std::remove_if(documents.begin(), documents.end(),
                                 [](const std::string& d) { return IsBlank(d); }),
                  documents.end());
  for (size_t i = 0; i < documents.size(); ++i) {
    out->push_back(
        {documents.size() == 1 ? origin : absl::StrCat(origin, " (document ", i + 1, ")"),
         std::move(documents[i])});
  }
}

bool IsWorkflowFile(const std::filesystem::path& path) {
  const std::string extension = absl::AsciiStrToLower(path.extension().string());
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

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

absl::StatusOr<std::vector<SourceDocument>> ReadSourceDocuments(
    const std::vector<std::string>& paths) {
  std::vector<SourceDocument> documents;
  for (const std::string& path : paths) {
    if (path == "-") {
      std::string text((std::istreambuf_iterator<char>(std::cin)),
                       std::istreambuf_iterator<char>());
      SplitDocuments("stdin", text, &documents);
      continue;
    }
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
        if (entry.is_regular_file() && IsWorkflowFile(entry.path())) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        return absl::NotFoundError(absl::StrCat(path, " holds no .yaml, .yml or .json files"));
      }
      for (const auto& file : files) {
        absl::StatusOr<std::string> text = ReadFileToString(file);
        if (!text.ok()) return text.status();
        SplitDocuments(file.string(), *text, &documents);
      }
      continue;
    }
    absl::StatusOr<std::string> text = ReadFileToString(path);
    if (!text.ok()) return text.status();
    SplitDocuments(path, *text, &documents);
  }
  return documents;
}

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
