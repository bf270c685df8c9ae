#include "agent/tools/todos.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json_fields.h"

namespace stigmer::agent {
namespace {

constexpr size_t kMaxContentBytes = 500;

bool KnownStatus(const std::string& status) {
  return status == "pending" || status == "in_progress" || status == "done";
}

}  // namespace

ToolSpec TodosToolSpec() {
  return {
      .name = "todos",
      .description =
          "Keep your plan: the whole list of steps, each with a status. Each call "
          "replaces the list; update it as you go.",
      .parameters = {
          {"type", "object"},
          {"properties",
           {{"todos",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"content", {{"type", "string"}}},
                  {"status", {{"type", "string"}, {"enum", {"pending", "in_progress", "done"}}}}}},
                {"required", {"content", "status"}}}}}}}},
          {"required", {"todos"}}}};
}

absl::StatusOr<nlohmann::json> ApplyTodos(const nlohmann::json& arguments) {
  const auto list = arguments.find("todos");
  if (list == arguments.end() || !list->is_array()) {
    return absl::InvalidArgumentError("todos: give {\"todos\": [{\"content\", \"status\"}, …]}");
  }
  if (list->size() > kMaxTodos) {
    return absl::InvalidArgumentError(absl::StrCat("todos: at most ", kMaxTodos, " items"));
  }
  nlohmann::json todos = nlohmann::json::array();
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string content = StringAt((*list)[i], "content");
    const std::string status = StringAt((*list)[i], "status");
    if (content.empty() || content.size() > kMaxContentBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("todos: item ", i, " needs a content of 1 to ", kMaxContentBytes, " bytes"));
    }
    if (!KnownStatus(status)) {
      return absl::InvalidArgumentError(absl::StrCat("todos: item ", i, " has status \"", status,
                                                     "\"; use pending, in_progress or done"));
    }
    todos.push_back({{"content", content}, {"status", status}});
  }
  return todos;
}

std::string TodosText(const nlohmann::json& todos) {
  std::vector<std::string> lines;
  for (const nlohmann::json& item : todos) {
    lines.push_back(absl::StrCat("[", StringAt(item, "status"), "] ", StringAt(item, "content")));
  }
  return lines.empty() ? "(no items)" : absl::StrJoin(lines, "\n");
}

}  // namespace stigmer::agent
