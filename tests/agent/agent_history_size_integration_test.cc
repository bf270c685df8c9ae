// History grows with the conversation, not with its square: a run of a hundred model calls,
// each asking for a tool, stays far below Temporal-friendly sizes (issue 9 asks for < 5 MB;
// sdk-python issue 1890 saw 50 MB after 53 calls when every model call carried the transcript).

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/agent_runner_suite.h"

namespace stigmer::agent {
namespace {

TEST_F(AgentRunnerTest, AHundredToolCallingModelCallsKeepTheHistoryFarBelowFiveMegabytes) {
  constexpr int kToolCalls = 100;
  for (int i = 0; i < kToolCalls; ++i) {
    model_.QueueToolCall(
        absl::StrCat("call_", i), "files",
        {{"operation", "write"}, {"path", absl::StrCat("n", i, ".txt")}, {"content", "small"}});
  }
  model_.QueueText("All written.");
  nlohmann::json agent = Agent({"files"});
  agent["limits"] = {{"max_model_calls", 200}, {"max_tool_calls", 200}};
  const auto events = WaitClosed(Start("aex-hundred", agent, "Write a hundred notes"));
  const nlohmann::json output = Output(events);
  ASSERT_EQ(output["answer"], "All written.") << output.dump();
  EXPECT_EQ(output["model_calls"], kToolCalls + 1);
  EXPECT_EQ(output["tool_calls"], kToolCalls);

  size_t bytes = 0, largest = 0;
  for (const durable::HistoryEvent& event : events) {
    bytes += event.ByteSizeLong();
    largest = std::max(largest, event.ByteSizeLong());
  }
  std::cout << "history of " << kToolCalls + 1 << " model calls and " << kToolCalls
            << " tool calls: " << events.size() << " events, " << bytes << " bytes, largest event "
            << largest << " bytes\n";
  EXPECT_LT(bytes, 5u << 20) << "issue 9's bound";
  // What was measured (about 0.25 MB, 1,400 events) is 20 times below that bound, and no event
  // holds more than a turn: nothing grows with the conversation.
  EXPECT_LT(bytes, 1u << 20);
  EXPECT_LT(largest, 2u << 10);
}

}  // namespace
}  // namespace stigmer::agent
