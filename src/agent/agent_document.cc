#include "agent/agent_document.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/skills.h"
#include "common/byte_size.h"
#include "workflow/dsl_names.h"
#include "workflow/dsl_validation_context.h"
#include "workflow/json_pointer.h"
#include "workflow/workflow_document.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::agent {
namespace {

using Json = nlohmann::ordered_json;
using workflow::JsonPointerAppend;
using workflow::ValidationContext;

constexpr size_t kMaxDescriptionChars = 500;
constexpr size_t kMaxInstructionsBytes = 256 * 1024;
constexpr const char* kProviders[] = {"local", "openai", "ollama", "anthropic",
                                      "openai-compatible"};
constexpr const char* kToolModes[] = {"auto", "native", "json_schema"};

template <size_t N>
bool OneOf(const std::string& value, const char* const (&choices)[N]) {
  return std::find(std::begin(choices), std::end(choices), value) != std::end(choices);
}

template <size_t N>
std::string Choices(const char* const (&choices)[N]) {
  return absl::StrJoin(std::begin(choices), std::end(choices), ", ");
}

void CheckName(ValidationContext& context, const Json& value, const std::string& pointer,
               absl::string_view what) {
  if (!context.ExpectString(value, pointer)) return;
  if (!workflow::IsDnsLabel(value.get<std::string>())) {
    context.Report(pointer, absl::StrCat(what,
                                         " must be a DNS label: lower-case letters, digits "
                                         "and '-', at most 63, starting with a letter"));
  }
}

void CheckNumber(ValidationContext& context, const Json& object, const std::string& pointer,
                 const char* key, double low, double high, bool whole) {
  const auto found = object.find(key);
  if (found == object.end()) return;
  const std::string at = JsonPointerAppend(pointer, key);
  const bool fits = whole ? found->is_number_integer() : found->is_number();
  if (!fits || found->get<double>() < low || found->get<double>() > high) {
    const auto number = [whole](double value) {
      return whole ? absl::StrCat(static_cast<int64_t>(value)) : absl::StrCat(value);
    };
    context.Report(at, absl::StrCat("must be ", whole ? "a whole number" : "a number", " from ",
                                    number(low), " to ", number(high)));
  }
}

// {env: NAME} or {secret: NAME}; a literal string only where `literal_ok`.
void CheckValueSource(ValidationContext& context, const Json& value, const std::string& pointer,
                      bool literal_ok) {
  if (literal_ok && value.is_string()) return;
  const bool reference = value.is_object() && value.size() == 1 &&
                         (value.contains("env") || value.contains("secret")) &&
                         value.begin().value().is_string() &&
                         !value.begin().value().get<std::string>().empty();
  if (reference) return;
  context.Report(pointer,
                 literal_ok ? "must be a string, {env: NAME} or {secret: NAME}"
                            : "must be {env: NAME} or {secret: NAME}: never the key itself, which "
                              "would be stored with the agent; put it in an environment variable "
                              "or pass it with `stigmer run --secret NAME=…`");
}

std::set<std::string> CheckStringList(ValidationContext& context, const Json& object,
                                      const std::string& pointer, const char* key) {
  std::set<std::string> seen;
  const auto found = object.find(key);
  if (found == object.end()) return seen;
  const std::string at = JsonPointerAppend(pointer, key);
  if (!found->is_array()) {
    context.Report(at, "must be a list of strings");
    return seen;
  }
  for (size_t i = 0; i < found->size(); ++i) {
    const std::string item = JsonPointerAppend(at, i);
    if (!context.ExpectString((*found)[i], item)) continue;
    if (!seen.insert((*found)[i].get<std::string>()).second) context.Report(item, "appears twice");
  }
  return seen;
}

void CheckModel(ValidationContext& context, const Json& model) {
  const std::string at = "/model";
  if (!context.ExpectObject(model, at)) return;
  context.RejectUnknownMembers(
      model, at,
      {"provider", "name", "base_url", "temperature", "max_tokens", "api_key", "tool_mode"});
  std::string provider = "local";
  if (auto found = model.find("provider"); found != model.end()) {
    if (context.ExpectString(*found, "/model/provider")) {
      provider = found->get<std::string>();
      if (!OneOf(provider, kProviders)) {
        context.Report("/model/provider", absl::StrCat("unknown provider \"", provider,
                                                       "\"; use one of ", Choices(kProviders)));
      }
    }
  }
  if (auto found = model.find("name"); found != model.end()) {
    context.ExpectString(*found, "/model/name");
  } else if (provider != "local") {
    context.Require(model, at, "name");
  }
  if (auto found = model.find("base_url"); found != model.end()) {
    if (context.ExpectString(*found, "/model/base_url")) {
      const std::string url = found->get<std::string>();
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
        context.Report("/model/base_url", "must be an http:// or https:// URL");
      }
    }
  } else if (provider == "openai-compatible") {
    context.Require(model, at, "base_url");
  }
  CheckNumber(context, model, at, "temperature", 0, 2, false);
  CheckNumber(context, model, at, "max_tokens", 1, 1'000'000, true);
  if (auto found = model.find("api_key"); found != model.end()) {
    CheckValueSource(context, *found, "/model/api_key", false);
  }
  if (auto found = model.find("tool_mode"); found != model.end()) {
    if (context.ExpectString(*found, "/model/tool_mode") &&
        !OneOf(found->get<std::string>(), kToolModes)) {
      context.Report("/model/tool_mode", absl::StrCat("must be one of ", Choices(kToolModes)));
    }
  }
}

