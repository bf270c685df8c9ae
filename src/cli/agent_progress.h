#ifndef STIGMER_CLI_AGENT_PROGRESS_H_
#define STIGMER_CLI_AGENT_PROGRESS_H_

#include <string>
#include <vector>

#include "stigmer/v1/execution.pb.h"

namespace stigmer::cli {

// What `stigmer run AGENT` prints for one ended step of an agent run (its TaskProgress):
// - a model turn: its text, then "→ TOOL {arguments}" per tool call (arguments cut to 200
//   bytes);
// - a tool's result: "TOOL (1.2 s)" then its first `max_lines` lines, indented, and
//   "… N more lines" when cut (`-o json` shows them all);
// - the user's message: nothing (the user typed it).
// A sub-agent's step (its path below the step that called it: "/turns/1/tools/c1/turns/1/model")
// is indented four spaces per level.
std::vector<std::string> AgentStepLines(const stigmer::v1::TaskProgress& step, int max_lines = 4);

// `text` cut to at most `max_bytes` at a UTF-8 character boundary, "…" added when cut.
std::string CutText(std::string text, size_t max_bytes);

// The final answer of a completed agent run's output ({"answer", ...}); the output as it is when
// it has none.
std::string AgentAnswer(const std::string& output_json);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_AGENT_PROGRESS_H_
