#ifndef STIGMER_AGENT_MODEL_JSON_SCHEMA_TOOLS_H_
#define STIGMER_AGENT_MODEL_JSON_SCHEMA_TOOLS_H_

// Tool calling for models that have no native tool calls (small local models): the model is
// asked for JSON that matches a schema offering each tool or a final answer, and the server's
// grammar-constrained sampling keeps it to that schema. One step per answer:
//   {"tool": "<name>", "arguments": {...}}   or   {"answer": "<final text>"}

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "agent/model/chat.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// The JSON Schema of one step: anyOf one object per tool ({"tool": const name, "arguments": the
// tool's parameters}, both required) and the final answer ({"answer": string}). Ordered: a
// grammar built from it (llama.cpp's) has the model write "tool" first, so that it picks the
// tool before it writes arguments (sorted keys would start with "arguments", next to "answer",
// and small models then drift into answering).
nlohmann::ordered_json StepSchema(const std::vector<ToolSpec>& tools);

// What the system prompt gains in this mode: the tools, their descriptions and the step format.
std::string StepInstructions(const std::vector<ToolSpec>& tools);

// The model's JSON text as an answer: one tool call (id "step-<n>", n = `step`) or the final
// text. A tool the request did not offer, or text that is not such JSON, is InvalidArgument
// naming what came back (cut), so the loop can tell the model and ask again.
absl::StatusOr<ChatAnswer> AnswerFromStep(absl::string_view text,
                                          const std::vector<ToolSpec>& tools, int step);

// How an earlier assistant turn with a tool call reads back to the model in this mode (the
// JSON step it produced), and how a tool's result reads (a user turn naming the tool).
std::string StepText(const ToolCall& call);
std::string ToolResultText(const ChatMessage& result);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_JSON_SCHEMA_TOOLS_H_
