#include "activities/process_capabilities.h"

#include <string>

#include "activities/container_engine.h"
#include "activities/process_run.h"
#include "activities/script_interpreter.h"

namespace stigmer::activities {
namespace {

// The first line `program --version` prints; "" when it fails.
std::string Version(const std::string& program) {
  const ActivityResult result =
      RunHelperProcess({program, "--version"}, ReturnMode::kStdout, absl::Seconds(10));
  if (!result.ok() || !result.output.is_string()) return "";
  const std::string text = result.output.get<std::string>();
  return text.substr(0, text.find('\n'));
}

nlohmann::json Interpreter(const char* language, const EnvironmentLookup& lookup) {
  absl::StatusOr<std::filesystem::path> path = LocateInterpreter(*InterpreterFor(language), lookup);
  if (!path.ok()) return {{"found", false}, {"detail", std::string(path.status().message())}};
  return {{"found", true}, {"path", path->string()}, {"version", Version(path->string())}};
}

}  // namespace

nlohmann::json ProcessCapabilities(const EnvironmentLookup& lookup) {
  nlohmann::json capabilities = {{"node", Interpreter("js", lookup)},
                                 {"python3", Interpreter("python", lookup)}};
  absl::StatusOr<ContainerEngine> engine = FindContainerEngine(lookup);
  capabilities["container_engine"] =
      engine.ok()
          ? nlohmann::json{{"found", true},
                           {"name", engine->name},
                           {"path", engine->path},
                           {"version", Version(engine->path)}}
          : nlohmann::json{{"found", false}, {"detail", std::string(engine.status().message())}};
  return capabilities;
}

}  // namespace stigmer::activities
