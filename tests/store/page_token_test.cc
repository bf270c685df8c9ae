#include "server/store/page_token.h"

#include "gtest/gtest.h"

namespace stigmer::store {
namespace {

TEST(PageTokenTest, WorkflowTokensRoundTrip) {
  for (const char* name : {"a", "hello-world", "name\nwith a newline"}) {
    absl::StatusOr<std::string> decoded = DecodeWorkflowPageToken(EncodeWorkflowPageToken(name));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, name);
  }
}

TEST(PageTokenTest, ExecutionTokensRoundTrip) {
  ExecutionCursor cursor{1'800'000'000'123'456'789, "wex-01ARZ3NDEKTSV4RRFFQ69G5FAV"};
  absl::StatusOr<ExecutionCursor> decoded =
      DecodeExecutionPageToken(EncodeExecutionPageToken(cursor));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->created_at_nanos, cursor.created_at_nanos);
  EXPECT_EQ(decoded->id, cursor.id);
}

TEST(PageTokenTest, RejectsWhatIsNotAToken) {
  const std::string execution_token =
      EncodeExecutionPageToken({5, "wex-01ARZ3NDEKTSV4RRFFQ69G5FAV"});
  const std::string workflow_token = EncodeWorkflowPageToken("hello");
  for (const std::string& bad : {std::string("garbage!"), std::string("aGVsbG8"), execution_token,
                                 std::string(""), EncodeWorkflowPageToken("")}) {
    absl::StatusOr<std::string> decoded = DecodeWorkflowPageToken(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(decoded.status().message(), "invalid page token");
  }
  for (const std::string& bad :
       {std::string("garbage!"), workflow_token, EncodeExecutionPageToken({5, "not-an-id"})}) {
    EXPECT_EQ(DecodeExecutionPageToken(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(PageTokenTest, AgentAndWorkflowTokensAreNotInterchangeable) {
  absl::StatusOr<std::string> decoded = DecodeAgentPageToken(EncodeAgentPageToken("reviewer"));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, "reviewer");
  EXPECT_EQ(DecodeAgentPageToken(EncodeWorkflowPageToken("hello")).status().message(),
            "invalid page token");
  EXPECT_EQ(DecodeWorkflowPageToken(EncodeAgentPageToken("reviewer")).status().message(),
            "invalid page token");
}

TEST(PageTokenTest, PageSizeRule) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(500), 500);
  EXPECT_EQ(*EffectivePageSize(501), kMaxPageSize);
  EXPECT_EQ(EffectivePageSize(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stigmer::store
