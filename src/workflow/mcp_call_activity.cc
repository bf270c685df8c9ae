#include "workflow/mcp_call_activity.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/mcp/mcp_client.h"
#include "common/environment.h"
#include "workflow/dsl_duration.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;
using activities::ActivityResult;

constexpr const char* kInherited[] = {"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"};

ActivityResult Failure(const std::string& kind, std::string title, std::string detail,
                       const json& input) {
  return ActivityResult::Failure(durable::StandardError(kind, std::move(title), std::move(detail),
                                                        activities::ActivityTaskPath(input)));
}

ActivityResult Invalid(std::string detail, const json& input) {
  return Failure("configuration", "Invalid MCP call", std::move(detail), input);
}

ActivityResult FromStatus(const absl::Status& status, absl::Duration timeout, const json& input) {
  if (absl::IsCancelled(status)) return ActivityResult::Cancelled();
  if (absl::IsDeadlineExceeded(status)) {
    return Failure("timeout", "MCP call timed out",
                   absl::StrCat(status.message(), " (within ", absl::FormatDuration(timeout), ")"),
                   input);
  }
  return Failure("runtime", "MCP call failed", std::string(status.message()), input);
}

}  // namespace

ActivityResult RunMcpCallActivity(const json& input, const activities::ActivityLimits& limits,
                                  activities::ActivityControl& control) {
  const json with = input.is_object() ? input.value("with", json::object()) : json::object();
  const std::string method = with.is_object() ? with.value("method", "") : "";
  const json transport = with.is_object() ? with.value("transport", json::object()) : json();
  const json http = transport.is_object() ? transport.value("http", json()) : json();
  const json stdio = transport.is_object() ? transport.value("stdio", json()) : json();
  agent::McpServerConfig config;
  if (http.is_object()) {
    const json endpoint = http.value("endpoint", json());
    config.url = endpoint.is_string()   ? endpoint.get<std::string>()
                 : endpoint.is_object() ? endpoint.value("uri", "")
                                        : "";
    if (method.empty() ||
        !(absl::StartsWith(config.url, "http://") || absl::StartsWith(config.url, "https://"))) {
      return Invalid(
          "`with.method` is required and `with.transport.http.endpoint` must be an http(s) URL",
          input);
    }
    config.name = config.url;
    const json headers = http.value("headers", json::object());
    for (const auto& [name, value] : headers.items()) {
      config.headers.emplace_back(name,
                                  value.is_string() ? value.get<std::string>() : value.dump());
    }
  } else if (method.empty() || !stdio.is_object() || !stdio.contains("command") ||
             !stdio["command"].is_string()) {
    return Invalid("`with.method` and `with.transport.stdio.command` are required strings", input);
  } else {
    config.name = stdio["command"].get<std::string>();
    config.argv.push_back(config.name);
    if (auto arguments = stdio.find("arguments");
        arguments != stdio.end() && arguments->is_array()) {
      for (const json& argument : *arguments) {
        config.argv.push_back(argument.is_string() ? argument.get<std::string>() : argument.dump());
      }
    }
    const json environment = stdio.value("environment", json::object());
    const EnvironmentLookup worker = ProcessEnvironment();
    for (const char* name : kInherited) {
      if (environment.is_object() && environment.contains(name)) continue;
      if (std::optional<std::string> value = worker(name)) {
        config.env.push_back(absl::StrCat(name, "=", *value));
      }
    }
    if (environment.is_object()) {
      for (const auto& [name, value] : environment.items()) {
        config.env.push_back(
            absl::StrCat(name, "=", value.is_string() ? value.get<std::string>() : value.dump()));
      }
    }
  }
  config.max_message_bytes = limits.max_output_bytes;

  absl::Duration timeout = activities::ActivityTimeout(input, limits.http_timeout);
  if (auto own = with.find("timeout"); own != with.end() && !own->is_null()) {
    absl::StatusOr<absl::Duration> parsed =
        ParseDslDuration(nlohmann::ordered_json::parse(own->dump()));
    if (!parsed.ok())
      return Invalid(absl::StrCat("`with.timeout`: ", parsed.status().message()), input);
    timeout = std::min(timeout, *parsed);
  }
  const absl::Time deadline = absl::Now() + timeout;
  const auto keep_going = [&control] { return control.KeepGoing(); };
  std::string search_path;
  for (const std::string& variable : config.env) {
    if (variable.rfind("PATH=", 0) == 0) search_path = variable.substr(5);
  }
  absl::StatusOr<std::unique_ptr<agent::McpClient>> client =
      agent::McpClient::Start(config, search_path, timeout, keep_going);
  if (!client.ok()) return FromStatus(client.status(), timeout, input);
  json parameters = with.value("parameters", json::object());
  if (parameters.is_null()) parameters = json::object();
  absl::StatusOr<json> result =
      (*client)->Call(method, parameters, deadline - absl::Now(), keep_going);
  if (!result.ok()) return FromStatus(result.status(), timeout, input);
  if (method == "tools/call" && result->value("isError", false) == true) {
    return Failure("runtime", "MCP call failed",
                   absl::StrCat("the tool ", parameters.value("name", "?"), " of ", config.name,
                                " reported an error: ", agent::McpResultText(*result)),
                   input);
  }
  return ActivityResult::Success(*std::move(result));
}

}  // namespace stigmer::workflow
