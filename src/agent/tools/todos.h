#ifndef STIGMER_AGENT_TOOLS_TODOS_H_
#define STIGMER_AGENT_TOOLS_TODOS_H_

// The `todos` tool: the agent's plan, a list of items with a status. Pure state of the run (no
// activity): each call replaces the whole list, and the list is shown to the user.

#include <string>

#include "absl/status/statusor.h"
#include "agent/model/chat.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

inline constexpr int kMaxTodos = 100;

// What the model is told about the tool.
ToolSpec TodosToolSpec();

// The new list from the call's arguments {"todos": [{"content": text, "status": "pending" |
// "in_progress" | "done"}]}: at most kMaxTodos items, content non-empty and at most 500 bytes.
// InvalidArgument naming the item otherwise (the model sees it and can try again).
absl::StatusOr<nlohmann::json> ApplyTodos(const nlohmann::json& arguments);

// The list as the model reads it back: "[done] write tests\n[in_progress] fix the bug".
std::string TodosText(const nlohmann::json& todos);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_TOOLS_TODOS_H_
