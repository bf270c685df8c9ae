#include "agent/tools/files_activity.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/tools/workspace.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

std::string Text(const json& request, const char* name) {
  auto found = request.find(name);
  return found != request.end() && found->is_string() ? found->get<std::string>() : "";
}

activities::ActivityResult ToolError(const json& request, std::string detail) {
  return activities::ActivityResult::Failure(durable::StandardError(
      "runtime", "Files tool failed", std::move(detail), activities::ActivityTaskPath(request)));
}

// The folder of request["read_only"] (workspace-relative folders) that holds `path`; "" when none.
std::string ReadOnlyFolder(const json& request, const std::string& path) {
  auto folders = request.find("read_only");
  if (folders == request.end() || !folders->is_array()) return "";
  const std::string normal = std::filesystem::path(path).lexically_normal().generic_string();
  for (const json& folder : *folders) {
    if (!folder.is_string()) continue;
    const std::string& prefix = folder.get_ref<const std::string&>();
    if (normal == prefix || absl::StartsWith(normal, prefix + "/")) return prefix;
  }
  return "";
}

absl::StatusOr<std::string> Run(const Workspace& workspace, const json& request) {
  const std::string operation = Text(request, "operation");
  const std::string path = Text(request, "path");
  if (operation == "write" || operation == "edit") {
    if (std::string folder = ReadOnlyFolder(request, path); !folder.empty()) {
      return absl::PermissionDeniedError(absl::StrCat(
          path, " is read-only: ", folder,
          "/ holds one of the agent's skills, which come from its definition; write elsewhere "
          "in the workspace"));
    }
  }
  if (operation == "list") {
    bool truncated = false;
    absl::StatusOr<std::vector<WorkspaceEntry>> entries =
        workspace.List(path, request.value("recursive", false), &truncated);
    if (!entries.ok()) return entries.status();
    std::string text;
    for (const WorkspaceEntry& entry : *entries) {
      absl::StrAppend(
          &text, entry.path, entry.directory ? "/" : "", entry.symlink ? " (symlink)" : "",
          entry.directory || entry.symlink ? "" : absl::StrCat(" ", entry.size, " bytes"), "\n");
    }
    if (truncated) absl::StrAppend(&text, "[more entries not listed]\n");
    return text.empty() ? std::string("(empty)") : text;
  }
  if (operation == "read") {
    absl::StatusOr<ReadResult> read = workspace.Read(path);
    if (!read.ok()) return read.status();
    return read->truncated
               ? absl::StrCat(read->content, "\n[cut: the file has ", read->size, " bytes]")
               : read->content;
  }
  if (operation == "write") {
    const std::string content = Text(request, "content");
    if (absl::Status written = workspace.Write(path, content); !written.ok()) return written;
    return absl::StrCat("wrote ", content.size(), " bytes to ", path);
  }
  if (operation == "edit") {
    absl::StatusOr<int> replaced = workspace.Edit(
        path, Text(request, "old_text"), Text(request, "new_text"), request.value("all", false));
    if (!replaced.ok()) return replaced.status();
    return absl::StrCat("replaced ", *replaced, " occurrence(s) in ", path);
  }
  if (operation == "grep") {
    bool truncated = false;
    absl::StatusOr<std::vector<GrepMatch>> matches =
        workspace.Grep(Text(request, "pattern"), path, &truncated);
    if (!matches.ok()) return matches.status();
    std::string text;
    for (const GrepMatch& match : *matches) {
      absl::StrAppend(&text, match.path, ":", match.line, ": ", match.text, "\n");
    }
    if (truncated) absl::StrAppend(&text, "[more matches not listed]\n");
    return text.empty() ? std::string("no match") : text;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown operation \"", operation, "\"; use list, read, write, edit or grep"));
}

}  // namespace

activities::ActivityResult RunFilesActivity(const json& request) {
  if (!request.is_object()) return ToolError(request, "the request must be an object");
  const std::string root = Text(request, "workspace");
  if (root.empty()) return ToolError(request, "the request names no workspace");
  absl::StatusOr<Workspace> workspace = Workspace::Open(root);
  if (!workspace.ok()) return ToolError(request, std::string(workspace.status().message()));
  absl::StatusOr<std::string> text = Run(*workspace, request);
  if (!text.ok()) return ToolError(request, std::string(text.status().message()));
  return activities::ActivityResult::Success(*std::move(text));
}

}  // namespace stigmer::agent
