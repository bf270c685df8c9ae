// The approval signal's payload: what decides a call and what is ignored.

#include "agent/approval.h"

#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

TEST(ApprovalSignalTest, ADecisionForTheCallIsRead) {
  std::optional<ApprovalDecision> denied =
      ReadApprovalSignal(ApprovalSignal("call_1", false, "too risky"), "call_1");
  ASSERT_TRUE(denied.has_value());
  EXPECT_FALSE(denied->approved);
  EXPECT_EQ(denied->reason, "too risky");
  std::optional<ApprovalDecision> approved =
      ReadApprovalSignal(ApprovalSignal("call_1", true), "call_1");
  ASSERT_TRUE(approved.has_value());
  EXPECT_TRUE(approved->approved);
  EXPECT_EQ(ApprovalSignal("call_1", true),
            (nlohmann::json{{"call_id", "call_1"}, {"approved", true}}));
}

TEST(ApprovalSignalTest, AnotherCallOrAPayloadWithoutADecisionIsIgnored) {
  EXPECT_FALSE(ReadApprovalSignal(ApprovalSignal("call_2", true), "call_1").has_value());
  EXPECT_FALSE(ReadApprovalSignal({{"call_id", "call_1"}}, "call_1").has_value());
  EXPECT_FALSE(
      ReadApprovalSignal({{"call_id", "call_1"}, {"approved", "yes"}}, "call_1").has_value());
  EXPECT_FALSE(ReadApprovalSignal("approve", "call_1").has_value());
  EXPECT_FALSE(ReadApprovalSignal(nullptr, "call_1").has_value());
}

}  // namespace
}  // namespace stigmer::agent
