#include "cli/apply_command.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/skills.h"
#include "cli/document_kind.h"
#include "cli/resource_output.h"
#include "cli/server_connect.h"
#include "cli/source_documents.h"
#include "common/grpc_status.h"
#include "workflow/dsl_agent_call.h"
#include "workflow/dsl_run_workflow.h"
#include "workflow/yaml_to_json.h"

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

// What the server said of one document.
struct Applied {
  absl::Status status;
  std::string name;
  int version = 0;
  std::string id;
  stigmer::v1::ApplyOutcome outcome = stigmer::v1::APPLY_OUTCOME_UNSPECIFIED;
};

Applied ApplyOne(ApiClient& client, DocumentKind kind, const SourceDocument& document,
                 bool dry_run) {
  const std::string& text = document.text;
  grpc::ClientContext context;
  WithCallDeadline(&context);
  Applied applied;
  if (kind == DocumentKind::kAgent) {
    stigmer::v1::ApplyAgentRequest request;
    request.set_definition(text);
    request.set_dry_run(dry_run);
    stigmer::v1::ApplyAgentResponse response;
    applied.status = FromGrpcStatus(client.agents().Apply(&context, request, &response));
    applied.name = response.agent().name();
    applied.version = response.agent().version();
    applied.id = response.agent().id();
    applied.outcome = response.outcome();
    return applied;
  }
  stigmer::v1::ApplyWorkflowRequest request;
  request.set_definition(text);
  request.set_dry_run(dry_run);
  request.set_source_dir(document.source_dir);
  stigmer::v1::ApplyWorkflowResponse response;
  applied.status = FromGrpcStatus(client.workflows().Apply(&context, request, &response));
  applied.name = response.workflow().name();
  applied.version = response.workflow().version();
  applied.id = response.workflow().id();
  applied.outcome = response.outcome();
  return applied;
}

// An agent document with its skills' folders read in (then as JSON: skills.h), or unchanged
// when it names no folder.
absl::StatusOr<std::string> WithSkillFiles(const SourceDocument& document) {
  absl::StatusOr<nlohmann::ordered_json> json = workflow::YamlToJson(document.text);
  if (!json.ok() || !json->is_object()) return document.text;  // the server says what is wrong
  auto skills = json->find("skills");
  if (skills == json->end() || !skills->is_array() ||
      std::none_of(skills->begin(), skills->end(), [](const auto& s) { return s.is_string(); })) {
    return document.text;
  }
  if (absl::Status bundled = agent::BundleSkills(*json, document.folder); !bundled.ok()) {
    return bundled;
  }
  return json->dump(2);
}

// The agents workflow `text`'s `call: agent` tasks name that are neither in `batch` nor
// applied already: a workflow that calls one could not start.
std::vector<std::string> UnknownCalledAgents(ApiClient& client, const std::string& text,
                                             const std::set<std::string>& batch) {
  std::vector<std::string> unknown;
  absl::StatusOr<nlohmann::ordered_json> document = workflow::YamlToJson(text);
  if (!document.ok()) return unknown;
  for (const std::string& name : workflow::CalledAgents(*document)) {
    if (batch.contains(name)) continue;
    grpc::ClientContext context;
    WithCallDeadline(&context);
    stigmer::v1::GetAgentRequest request;
    request.set_name(name);
    stigmer::v1::Agent agent;
    if (client.agents().Get(&context, request, &agent).error_code() == grpc::NOT_FOUND) {
      unknown.push_back(name);
    }
  }
  return unknown;
}

// The workflows workflow `text`'s `run: workflow` tasks name that are neither in `batch` nor
// applied already: a workflow that runs one cannot start until they are.
std::vector<std::string> UnknownRunWorkflows(ApiClient& client, const std::string& text,
                                             const std::set<std::string>& batch) {
  std::vector<std::string> unknown;
  absl::StatusOr<nlohmann::ordered_json> document = workflow::YamlToJson(text);
  if (!document.ok()) return unknown;
  for (const auto& [name, version] : workflow::RunWorkflows(*document)) {
    if (batch.contains(name)) continue;
    grpc::ClientContext context;
    WithCallDeadline(&context);
    stigmer::v1::GetWorkflowRequest request;
    request.set_name(name);
    stigmer::v1::Workflow workflow;
    if (client.workflows().Get(&context, request, &workflow).error_code() == grpc::NOT_FOUND) {
      unknown.push_back(name);
    }
  }
  return unknown;
}

}  // namespace

