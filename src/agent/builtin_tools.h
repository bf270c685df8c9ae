#ifndef STIGMER_AGENT_BUILTIN_TOOLS_H_
#define STIGMER_AGENT_BUILTIN_TOOLS_H_

// The built-in tools an agent document names in `tools` (shell, http, files, todos): the spec the
// model sees, and how a call becomes an activity request and its result the text the model
// reads. `todos` runs inside the loop (agent_loop.h); the others are activities.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "activities/activity_control.h"
#include "agent/agent_loop.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// The activity types of the built-in tools.
inline constexpr char kShellToolActivity[] = "agent.shell";
inline constexpr char kHttpToolActivity[] = "agent.http";
inline constexpr char kFilesToolActivity[] = "agent.files";

// The most a tool's result may show the model; the rest is cut out of the middle.
inline constexpr size_t kMaxToolTextBytes = 16 * 1024;

// The tools `names` lists, in that order; those named in `needs_approval` wait for a person.
std::vector<AgentTool> BuiltInTools(const std::vector<std::string>& names,
                                    const std::vector<std::string>& needs_approval);

// A tool call as an activity: its type and request. `path` is the step's path (the instance of
// the errors it raises); `workspace` the folder the shell and files tools work in.
struct ToolActivity {
  std::string type;
  nlohmann::json request;
};
// InvalidArgument, for the model to read, when the arguments lack what the tool needs.
absl::StatusOr<ToolActivity> BuiltInToolActivity(const AgentTool& tool, const ToolCall& call,
                                                 const std::string& path,
                                                 const std::string& workspace);

// What the model reads of a built-in tool's activity output: the shell's exit code and output
// streams, the HTTP body, the files operation's result; cut to `max_bytes`.
std::string BuiltInToolText(const std::string& runner, const nlohmann::json& output,
                            size_t max_bytes = kMaxToolTextBytes);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_BUILTIN_TOOLS_H_
