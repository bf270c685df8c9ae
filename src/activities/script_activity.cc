#include "activities/script_activity.h"

#include <errno.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "activities/local_resource.h"
#include "activities/process_run.h"
#include "activities/script_interpreter.h"
#include "common/errno_status.h"
#include "common/file_io.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxSourceBytes = 4 << 20;

// A private temporary folder, removed with everything in it on destruction unless released.
class ScriptFolder {
 public:
  static absl::StatusOr<ScriptFolder> Create() {
    const char* base = ::getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/stigmer-script-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) {
      return ErrnoToStatus("creating a temporary folder for the script", errno);
    }
    return ScriptFolder(std::move(pattern));
  }
  ScriptFolder(ScriptFolder&& other) noexcept : path_(std::exchange(other.path_, "")) {}
  ScriptFolder& operator=(ScriptFolder&&) = delete;
  ~ScriptFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  // Leaves the folder for somebody else to remove.
  void Release() { path_.clear(); }

 private:
  explicit ScriptFolder(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// A JavaScript file that uses `import` or `export` statements is an ES module (script.mjs):
// node runs a .js file as CommonJS, where they are syntax errors.
bool IsEsModule(const std::string& code) {
  for (absl::string_view line : absl::StrSplit(code, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (absl::StartsWith(line, "import ") || absl::StartsWith(line, "import{") ||
        absl::StartsWith(line, "export ")) {
      return true;
    }
  }
  return false;
}

ActivityResult Invalid(std::string detail, const std::string& task) {
  return ActivityResult::Failure(
      durable::StandardError("configuration", "Invalid script", std::move(detail), task));
}

}  // namespace

ActivityResult RunScriptActivity(const json& input, const ActivityLimits& limits,
                                 ActivityControl& control, const EnvironmentLookup& lookup) {
  const std::string task = ActivityTaskPath(input);
  auto script = input.is_object() ? input.find("script") : input.end();
  if (script == input.end() || !script->is_object()) {
    return Invalid("`run.script` must be an object", task);
  }
  auto language = script->find("language");
  if (language == script->end() || !language->is_string()) {
    return Invalid("`run.script.language` is required: js, javascript or python", task);
  }
  absl::StatusOr<ScriptInterpreter> interpreter = InterpreterFor(language->get<std::string>());
  if (!interpreter.ok()) return Invalid(std::string(interpreter.status().message()), task);

  std::string code;
  auto code_field = script->find("code");
  auto source = script->find("source");
  if (code_field != script->end() && code_field->is_string()) {
    code = code_field->get<std::string>();
  } else if (source != script->end() && source->is_object() && source->contains("endpoint")) {
    absl::StatusOr<std::string> read =
        ReadLocalResource(EndpointUri((*source)["endpoint"]), kMaxSourceBytes, SourceDirOf(input));
    if (!read.ok()) {
      return Invalid(absl::StrCat("script source: ", read.status().message()), task);
    }
    code = *std::move(read);
  } else {
    return Invalid("`run.script` needs `code` (a string) or `source` ({endpoint: file:///...})",
                   task);
  }
  ProcessIo io;
  if (auto error = ReadProcessIo(*script, "run.script", io)) return Invalid(*error, task);
  ReturnMode mode = ReturnMode::kStdout;
  bool await = true;
  if (auto error = ReadReturnAndAwait(input, mode, await)) return Invalid(*error, task);

  absl::StatusOr<std::filesystem::path> program = LocateInterpreter(*interpreter, lookup);
  if (!program.ok()) {
    return ActivityResult::Failure(durable::StandardError(
        "runtime", "Interpreter not found", std::string(program.status().message()), task));
  }
  absl::StatusOr<ScriptFolder> folder = ScriptFolder::Create();
  if (!folder.ok()) {
    return ActivityResult::Failure(durable::StandardError(
        "runtime", "Command not started", std::string(folder.status().message()), task));
  }
  const bool module = std::string(interpreter->suffix) == ".js" && IsEsModule(code);
  const std::string file =
      absl::StrCat(folder->path(), "/script", module ? ".mjs" : interpreter->suffix);
  if (absl::Status written = WriteFileAtomically(file, code, 0600, false); !written.ok()) {
    return ActivityResult::Failure(durable::StandardError("runtime", "Command not started",
                                                          std::string(written.message()), task));
  }
  ProcessOptions options;
  if (await) {
    options.argv = {program->string(), file};
    options.record_group = true;
  } else {
    // Nobody waits for a detached script: a shell removes its folder once it exits.
    options.argv = {"/bin/sh",
                    "-c",
                    "\"$@\"; status=$?; rm -rf -- \"$0\"; exit $status",
                    folder->path(),
                    program->string(),
                    file};
  }
  options.argv.insert(options.argv.end(), io.arguments.begin(), io.arguments.end());
  options.env = WorkerEnvironmentWith(io.environment);
  ActivityResult result =
      RunProcessActivity(options, io.stdin_text, mode, await, input, limits, control);
  if (!await && result.ok()) folder->Release();
  return result;
}

}  // namespace stigmer::activities
