#include "agent/skills.h"

#include <algorithm>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "activities/activity_text.h"
#include "agent/tools/workspace.h"
#include "common/byte_size.h"
#include "common/file_io.h"
#include "common/json_fields.h"
#include "workflow/json_pointer.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::agent {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using workflow::JsonPointerAppend;

constexpr char kSkillFile[] = "SKILL.md";
constexpr size_t kMaxSkillNameChars = 64;

bool IsSkillName(const std::string& name) {
  if (name.empty() || name.size() > kMaxSkillNameChars || name[0] == '.') return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// A "/"-separated path beneath a folder: no empty, "." or ".." segment, not absolute.
bool IsRelativeFilePath(const std::string& path) {
  if (path.empty() || path.size() > 1024) return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

// What the files of every skill read so far weigh; the limits' error messages.
struct Budget {
  size_t files = 0;
  size_t bytes = 0;

  absl::Status Add(const std::string& shown, size_t size) {
    if (++files > kMaxSkillFiles) {
      return absl::InvalidArgumentError(
          absl::StrCat(shown, ": the agent's skills hold more than ", kMaxSkillFiles,
                       " files, the most one agent may carry; remove files from the skill"));
    }
    bytes += size;
    if (bytes > kMaxSkillBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(shown, ": the agent's skills hold more than ", HumanBytes(kMaxSkillBytes),
                       ", the most one agent may carry; keep large data out of skills"));
    }
    return absl::OkStatus();
  }
};

bool IsInside(const fs::path& path, const fs::path& folder) {
  auto [end, unused] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return end == folder.end();
}

// The files of the skill folder `shown` (at `root`, canonical) as {relative path: content}.
absl::StatusOr<Json> ReadSkillFiles(const std::string& shown, const fs::path& root,
                                    Budget& budget) {
  Json files = Json::object();
  std::error_code error;
  fs::recursive_directory_iterator it(root, error), end;
  for (; !error && it != end; it.increment(error)) {
    const fs::path relative = it->path().lexically_relative(root);
    const std::string name = absl::StrCat(shown, "/", relative.generic_string());
    fs::path file = it->path();
    if (it->is_symlink(error)) {
      const fs::path target = fs::weakly_canonical(it->path(), error);
      if (error || !IsInside(target, root)) {
        return absl::InvalidArgumentError(
            absl::StrCat(name,
                         ": a symlink leading out of the skill's folder; a skill carries "
                         "only its own files (copy the file in instead)"));
      }
      if (fs::is_directory(target, error)) continue;  // its files are read where they are
      file = target;
    } else if (it->is_directory(error)) {
      continue;
    }
    if (!fs::is_regular_file(file, error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": not a regular file; a skill carries text files only"));
    }
    const uintmax_t size = fs::file_size(file, error);
    if (error) break;
    if (absl::Status fits = budget.Add(name, static_cast<size_t>(size)); !fits.ok()) return fits;
    absl::StatusOr<std::string> content = ReadFileToString(file);
    if (!content.ok()) return absl::InvalidArgumentError(content.status().message());
    if (!activities::IsValidUtf8(*content)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": not UTF-8 text; a skill carries text files only"));
    }
    files[relative.generic_string()] = *std::move(content);
  }
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(shown, ": cannot read: ", error.message()));
  }
  if (!files.contains(kSkillFile)) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown, ": no ", kSkillFile, " in the folder; a skill is a folder holding a ",
                     kSkillFile, " (its instructions) and the files it refers to"));
  }
  return files;
}

// SKILL.md's front matter (a YAML mapping between "---" lines at the top) and its body.
std::pair<nlohmann::json, std::string> SplitFrontMatter(const std::string& text) {
  if (!absl::StartsWith(text, "---\n")) return {nlohmann::json::object(), text};
  const size_t close = text.find("\n---", 3);
  if (close == std::string::npos) return {nlohmann::json::object(), text};
  absl::StatusOr<Json> front = workflow::YamlToJson(text.substr(4, close - 3));
  size_t body = text.find('\n', close + 4);
  body = body == std::string::npos ? text.size() : body + 1;
  nlohmann::json fields = nlohmann::json::object();
  if (front.ok() && front->is_object()) fields = nlohmann::json::parse(front->dump());
  return {fields, text.substr(body)};
}

}  // namespace

absl::Status BundleSkills(Json& document, const fs::path& base_dir) {
  auto skills = document.find("skills");
  if (skills == document.end() || !skills->is_array()) return absl::OkStatus();
  Json bundled = Json::array();
  Budget budget;
  std::set<std::string> names;
  for (const Json& skill : *skills) {
    if (!skill.is_string()) {
      bundled.push_back(skill);  // already bundled (or wrong: validation says so)
      continue;
    }
    const std::string shown = skill.get<std::string>();
    std::error_code error;
    const fs::path root = fs::canonical(base_dir / shown, error);
    if (error || !fs::is_directory(root, error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          shown, ": no such folder (skills are folders relative to the agent's file, here ",
          base_dir.string(), ")"));
    }
    const std::string name = root.filename().string();
    if (!IsSkillName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(shown, ": a skill's folder name must be letters, digits, '.', '_' or '-' ",
                       "(at most ", kMaxSkillNameChars, ") and not start with '.'"));
    }
    if (!names.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(shown, ": two skills named \"", name, "\"; rename one folder"));
    }
    absl::StatusOr<Json> files = ReadSkillFiles(shown, root, budget);
    if (!files.ok()) return files.status();
    Json bundle = Json::object();
    bundle["name"] = name;
    bundle["source"] = shown;
    bundle["files"] = *std::move(files);
    bundled.push_back(std::move(bundle));
  }
  *skills = std::move(bundled);
  return absl::OkStatus();
}