// The names of the servers, for `needs_approval`.
std::set<std::string> CheckMcpServers(ValidationContext& context, const Json& servers) {
  std::set<std::string> names;
  if (!servers.is_array()) {
    context.Report("/mcp_servers", "must be a list of MCP servers");
    return names;
  }
  for (size_t i = 0; i < servers.size(); ++i) {
    const std::string at = JsonPointerAppend("/mcp_servers", i);
    const Json& server = servers[i];
    if (!context.ExpectObject(server, at)) continue;
    context.RejectUnknownMembers(
        server, at, {"name", "command", "args", "env", "working_dir", "enabled_tools"});
    if (context.Require(server, at, "name")) {
      CheckName(context, server["name"], JsonPointerAppend(at, "name"), "an MCP server's name");
      if (server["name"].is_string() && !names.insert(server["name"].get<std::string>()).second) {
        context.Report(JsonPointerAppend(at, "name"), "another MCP server has this name");
      }
    }
    if (context.Require(server, at, "command")) {
      const std::string command_at = JsonPointerAppend(at, "command");
      if (context.ExpectString(server["command"], command_at) &&
          server["command"].get<std::string>().empty()) {
        context.Report(command_at, "must not be empty");
      }
    }
    if (auto args = server.find("args"); args != server.end()) {
      const std::string args_at = JsonPointerAppend(at, "args");
      if (!args->is_array()) {
        context.Report(args_at, "must be a list of strings");
      } else {
        for (size_t a = 0; a < args->size(); ++a) {
          context.ExpectString((*args)[a], JsonPointerAppend(args_at, a));
        }
      }
    }
    if (auto env = server.find("env"); env != server.end()) {
      const std::string env_at = JsonPointerAppend(at, "env");
      if (context.ExpectObject(*env, env_at)) {
        for (const auto& [name, value] : env->items()) {
          CheckValueSource(context, value, JsonPointerAppend(env_at, name), true);
        }
      }
    }
    if (auto dir = server.find("working_dir"); dir != server.end()) {
      context.ExpectString(*dir, JsonPointerAppend(at, "working_dir"));
    }
    CheckStringList(context, server, at, "enabled_tools");
  }
  return names;
}

// The built-in tools named.
std::set<std::string> CheckTools(ValidationContext& context, const Json& document) {
  std::set<std::string> tools = CheckStringList(context, document, "", "tools");
  for (const std::string& tool : tools) {
    if (!OneOf(tool, kBuiltInTools)) {
      const auto& list = document["tools"];
      const auto at = std::find(list.begin(), list.end(), tool) - list.begin();
      context.Report(JsonPointerAppend("/tools", static_cast<size_t>(at)),
                     absl::StrCat("unknown built-in tool \"", tool, "\"; use one of ",
                                  Choices(kBuiltInTools), ", or an MCP server for others"));
    }
  }
  return tools;
}

