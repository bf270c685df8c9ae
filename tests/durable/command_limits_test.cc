#include "durable/command_limits.h"

#include "durable/replay_history.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;
using ::testing::HasSubstr;

Command Marker(const std::string& path, size_t output_bytes) {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
  auto* marker = command.mutable_record_marker_command_attributes();
  marker->set_marker_name(kTaskMarkerName);
  nlohmann::json task = {{"path", path}, {"output", std::string(output_bytes, 'x')}};
  (*marker->mutable_details())[kTaskMarkerDetailsKey] = temporal::JsonPayloads({task});
  return command;
}

TEST(CommandLimitsTest, CommandsWithinTheLimitsPass) {
  EXPECT_TRUE(CheckCommandSizes({Marker("/do/0/a", 1000), Marker("/do/1/b", 1000)}, {}).ok());
}

TEST(CommandLimitsTest, TaskOutputOverThePayloadLimitNamesTheTaskAndTheLimit) {
  PayloadLimits limits;
  limits.max_payload_bytes = 1 << 20;
  absl::Status status = CheckCommandSizes({Marker("/do/0/big", 3 << 20)}, limits);
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("the output of task /do/0/big is 3 MiB"));
  EXPECT_THAT(status.message(), HasSubstr("at most 1 MiB (STIGMER_MAX_PAYLOAD_BYTES)"));
}

TEST(CommandLimitsTest, WorkflowOutputOverTheLimitIsNamed) {
  Command complete;
  complete.set_command_type(tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  *complete.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
      temporal::JsonPayloads({std::string(3 << 20, 'y')});
  absl::Status status = CheckCommandSizes({complete}, {});
  EXPECT_THAT(status.message(), HasSubstr("the workflow's output is 3 MiB"));
}

}  // namespace
}  // namespace stigmer::durable
