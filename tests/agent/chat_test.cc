#include "agent/model/chat.h"

#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

TEST(ChatTest, AnswerReadsBackAsRecorded) {
  const ChatAnswer answer{
      .text = "Checking.",
      .tool_calls = {{.id = "c1", .name = "weather", .arguments = {{"city", "Oslo"}}},
                     {.id = "c2", .name = "weather", .arguments_error = "not JSON"}},
      .finish_reason = FinishReason::kToolCalls,
      .usage = {.input_tokens = 10, .output_tokens = 3}};
  const nlohmann::json recorded = AnswerToJson(answer);
  EXPECT_EQ(recorded["finish_reason"], "tool_calls");
  absl::StatusOr<ChatAnswer> again = AnswerFromJson(recorded);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, answer);
}

TEST(ChatTest, ARecordedAnswerOfTheWrongShapeIsAnErrorNotACrash) {
  EXPECT_FALSE(AnswerFromJson("text").ok());
  EXPECT_FALSE(AnswerFromJson({{"tool_calls", "x"}}).ok());
  EXPECT_FALSE(AnswerFromJson({{"tool_calls", {{{"id", 1}}}}}).ok());
  absl::StatusOr<ChatAnswer> odd =
      AnswerFromJson({{"text", 5}, {"finish_reason", 3}, {"usage", {{"input_tokens", "x"}}}});
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->text, "");
  EXPECT_EQ(odd->finish_reason, FinishReason::kStop);
}

}  // namespace
}  // namespace stigmer::agent
