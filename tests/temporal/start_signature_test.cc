#include "temporal/start_signature.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"

namespace stigmer::temporal {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(StartSignatureTest, SignedStartVerifies) {
  const Payloads input = JsonPayloads({{{"document", "x"}}, {{"n", 1}}});
  ::temporal::api::common::v1::Header header;
  AddStartSignature(kKey, "wex-1", "ServerlessWorkflow", input, header);
  EXPECT_TRUE(VerifyStartSignature(kKey, "wex-1", "ServerlessWorkflow", input, header).ok());
}

TEST(StartSignatureTest, StartWithoutSignatureIsRefused) {
  const Payloads input = JsonPayloads({{{"document", "x"}}});
  absl::Status status = VerifyStartSignature(kKey, "wex-1", "ServerlessWorkflow", input, {});
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_THAT(status.message(),
              HasSubstr("not started by stigmer-server: it carries no signature"));
}

TEST(StartSignatureTest, ChangedInputIdOrKeyBreaksTheSignature) {
  const Payloads input = JsonPayloads({{{"document", "x"}}, {{"n", 1}}});
  ::temporal::api::common::v1::Header header;
  AddStartSignature(kKey, "wex-1", "ServerlessWorkflow", input, header);

  const Payloads changed = JsonPayloads({{{"document", "x"}}, {{"n", 2}}});
  absl::Status status = VerifyStartSignature(kKey, "wex-1", "ServerlessWorkflow", changed, header);
  EXPECT_TRUE(absl::IsPermissionDenied(status));
  EXPECT_THAT(status.message(), HasSubstr("signature does not match its input"));
  EXPECT_FALSE(VerifyStartSignature(kKey, "wex-2", "ServerlessWorkflow", input, header).ok());
  EXPECT_FALSE(
      VerifyStartSignature("another key", "wex-1", "ServerlessWorkflow", input, header).ok());
  // Moving bytes between payloads is a change too.
  const Payloads split = JsonPayloads({{{"document", "x"}}, {{"n", 1}}, nullptr});
  EXPECT_FALSE(VerifyStartSignature(kKey, "wex-1", "ServerlessWorkflow", split, header).ok());
}

}  // namespace
}  // namespace stigmer::temporal

namespace stigmer::temporal {
namespace {

// A Temporal Schedule appends "-<nominal time>" to its action's workflow id.
TEST(ScheduledStartSignatureTest, ScheduledRunVerifiesWithTheTimeTemporalAppends) {
  const Payloads input = JsonPayloads({{{"document", "x"}}, {{"n", 1}}});
  ::temporal::api::common::v1::Header header;
  AddScheduledStartSignature(kKey, "wfl-hello", "ServerlessWorkflow", input, header);
  EXPECT_TRUE(VerifyStartSignature(kKey, "wfl-hello-2026-12-05T07:20:00Z", "ServerlessWorkflow",
                                   input, header)
                  .ok());
}

TEST(ScheduledStartSignatureTest, ScheduledSignatureDoesNotStartAnythingElse) {
  const Payloads input = JsonPayloads({{{"document", "x"}}, {{"n", 1}}});
  ::temporal::api::common::v1::Header header;
  AddScheduledStartSignature(kKey, "wfl-hello", "ServerlessWorkflow", input, header);
  // The base id itself, another suffix, another base, another input.
  for (const char* id : {"wfl-hello", "wfl-hello-later", "wfl-hello-2026-12-05T07:20:00",
                         "wfl-other-2026-12-05T07:20:00Z", "wfl-hello-x-2026-12-05T07:20:00Z"}) {
    absl::Status status = VerifyStartSignature(kKey, id, "ServerlessWorkflow", input, header);
    EXPECT_TRUE(absl::IsPermissionDenied(status)) << id;
    EXPECT_THAT(status.message(), HasSubstr("not started by a schedule of this stigmer-server"));
  }
  const Payloads changed = JsonPayloads({{{"document", "y"}}, {{"n", 1}}});
  EXPECT_FALSE(VerifyStartSignature(kKey, "wfl-hello-2026-12-05T07:20:00Z", "ServerlessWorkflow",
                                    changed, header)
                   .ok());
}

TEST(ScheduledStartSignatureTest, PlainSignatureOfABaseIdDoesNotPassForAScheduledRun) {
  // Signed for "wex-1": a start of "wex-1-<time>" with the same input must not run.
  const Payloads input = JsonPayloads({{{"document", "x"}}});
  ::temporal::api::common::v1::Header header;
  AddStartSignature(kKey, "wex-1", "ServerlessWorkflow", input, header);
  EXPECT_FALSE(
      VerifyStartSignature(kKey, "wex-1-2026-12-05T07:20:00Z", "ServerlessWorkflow", input, header)
          .ok());
  // Nor a plain signature moved into the scheduled field.
  ::temporal::api::common::v1::Header moved;
  (*moved.mutable_fields())[kScheduledStartSignatureHeader] =
      header.fields().at(kStartSignatureHeader);
  EXPECT_FALSE(
      VerifyStartSignature(kKey, "wex-1-2026-12-05T07:20:00Z", "ServerlessWorkflow", input, moved)
          .ok());
}

}  // namespace
}  // namespace stigmer::temporal
