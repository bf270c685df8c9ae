#include "cli/execution_view.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cli/resource_output.h"
#include "common/json_limits.h"
#include "common/proto_time.h"
#include "google/protobuf/util/time_util.h"

namespace stigmer::cli {
namespace {

using stigmer::v1::Execution;

bool IsSet(const google::protobuf::Timestamp& time) {
  return time.seconds() != 0 || time.nanos() != 0;
}

std::string TaskPhaseName(stigmer::v1::TaskPhase phase) {
  return std::string(absl::StripPrefix(stigmer::v1::TaskPhase_Name(phase), "TASK_PHASE_"));
}

// A JSON text as a value; the text itself when it does not parse.
nlohmann::json JsonValue(const std::string& text, absl::string_view what) {
  absl::StatusOr<nlohmann::json> value = ParseJsonBounded(text, what);
  return value.ok() ? *std::move(value) : nlohmann::json(text);
}

}  // namespace

std::string FormatSeconds(const google::protobuf::Timestamp& from,
                          const google::protobuf::Timestamp& to) {
  const int64_t ms = google::protobuf::util::TimeUtil::DurationToMilliseconds(to - from);
  return absl::StrFormat("%.1fs", ms / 1000.0);
}

nlohmann::json ExecutionToJson(const Execution& execution) {
  nlohmann::json json = MessageToJson(execution);
  if (!execution.input().empty()) json["input"] = JsonValue(execution.input(), "the input");
  if (!execution.output().empty()) json["output"] = JsonValue(execution.output(), "the output");
  for (int i = 0; i < execution.tasks_size(); ++i) {
    if (!execution.tasks(i).output().empty()) {
      json["tasks"][i]["output"] = JsonValue(execution.tasks(i).output(), "a step's output");
    }
  }
  return json;
}

std::vector<std::string> ErrorLines(const stigmer::v1::ProblemDetails& error) {
  std::vector<std::string> lines;
  if (!error.title().empty()) lines.push_back(error.title());
  if (!error.detail().empty()) lines.push_back(absl::StrCat("  ", error.detail()));
  if (!error.type().empty()) {
    lines.push_back(
        absl::StrCat("  type ", error.type(), ", status ", error.status(),
                     error.instance().empty() ? "" : absl::StrCat(", at ", error.instance())));
  }
  return lines;
}

std::string RenderExecutionDetail(const Execution& execution, absl::TimeZone zone) {
  auto time = [&](const google::protobuf::Timestamp& t, const char* format) {
    return IsSet(t) ? absl::FormatTime(format, FromProtoTime(t), zone) : std::string("-");
  };
  std::string duration = "-";
  if (IsSet(execution.started_at()) && IsSet(execution.ended_at())) {
    duration = FormatSeconds(execution.started_at(), execution.ended_at());
  }
  std::vector<std::vector<std::string>> fields = {
      {"ID", execution.id()},
      {execution.agent().empty() ? "WORKFLOW" : "AGENT",
       absl::StrCat(execution.workflow(), " (version ", execution.workflow_version(), ")")},
      {"PHASE", PhaseName(execution.phase())},
      {"CREATED", time(execution.created_at(), "%Y-%m-%d %H:%M:%S")},
      {"DURATION", duration},
  };
  if (!execution.parent_execution().empty()) {
    fields.push_back({"PARENT", execution.parent_execution()});
  }
  if (execution.child_executions_size() > 0) {
    fields.push_back({"CHILDREN", absl::StrJoin(execution.child_executions(), ", ")});
  }
  std::string text = RenderTable(fields);
  absl::StrAppend(&text, "\n");
  if (execution.tasks_size() == 0) {
    absl::StrAppend(&text, "no tasks yet\n");
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"TASK", "PATH", "STATUS", "STARTED", "DURATION"}};
    for (const auto& task : execution.tasks()) {
      rows.push_back(
          {task.name(), task.path(), TaskPhaseName(task.phase()),
           time(task.started_at(), "%H:%M:%S"),
           IsSet(task.ended_at()) ? FormatSeconds(task.started_at(), task.ended_at()) : "-"});
    }
    absl::StrAppend(&text, RenderTable(rows));
  }
  if (execution.phase() == stigmer::v1::EXECUTION_PHASE_COMPLETED) {
    absl::StrAppend(&text, "\nOUTPUT\n", JsonValue(execution.output(), "the output").dump(2), "\n");
  } else if (execution.has_error() && !ErrorLines(execution.error()).empty()) {
    absl::StrAppend(&text, "\nERROR\n");
    for (const std::string& line : ErrorLines(execution.error())) {
      absl::StrAppend(&text, line, "\n");
    }
  }
  return text;
}

}  // namespace stigmer::cli