void CheckSkills(workflow::ValidationContext& context, const Json& document) {
  auto skills = document.find("skills");
  if (skills == document.end()) return;
  if (!skills->is_array()) {
    context.Report("/skills", "must be a list of skill folders");
    return;
  }
  std::set<std::string> names;
  size_t files = 0, bytes = 0;
  for (size_t i = 0; i < skills->size(); ++i) {
    const Json& skill = (*skills)[i];
    const std::string at = JsonPointerAppend("/skills", i);
    if (skill.is_string()) {
      if (!names.insert(skill.get<std::string>()).second) context.Report(at, "appears twice");
      continue;
    }
    if (!skill.is_object()) {
      context.Report(at, "must be a skill folder's path");
      continue;
    }
    context.RejectUnknownMembers(skill, at, {"name", "source", "files"});
    if (context.Require(skill, at, "name") && context.ExpectString(skill["name"], at + "/name")) {
      const std::string name = skill["name"].get<std::string>();
      if (!IsSkillName(name)) {
        context.Report(at + "/name",
                       absl::StrCat("must be letters, digits, '.', '_' or '-' (at most ",
                                    kMaxSkillNameChars, ") not starting with '.'"));
      } else if (!names.insert(name).second) {
        context.Report(at + "/name", "two skills have this name");
      }
    }
    if (auto source = skill.find("source"); source != skill.end()) {
      context.ExpectString(*source, at + "/source");
    }
    if (!context.Require(skill, at, "files") ||
        !context.ExpectObject(skill["files"], at + "/files"))
      continue;
    if (!skill["files"].contains(kSkillFile)) {
      context.Report(at + "/files", absl::StrCat("must hold ", kSkillFile));
    }
    for (const auto& [path, content] : skill["files"].items()) {
      const std::string file_at = JsonPointerAppend(at + "/files", path);
      if (!IsRelativeFilePath(path)) {
        context.Report(file_at, "must be a relative path inside the skill, without '..'");
      }
      if (!context.ExpectString(content, file_at)) continue;
      ++files;
      bytes += content.get_ref<const std::string&>().size();
    }
  }
  if (files > kMaxSkillFiles) {
    context.Report("/skills", absl::StrCat("hold ", files, " files; at most ", kMaxSkillFiles));
  }
  if (bytes > kMaxSkillBytes) {
    context.Report("/skills", absl::StrCat("hold ", HumanBytes(bytes), "; at most ",
                                           HumanBytes(kMaxSkillBytes)));
  }
}

absl::Status RequireBundledSkills(const Json& document) {
  auto skills = document.find("skills");
  if (skills == document.end() || !skills->is_array()) return absl::OkStatus();
  for (size_t i = 0; i < skills->size(); ++i) {
    if ((*skills)[i].is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          JsonPointerAppend("/skills", i), ": \"", (*skills)[i].get<std::string>(),
          "\" is a folder on your machine, which the server does not read; apply the file with "
          "`stigmer apply -f`, which sends the folder's files with the agent"));
    }
  }
  return absl::OkStatus();
}

std::string SkillsPrompt(const nlohmann::json& document) {
  auto skills = document.find("skills");
  if (skills == document.end() || !skills->is_array()) return "";
  std::string prompt;
  for (const nlohmann::json& skill : *skills) {
    if (!skill.is_object()) continue;
    const std::string folder = StringAt(skill, "name");
    auto files = skill.find("files");
    if (files == skill.end() || !files->is_object()) continue;
    auto text = files->find(kSkillFile);
    if (text == files->end() || !text->is_string()) continue;
    auto [front, body] = SplitFrontMatter(text->get<std::string>());
    std::string name = StringAt(front, "name");
    if (name.empty()) name = folder;
    if (prompt.empty()) {
      prompt = absl::StrCat(
          "\n\n# Skills\n\nEach skill's files are in the workspace under skills/<folder>/; "
          "read them with the files tool when the skill says to.");
    }
    absl::StrAppend(&prompt, "\n\n## Skill: ", name, " (skills/", folder, "/)\n");
    if (std::string description = StringAt(front, "description"); !description.empty()) {
      absl::StrAppend(&prompt, description, "\n");
    }
    absl::StrAppend(&prompt, "\n", body);
  }
  return prompt;
}

nlohmann::json SkillFolders(const nlohmann::json& document) {
  nlohmann::json folders = nlohmann::json::array();
  auto skills = document.find("skills");
  if (skills == document.end() || !skills->is_array()) return folders;
  for (const nlohmann::json& skill : *skills) {
    if (skill.is_object()) folders.push_back(absl::StrCat("skills/", StringAt(skill, "name")));
  }
  return folders;
}

absl::Status MaterializeSkills(const nlohmann::json& document, const std::string& workspace) {
  auto skills = document.find("skills");
  if (skills == document.end() || !skills->is_array() || skills->empty()) {
    return absl::OkStatus();
  }
  absl::StatusOr<Workspace> opened = Workspace::Open(workspace);
  if (!opened.ok()) return opened.status();
  for (const nlohmann::json& skill : *skills) {
    auto files = skill.is_object() ? skill.find("files") : skill.end();
    if (files == skill.end() || !files->is_object()) continue;
    for (const auto& [path, content] : files->items()) {
      if (!content.is_string()) continue;
      const std::string target = absl::StrCat("skills/", StringAt(skill, "name"), "/", path);
      if (absl::StatusOr<ReadResult> present = opened->Read(target);
          present.ok() && !present->truncated &&
          present->content == content.get_ref<const std::string&>()) {
        continue;
      }
      if (absl::Status written = opened->Write(target, content.get<std::string>()); !written.ok()) {
        return absl::InternalError(
            absl::StrCat("cannot lay out the skill file ", target, ": ", written.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace stigmer::agent
