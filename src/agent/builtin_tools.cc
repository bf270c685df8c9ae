#include "agent/builtin_tools.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "activities/activity_text.h"
#include "agent/tools/todos.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

ToolSpec ShellSpec() {
  return {"shell",
          "Runs a command with /bin/sh in the agent's workspace folder and returns its exit code, "
          "stdout and stderr.",
          {{"type", "object"},
           {"properties",
            {{"command", {{"type", "string"}, {"description", "the command line"}}},
             {"timeout_seconds",
              {{"type", "integer"}, {"description", "how long it may run (default 300)"}}}}},
           {"required", {"command"}}}};
}

ToolSpec HttpSpec() {
  return {"http",
          "Fetches a URL with an HTTP request and returns the response body.",
          {{"type", "object"},
           {"properties",
            {{"url", {{"type", "string"}}},
             {"method", {{"type", "string"}, {"enum", {"get", "post", "put", "delete"}}}},
             {"body", {{"type", "string"}, {"description", "the request body, if any"}}}}},
           {"required", {"url"}}}};
}

ToolSpec FilesSpec() {
  return {
      "files",
      "Works on files in the agent's workspace folder: list a folder, read, write or edit a "
      "file, grep for a regular expression. Paths are relative to the workspace.",
      {{"type", "object"},
       {"properties",
        {{"operation", {{"type", "string"}, {"enum", {"list", "read", "write", "edit", "grep"}}}},
         {"path", {{"type", "string"}}},
         {"content", {{"type", "string"}, {"description", "write: the new content"}}},
         {"old_text", {{"type", "string"}, {"description", "edit: the text to replace"}}},
         {"new_text", {{"type", "string"}, {"description", "edit: its replacement"}}},
         {"pattern", {{"type", "string"}, {"description", "grep: an RE2 expression"}}},
         {"recursive", {{"type", "boolean"}, {"description", "list: into sub-folders"}}}}},
       {"required", {"operation"}}}};
}

std::string StringArgument(const json& arguments, const char* name) {
  auto found = arguments.find(name);
  return found != arguments.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

std::vector<AgentTool> BuiltInTools(const std::vector<std::string>& names,
                                    const std::vector<std::string>& needs_approval) {
  std::vector<AgentTool> tools;
  for (const std::string& name : names) {
    AgentTool tool;
    tool.runner = name;
    if (name == "shell") {
      tool.spec = ShellSpec();
    } else if (name == "http") {
      tool.spec = HttpSpec();
    } else if (name == "files") {
      tool.spec = FilesSpec();
    } else if (name == "todos") {
      tool.spec = TodosToolSpec();
    } else {
      continue;  // refused when the document was applied
    }
    tool.needs_approval =
        std::find(needs_approval.begin(), needs_approval.end(), name) != needs_approval.end();
    tools.push_back(std::move(tool));
  }
  return tools;
}

absl::StatusOr<ToolActivity> BuiltInToolActivity(const AgentTool& tool, const ToolCall& call,
                                                 const std::string& path,
                                                 const std::string& workspace) {
  const json& arguments = call.arguments;
  if (tool.runner == "shell") {
    const std::string command = StringArgument(arguments, "command");
    if (command.empty()) {
      return absl::InvalidArgumentError("shell needs `command`, the command line to run");
    }
    json request = {{"task", path},
                    {"shell", {{"command", command}}},
                    {"return", "all"},
                    {"working_dir", workspace}};
    if (auto timeout = arguments.find("timeout_seconds");
        timeout != arguments.end() && timeout->is_number_integer() && *timeout > 0) {
      request["timeout_ms"] = std::min<int64_t>(timeout->get<int64_t>(), 86400) * 1000;
    }
    return ToolActivity{kShellToolActivity, std::move(request)};
  }
  if (tool.runner == "http") {
    const std::string url = StringArgument(arguments, "url");
    if (url.empty()) return absl::InvalidArgumentError("http needs `url`");
    std::string method = StringArgument(arguments, "method");
    json with = {{"method", method.empty() ? "get" : method}, {"endpoint", url}};
    if (auto body = arguments.find("body"); body != arguments.end() && body->is_string()) {
      with["body"] = *body;
    }
    return ToolActivity{kHttpToolActivity, {{"task", path}, {"with", std::move(with)}}};
  }
  if (tool.runner == "files") {
    const std::string operation = StringArgument(arguments, "operation");
    if (operation.empty()) {
      return absl::InvalidArgumentError("files needs `operation`: list, read, write, edit or grep");
    }
    json request = arguments;
    request["task"] = path;
    request["workspace"] = workspace;
    return ToolActivity{kFilesToolActivity, std::move(request)};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", tool.spec.name, "\" is not a built-in tool"));
}

std::string BuiltInToolText(const std::string& runner, const json& output, size_t max_bytes) {
  std::string text;
  if (runner == "shell" && output.is_object()) {
    text = absl::StrCat("exit code ", output.value("code", json(-1)).dump());
    for (const char* stream : {"stdout", "stderr"}) {
      const std::string value = output.value(stream, std::string());
      if (!value.empty()) absl::StrAppend(&text, "\n", stream, ":\n", value);
    }
  } else {
    text = output.is_string() ? output.get<std::string>() : output.dump();
  }
  return text.size() <= max_bytes ? text : activities::Excerpt(text, max_bytes);
}

}  // namespace stigmer::agent
