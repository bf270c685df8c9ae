#ifndef STIGMER_AGENT_SKILLS_H_
#define STIGMER_AGENT_SKILLS_H_

// Skills: folders holding a SKILL.md (and other text files) that an agent names in `skills`.
// In the file a user applies, each is a folder path relative to the document's file;
// `stigmer apply` reads the folder (BundleSkills) and sends the agent with the skill's files in
// place of its path:
//
//   skills:
//     - name: review                # the folder's name: where its files go in the workspace
//       source: skills/review       # the path it was read from (for people; unused)
//       files: {SKILL.md: "...", checklist.md: "..."}
//
// so that a stored version is self-contained: a changed folder takes a new apply. At a run, each
// SKILL.md is appended to the system prompt (SkillsPrompt, with its front matter's name and
// description) and the files are laid out under skills/<name>/ in the run's workspace
// (MaterializeSkills), where the `files` tool reads them but does not write (SkillFolders).

#include <cstddef>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::agent {

// Bounds of the skills of one agent, all of them together.
inline constexpr size_t kMaxSkillFiles = 100;
inline constexpr size_t kMaxSkillBytes = 1024 * 1024;  // of file contents

// Replaces each folder path in document["skills"] by the bundle of its files, reading the
// folders relative to `base_dir`. Subfolders are read; a symlink is followed only when it
// leads to a file inside the skill's folder. InvalidArgument naming the path (and the limit)
// for: a missing folder, a folder without SKILL.md, more than kMaxSkillFiles files or
// kMaxSkillBytes in all, a symlink leading out of its folder, a file that is not UTF-8 text or
// not a regular file, two skills of one name. The document is unchanged on error.
absl::Status BundleSkills(nlohmann::ordered_json& document, const std::filesystem::path& base_dir);

// Reports the problems of document["skills"]: a list whose items are folder paths (a source
// document) or bundles {name, source, files} (names [A-Za-z0-9._-], unique; files: relative
// paths, no `..`, holding SKILL.md; within the bounds above).
void CheckSkills(workflow::ValidationContext& context, const nlohmann::ordered_json& document);

// InvalidArgument when a skill of `document` is still a folder path (the server cannot read the
// user's folders), saying to apply the file with `stigmer apply -f`.
absl::Status RequireBundledSkills(const nlohmann::ordered_json& document);

// The text appended to the system prompt for the bundled skills of `document`: per skill its
// name, its description, where its files are, and its SKILL.md without the front matter. ""
// when there are none.
std::string SkillsPrompt(const nlohmann::json& document);

// The workspace folders of the bundled skills of `document` ("skills/<name>"), which the
// `files` tool does not write to.
nlohmann::json SkillFolders(const nlohmann::json& document);

// Writes the files of every bundled skill of `document` under <workspace>/skills/<name>/
// (confined to the workspace as the `files` tool is); a file already holding the same content is
// left alone. Errors name the file.
absl::Status MaterializeSkills(const nlohmann::json& document, const std::string& workspace);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_SKILLS_H_
