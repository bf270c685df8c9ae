#include "agent/mcp_launch.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/tools/workspace.h"
#include "common/json_fields.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

constexpr const char* kInherited[] = {"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"};

const json* FindServer(const json& document, const std::string& server) {
  const auto servers = document.find("mcp_servers");
  if (servers == document.end() || !servers->is_array()) return nullptr;
  for (const json& entry : *servers) {
    if (StringAt(entry, "name") == server) return &entry;
  }
  return nullptr;
}

std::vector<std::string> Strings(const json& list) {
  std::vector<std::string> strings;
  if (!list.is_array()) return strings;
  for (const json& item : list) {
    if (item.is_string()) strings.push_back(item.get<std::string>());
  }
  return strings;
}

// The value of the variable `name` of `server`'s env.
absl::StatusOr<std::string> EnvValue(const std::string& server, const std::string& name,
                                     const json& value, const json& secrets,
                                     const EnvironmentLookup& environment) {
  if (value.is_string()) return value.get<std::string>();
  if (const std::string variable = StringAt(value, "env"); !variable.empty()) {
    std::optional<std::string> found = environment(variable);
    if (!found) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the MCP server ", server, " needs ", name, " from the environment variable ", variable,
          ", which agent-runner does not have; set it where `stigmer server` runs"));
    }
    return *std::move(found);
  }
  const std::string secret = StringAt(value, "secret");
  const auto found = secrets.find(secret);
  if (secret.empty() || found == secrets.end() || !found->is_string()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the MCP server ", server, " needs ", name, " from the secret ", secret,
        ", which this run was not given; pass it with `stigmer run … --secret ", secret, "=…`"));
  }
  return found->get<std::string>();
}

}  // namespace

absl::StatusOr<McpServerLaunch> ResolveMcpServer(const json& document, const std::string& server,
                                                 const json& secrets,
                                                 const EnvironmentLookup& environment,
                                                 const std::string& workspace) {
  const json* entry = FindServer(document, server);
  if (entry == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("the agent has no MCP server ", server, " (was its document changed?)"));
  }
  McpServerLaunch launch;
  McpServerConfig& config = launch.config;
  config.name = server;
  config.argv.push_back(StringAt(*entry, "command"));
  for (std::string& arg : Strings(entry->value("args", json::array()))) {
    config.argv.push_back(std::move(arg));
  }
  const json env = entry->value("env", json::object());
  for (const char* name : kInherited) {
    if (env.contains(name)) continue;
    if (std::optional<std::string> value = environment(name)) {
      config.env.push_back(absl::StrCat(name, "=", *value));
    }
  }
  if (env.is_object()) {
    for (const auto& [name, value] : env.items()) {
      absl::StatusOr<std::string> resolved = EnvValue(server, name, value, secrets, environment);
      if (!resolved.ok()) return resolved.status();
      config.env.push_back(absl::StrCat(name, "=", *resolved));
    }
  }

  absl::StatusOr<Workspace> opened = Workspace::Open(workspace);
  if (!opened.ok()) return opened.status();
  const std::string dir = StringAt(*entry, "working_dir");
  absl::StatusOr<std::filesystem::path> folder = opened->Folder(dir);
  if (!folder.ok()) {
    return absl::Status(folder.status().code(),
                        absl::StrCat("the working_dir of the MCP server ", server, ": ",
                                     folder.status().message()));
  }
  config.working_dir = folder->string();

  if (auto enabled = entry->find("enabled_tools"); enabled != entry->end()) {
    launch.enabled_tools = Strings(*enabled);
  }
  return launch;
}

std::string McpCommandLine(const McpServerConfig& config) {
  return absl::StrJoin(config.argv, " ", [](std::string* out, const std::string& arg) {
    const bool quote = arg.empty() || arg.find_first_of(" \t\"'") != std::string::npos;
    absl::StrAppend(out, quote ? absl::StrCat("\"", arg, "\"") : arg);
  });
}

}  // namespace stigmer::agent
