#include "cli/execution_follow.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/agent_progress.h"
#include "cli/execution_view.h"
#include "cli/resource_output.h"
#include "common/grpc_status.h"
#include "common/json_limits.h"
#include "server/execution_phase.h"

namespace stigmer::cli {
namespace {

using stigmer::v1::Execution;

// Prints what changed between two states of an execution, as `stigmer run` shows progress.
class ProgressPrinter {
 public:
  ProgressPrinter(TerminalOutput& output, const ApprovalPrompt& prompt)
      : output_(output), prompt_(prompt) {}

  void Show(const Execution& execution) {
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
    // After the steps, so that the model turn that asked for the call is shown first.
    for (const auto& call : execution.pending_approvals()) {
      if (!asked_.insert(call.call_id()).second) continue;
      if (prompt_) {
        prompt_(execution, call);
        continue;
      }
      output_.Warning(absl::StrCat("waiting for approval: ", call.tool(), " ", call.arguments()));
      output_.Warning(absl::StrCat("  stigmer approve ", execution.id(), " --call ", call.call_id(),
                                   "   or   stigmer deny ", execution.id(), " --call ",
                                   call.call_id(), " --reason \"…\""));
    }
  }

 private:
  TerminalOutput& output_;
  const ApprovalPrompt& prompt_;
  std::map<std::pair<std::string, int>, stigmer::v1::TaskPhase> seen_;  // by path, occurrence
  std::set<std::pair<std::string, int>> shown_;                         // agent steps printed
  std::set<std::string> asked_;  // calls whose approval was asked for
};

}  // namespace

int ShowExecutionEnd(const Execution& execution, TerminalOutput& output,
                     const std::string& format) {
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

absl::StatusOr<Execution> FollowExecution(ApiClient& client, Execution execution,
                                          TerminalOutput& output, bool show_progress,
                                          const ApprovalPrompt& prompt) {
  ProgressPrinter progress(output, prompt);
  // A broken stream (the server restarted) is picked up again: Watch always starts with the
  // whole current state, so nothing is missed.
  for (int attempt = 0; attempt < 30 && !server::IsTerminalPhase(execution.phase()); ++attempt) {
    grpc::ClientContext context;
    stigmer::v1::WatchExecutionRequest watch;
    watch.set_id(execution.id());
    auto reader = client.executions().Watch(&context, watch);
    Execution update;
    while (reader->Read(&update)) {
      execution = update;
      if (show_progress) progress.Show(execution);
      if (server::IsTerminalPhase(execution.phase())) break;
    }
    if (server::IsTerminalPhase(execution.phase())) {
      context.TryCancel();
      break;
    }
    grpc::Status status = reader->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      if (!status.ok()) return FromGrpcStatus(status);
    }
    absl::StatusOr<ApiClient> again =
        ApiClient::Connect(client.address(), client.token_file(), absl::Seconds(10));
    if (again.ok()) client = *std::move(again);
  }
  if (!server::IsTerminalPhase(execution.phase())) {
    return absl::UnavailableError(absl::StrCat("lost track of ", execution.id(),
                                               "; `stigmer get executions ", execution.id(),
                                               "` shows it"));
  }
  return execution;
}

}  // namespace stigmer::cli