void CheckLimits(ValidationContext& context, const Json& limits) {
  if (!context.ExpectObject(limits, "/limits")) return;
  context.RejectUnknownMembers(limits, "/limits",
                               {"max_model_calls", "max_tool_calls", "max_identical_tool_calls",
                                "tool_attempts", "timeout"});
  CheckNumber(context, limits, "/limits", "max_model_calls", 1, 10'000, true);
  CheckNumber(context, limits, "/limits", "max_tool_calls", 1, 100'000, true);
  CheckNumber(context, limits, "/limits", "max_identical_tool_calls", 1, 1'000, true);
  CheckNumber(context, limits, "/limits", "tool_attempts", 1, 10, true);
  if (auto timeout = limits.find("timeout"); timeout != limits.end()) {
    context.CheckDuration(*timeout, "/limits/timeout");
  }
}

}  // namespace

bool IsAgentDocument(const nlohmann::ordered_json& document) {
  return document.is_object() && document.contains("kind") && document["kind"] == kAgentKind;
}

std::vector<ValidationProblem> ValidateAgentJson(const nlohmann::ordered_json& document) {
  ValidationContext context(document);
  if (!context.ExpectObject(document, "")) return context.TakeProblems();
  context.RejectUnknownMembers(document, "",
                               {"kind", "name", "description", "instructions", "model", "tools",
                                "mcp_servers", "skills", "sub_agents", "limits", "needs_approval"});
  if (context.Require(document, "", "kind") && context.ExpectString(document["kind"], "/kind") &&
      document["kind"] != kAgentKind) {
    context.Report("/kind", absl::StrCat("must be \"", kAgentKind, "\""));
  }
  if (context.Require(document, "", "name"))
    CheckName(context, document["name"], "/name", "a name");
  if (auto description = document.find("description"); description != document.end()) {
    if (context.ExpectString(*description, "/description") &&
        description->get<std::string>().size() > kMaxDescriptionChars) {
      context.Report("/description",
                     absl::StrCat("is longer than ", kMaxDescriptionChars, " characters"));
    }
  }
  if (context.Require(document, "", "instructions") &&
      context.ExpectString(document["instructions"], "/instructions")) {
    const std::string& instructions = document["instructions"].get_ref<const std::string&>();
    if (instructions.find_first_not_of(" \t\r\n") == std::string::npos) {
      context.Report("/instructions", "must not be empty: it is the agent's system prompt");
    } else if (instructions.size() > kMaxInstructionsBytes) {
      context.Report("/instructions",
                     absl::StrCat("is larger than ", HumanBytes(kMaxInstructionsBytes),
                                  "; put reference text in a skill"));
    }
  }
  if (auto model = document.find("model"); model != document.end()) CheckModel(context, *model);
  const std::set<std::string> tools = CheckTools(context, document);
  std::set<std::string> servers;
  if (auto found = document.find("mcp_servers"); found != document.end()) {
    servers = CheckMcpServers(context, *found);
  }
  CheckSkills(context, document);
  const std::set<std::string> sub_agents = CheckStringList(context, document, "", "sub_agents");
  if (auto found = document.find("sub_agents"); found != document.end() && found->is_array()) {
    for (size_t i = 0; i < found->size(); ++i) {
      if ((*found)[i].is_string()) {
        CheckName(context, (*found)[i], JsonPointerAppend("/sub_agents", i), "a sub-agent");
        if (document.contains("name") && (*found)[i] == document["name"]) {
          context.Report(JsonPointerAppend("/sub_agents", i), "an agent cannot call itself");
        } else if (tools.contains((*found)[i].get<std::string>())) {
          // The model calls both by that name: which one it meant could not be told.
          context.Report(JsonPointerAppend("/sub_agents", i),
                         "is also the name of a tool in /tools; rename the agent or drop the tool");
        }
      }
    }
  }
  if (auto limits = document.find("limits"); limits != document.end()) {
    CheckLimits(context, *limits);
  }
  CheckStringList(context, document, "", "needs_approval");
  if (auto found = document.find("needs_approval"); found != document.end() && found->is_array()) {
    for (size_t i = 0; i < found->size(); ++i) {
      if (!(*found)[i].is_string()) continue;
      const std::string name = (*found)[i].get<std::string>();
      const std::string server = name.substr(0, name.find('/'));
      if (!tools.count(name) && !servers.count(server)) {
        context.Report(JsonPointerAppend("/needs_approval", i),
                       absl::StrCat("\"", name,
                                    "\" is neither a tool in /tools nor an MCP server in "
                                    "/mcp_servers (\"server\" or \"server/tool\")"));
      }
    }
  }
  return context.TakeProblems();
}

absl::StatusOr<AgentDocument> ParseAgentDocument(absl::string_view text) {
  if (text.size() > workflow::kMaxWorkflowDocumentBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the document is larger than ", HumanBytes(workflow::kMaxWorkflowDocumentBytes)));
  }
  absl::StatusOr<Json> json = workflow::YamlToJson(text);
  if (!json.ok()) return json.status();
  std::vector<ValidationProblem> problems = ValidateAgentJson(*json);
  if (!problems.empty()) {
    std::vector<std::string> lines;
    for (const ValidationProblem& problem : problems) {
      lines.push_back(workflow::FormatValidationProblem(problem));
    }
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  AgentDocument document;
  document.name = (*json)["name"].get<std::string>();
  if (json->contains("description")) document.description = (*json)["description"];
  document.json = *std::move(json);
  return document;
}

}  // namespace stigmer::agent
