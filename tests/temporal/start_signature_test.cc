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