int ApplyResources(const config::Paths& paths, TerminalOutput& output,
                   const std::vector<std::string>& files, bool dry_run) {
  absl::StatusOr<std::vector<SourceDocument>> documents = ReadSourceDocuments(files);
  if (!documents.ok()) {
    output.Error(documents.status().message());
    return 2;
  }
  if (documents->empty()) {
    output.Error("no workflow or agent documents in the given files");
    return 2;
  }
  absl::StatusOr<ApiClient> client = ConnectStartingServer(paths, output);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  std::vector<DocumentKind> kinds;
  for (const SourceDocument& document : *documents) kinds.push_back(KindOfDocument(document.text));

  // Check every document before storing any, so a batch is applied whole or not at all.
  int invalid = 0;
  std::map<std::string, std::pair<DocumentKind, std::string>> first_of_name;  // → kind, origin
  std::set<std::string> batch_agents, batch_workflows;
  std::vector<std::string> names(documents->size());
  for (size_t i = 0; i < documents->size(); ++i) {
    SourceDocument& document = (*documents)[i];
    if (kinds[i] == DocumentKind::kAgent) {
      absl::StatusOr<std::string> text = WithSkillFiles(document);
      if (!text.ok()) {
        output.Error(absl::StrCat(document.origin, ": ", text.status().message()));
        ++invalid;
        continue;
      }
      document.text = *std::move(text);
    }
    Applied checked = ApplyOne(*client, kinds[i], document, /*dry_run=*/true);
    if (!checked.status.ok()) {
      output.Error(absl::StrCat(document.origin, ": ", checked.status.message()));
      ++invalid;
      continue;
    }
    names[i] = checked.name;
    (kinds[i] == DocumentKind::kAgent ? batch_agents : batch_workflows).insert(checked.name);
    auto [first, inserted] = first_of_name.try_emplace(checked.name, kinds[i], document.origin);
    if (!inserted && first->second.first != kinds[i]) {
      output.Error(absl::StrCat(document.origin, ": ", DocumentKindName(kinds[i]), " \"",
                                checked.name, "\": the name is also a ",
                                DocumentKindName(first->second.first), "'s, in ",
                                first->second.second, ", and `stigmer run ", checked.name,
                                "` must find one thing; rename one of them"));
      ++invalid;
    }
  }
  for (size_t i = 0; i < documents->size(); ++i) {
    if (kinds[i] == DocumentKind::kAgent || names[i].empty()) continue;
    const std::vector<std::string> unknown =
        UnknownCalledAgents(*client, (*documents)[i].text, batch_agents);
    for (const std::string& agent : unknown) {
      output.Error(absl::StrCat((*documents)[i].origin, ": workflow \"", names[i],
                                "\" calls agent \"", agent,
                                "\", which does not exist: apply it first, or in the same batch"));
    }
    const std::vector<std::string> unknown_runs =
        UnknownRunWorkflows(*client, (*documents)[i].text, batch_workflows);
    // Not an error: a folder applied in any order works once every workflow is in; a run
    // started before says which one is missing.
    for (const std::string& workflow : unknown_runs) {
      output.Warning(
          absl::StrCat((*documents)[i].origin, ": workflow \"", names[i], "\" runs workflow \"",
                       workflow, "\", which is not applied yet: its runs fail until you apply it"));
    }
    if (!unknown.empty()) ++invalid;
  }
  if (invalid > 0) {
    output.Error(absl::StrCat(invalid, " of ", documents->size(),
                              " documents are not valid; nothing was applied"));
    return 1;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "VERSION", "STATUS", "ID"}};
  for (size_t i = 0; i < documents->size(); ++i) {
    Applied applied = ApplyOne(*client, kinds[i], (*documents)[i], dry_run);
    if (!applied.status.ok()) {
      output.Error(absl::StrCat((*documents)[i].origin, ": ", applied.status.message()));
      return 1;
    }
    std::string outcome = OutcomeName(applied.outcome);
    if (dry_run) absl::StrAppend(&outcome, " (dry run)");
    rows.push_back({absl::StrCat(DocumentKindName(kinds[i]), "/", applied.name),
                    absl::StrCat(applied.version), outcome, applied.id.empty() ? "-" : applied.id});
  }
  output.out() << RenderTable(rows) << std::flush;
  return 0;
}

}  // namespace stigmer::cli
