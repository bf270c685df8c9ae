#include "cli/agent_progress.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace stigmer::cli {
namespace {

using ::testing::ElementsAre;
using TimeUtil = google::protobuf::util::TimeUtil;

stigmer::v1::TaskProgress Step(const std::string& name, const std::string& output) {
  stigmer::v1::TaskProgress step;
  step.set_name(name);
  step.set_output(output);
  *step.mutable_started_at() = TimeUtil::MillisecondsToTimestamp(1000);
  *step.mutable_ended_at() = TimeUtil::MillisecondsToTimestamp(2500);
  return step;
}

TEST(AgentProgress, AModelTurnShowsItsTextAndEachToolCallWithItsArguments) {
  EXPECT_THAT(
      AgentStepLines(Step("model", R"({"role": "assistant", "text": "Let me look.\nOne moment.",
        "tool_calls": [{"id": "c1", "name": "shell", "arguments": {"command": "ls"}}]})")),
      ElementsAre("Let me look.", "One moment.", R"(→ shell {"command":"ls"})"));
}

TEST(AgentProgress, LongArgumentsAreCutAtACharacterBoundary) {
  const std::string text(300, 'e');
  const auto lines = AgentStepLines(Step(
      "model", R"({"role": "assistant", "text": "", "tool_calls": [{"id": "c1", "name": "files",
        "arguments": {"content": ")" +
                   std::string(199, 'a') + "é" + text + R"("}}]})"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), 230u);
  EXPECT_TRUE(lines[0].ends_with("…"));
}

TEST(AgentProgress, AToolResultShowsItsTimeAndItsFirstLines) {
  EXPECT_THAT(AgentStepLines(Step("shell", R"({"text": "a\nb\nc\nd\ne\nf"})"), 4),
              ElementsAre("shell (1.5s)", "  a", "  b", "  c", "  d", "  … 2 more lines"));
}

TEST(AgentProgress, ASubAgentsStepsAreIndentedUnderTheCallThatRanThem) {
  stigmer::v1::TaskProgress nested = Step("shell", R"({"text": "a"})");
  nested.set_path("/turns/1/tools/c1/turns/2/tools/d1");
  EXPECT_THAT(AgentStepLines(nested), ElementsAre("    shell (1.5s)", "      a"));
  nested.set_path("/turns/1/tools/d1");
  EXPECT_THAT(AgentStepLines(nested), ElementsAre("shell (1.5s)", "  a"));
}

TEST(AgentProgress, TheUsersMessageAndUnreadableOutputsShowNothing) {
  EXPECT_TRUE(AgentStepLines(Step("user", R"({"text": "hi"})")).empty());
  EXPECT_TRUE(AgentStepLines(Step("model", "not json")).empty());
}

TEST(AgentProgress, TheAnswerIsTheOutputsAnswerOrTheOutputItself) {
  EXPECT_EQ(AgentAnswer(R"({"answer": "42", "model_calls": 1})"), "42");
  EXPECT_EQ(AgentAnswer(R"({"other": 1})"), R"({"other": 1})");
}

}  // namespace
}  // namespace stigmer::cli
