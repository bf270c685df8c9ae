#include "cli/agent_progress.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/execution_view.h"
#include "common/json_limits.h"
#include "common/utf8_prefix.h"

namespace stigmer::cli {
namespace {

constexpr size_t kMaxArgumentBytes = 200;

// How deep below the run's own steps a sub-agent's step is.
int Depth(const std::string& path) {
  int turns = 0;
  for (size_t at = path.find("/turns/"); at != std::string::npos;
       at = path.find("/turns/", at + 1)) {
    ++turns;
  }
  return std::max(turns - 1, 0);
}

std::vector<std::string> Lines(const stigmer::v1::TaskProgress& step, int max_lines) {
  std::vector<std::string> lines;
  if (step.name() == "user") return lines;
  absl::StatusOr<nlohmann::json> output = ParseJsonBounded(step.output(), "the step's output");
  if (!output.ok() || !output->is_object()) return lines;
  const std::string text = output->value("text", std::string());
  if (step.name() == "model" && output->value("role", std::string()) == "assistant") {
    if (!text.empty()) {
      for (absl::string_view line : absl::StrSplit(text, '\n')) lines.emplace_back(line);
    }
    if (auto calls = output->find("tool_calls"); calls != output->end() && calls->is_array()) {
      for (const nlohmann::json& call : *calls) {
        if (!call.is_object()) continue;
        lines.push_back(absl::StrCat(
            "→ ", call.value("name", std::string("?")), " ",
            CutText(call.value("arguments", nlohmann::json::object()).dump(), kMaxArgumentBytes)));
      }
    }
    return lines;
  }
  lines.push_back(
      absl::StrCat(step.name(), " (", FormatSeconds(step.started_at(), step.ended_at()), ")"));
  std::vector<absl::string_view> result = absl::StrSplit(text, '\n');
  const int shown = std::min<int>(static_cast<int>(result.size()), max_lines);
  for (int i = 0; i < shown; ++i)
    lines.push_back(absl::StrCat("  ", CutText(std::string(result[i]), 300)));
  if (static_cast<int>(result.size()) > shown) {
    lines.push_back(absl::StrCat("  … ", result.size() - shown, " more lines"));
  }
  return lines;
}

}  // namespace

std::string CutText(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return absl::StrCat(Utf8Prefix(text, max_bytes), "…");
}

std::vector<std::string> AgentStepLines(const stigmer::v1::TaskProgress& step, int max_lines) {
  std::vector<std::string> lines = Lines(step, max_lines);
  const std::string indent(4 * Depth(step.path()), ' ');
  if (!indent.empty()) {
    for (std::string& line : lines) line = absl::StrCat(indent, line);
  }
  return lines;
}

std::string AgentAnswer(const std::string& output_json) {
  absl::StatusOr<nlohmann::json> output = ParseJsonBounded(output_json, "the output");
  if (output.ok() && output->is_object()) {
    if (auto answer = output->find("answer"); answer != output->end() && answer->is_string()) {
      return answer->get<std::string>();
    }
  }
  return output_json;
}

}  // namespace stigmer::cli
