#ifndef STIGMER_AGENT_AGENT_DOCUMENT_H_
#define STIGMER_AGENT_AGENT_DOCUMENT_H_

// An agent document: what `stigmer apply -f` takes besides workflows. YAML or JSON, told apart
// from a workflow by `kind: Agent`:
//
//   kind: Agent
//   name: reviewer                  # a DNS label, as workflow names
//   description: Reviews a change   # optional, at most 500 characters
//   instructions: |                 # the system prompt; required
//     You review code …
//   model:                          # optional; the provider `local` by default
//     provider: openai              # local | openai | ollama | anthropic | openai-compatible
//     name: gpt-4o-mini             # required unless the provider is local
//     base_url: https://api.openai.com/v1
//     temperature: 0.2              # 0 to 2
//     max_tokens: 1024              # 1 to 1,000,000
//     api_key: {env: OPENAI_API_KEY}  # or {secret: NAME}: never the key itself
//     tool_mode: auto               # auto | native | json_schema
//   tools: [shell, http, files, todos]   # built-in tools, each at most once
//   mcp_servers:
//     - name: fs                    # a DNS label, unique in the agent
//       command: npx                # required
//       args: [-y, "@modelcontextprotocol/server-filesystem", "."]
//       env: {TOKEN: {secret: GITHUB}, MODE: ro}   # a string, {env: NAME} or {secret: NAME}
//       working_dir: .
//       enabled_tools: [read_file]  # all of the server's tools when absent
//   skills: [skills/review]         # folders holding a SKILL.md, relative to the document's
//                                   # file; sent with their files by `stigmer apply` (skills.h)
//   sub_agents: [summarizer]        # other agents' names, callable as tools
//   limits:                         # each optional; the defaults shown
//     max_model_calls: 50
//     max_tool_calls: 200
//     max_identical_tool_calls: 3   # the same tool with the same arguments, in a row
//     tool_attempts: 1              # 1 to 10: runs of a tool call whose worker died under it
//     timeout: {minutes: 30}        # a DSL duration (or ISO 8601, PT30M)
//   needs_approval: [shell, fs]     # built-in tools, MCP servers, or "server/tool"

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "workflow/validation_problem.h"

namespace stigmer::agent {

using workflow::ValidationProblem;

inline constexpr char kAgentKind[] = "Agent";
// The built-in tools an agent may name in `tools`.
inline constexpr const char* kBuiltInTools[] = {"shell", "http", "files", "todos"};

struct AgentDocument {
  std::string name;
  std::string description;
  nlohmann::ordered_json json;  // the whole document, keys in their order
};

// True when `document` is an object whose `kind` is "Agent" (what apply uses to tell agents from
// workflows).
bool IsAgentDocument(const nlohmann::ordered_json& document);

// Every problem of `document` as an agent document, in document order, each with its JSON
// pointer; empty when it is valid. At most workflow::ValidationContext::kMaxProblems.
std::vector<ValidationProblem> ValidateAgentJson(const nlohmann::ordered_json& document);

// Parses YAML or JSON `text` holding one agent document and validates it. InvalidArgument as
// for workflows (workflow_document.h): the YAML error with its line and column, or the problems
// one per line as "<pointer>: <message>".
absl::StatusOr<AgentDocument> ParseAgentDocument(absl::string_view text);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_AGENT_DOCUMENT_H_
