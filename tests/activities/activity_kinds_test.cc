// Queues, timeouts and slots per activity kind, from the environment.
#include "activities/activity_kinds.h"

#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::stigmer::testing::FakeEnvironment;

TEST(ActivityKindsTest, DefaultsAreShortForHttpAndAnHourForShell) {
  ActivityLimits limits;
  ActivitySlots slots;
  ASSERT_TRUE(ReadActivitySettings(FakeEnvironment({}), limits, slots).ok());
  EXPECT_EQ(limits.http_timeout, absl::Minutes(5));
  EXPECT_EQ(limits.shell_timeout, absl::Hours(1));
  EXPECT_EQ(slots.http, 4);
  EXPECT_EQ(slots.shell, 4);
}

TEST(ActivityKindsTest, ReadsEachSettingAndRefusesOutOfRange) {
  ActivityLimits limits;
  ActivitySlots slots;
  ASSERT_TRUE(ReadActivitySettings(FakeEnvironment({{"STIGMER_HTTP_TIMEOUT_S", "2"},
                                                    {"STIGMER_SHELL_TIMEOUT_S", "60"},
                                                    {"STIGMER_HTTP_POLLERS", "8"},
                                                    {"STIGMER_SHELL_POLLERS", "1"}}),
                                   limits, slots)
                  .ok());
  EXPECT_EQ(limits.http_timeout, absl::Seconds(2));
  EXPECT_EQ(limits.shell_timeout, absl::Minutes(1));
  EXPECT_EQ(slots.http, 8);
  EXPECT_EQ(slots.shell, 1);
  absl::Status refused =
      ReadActivitySettings(FakeEnvironment({{"STIGMER_SHELL_POLLERS", "0"}}), limits, slots);
  EXPECT_EQ(refused.message(), "STIGMER_SHELL_POLLERS must be a number from 1 to 64, not \"0\"");
  refused =
      ReadActivitySettings(FakeEnvironment({{"STIGMER_HTTP_TIMEOUT_S", "soon"}}), limits, slots);
  EXPECT_EQ(refused.message(),
            "STIGMER_HTTP_TIMEOUT_S must be a number from 1 to 86400, not \"soon\"");
}

TEST(ActivityKindsTest, EachKindHasItsQueueAndAnAttemptJustLongerThanItsTimeout) {
  ActivityLimits limits;
  limits.http_timeout = absl::Seconds(2);
  durable::CommandOptions commands;
  ScheduleActivitiesByKind("stigmer-workflows", limits, commands);
  EXPECT_EQ(commands.activity_kinds.at("http").task_queue, "stigmer-workflows-http");
  EXPECT_EQ(commands.activity_kinds.at("http").start_to_close,
            absl::Seconds(2) + kActivityTimeoutGrace);
  EXPECT_EQ(commands.activity_kinds.at("grpc").task_queue, "stigmer-workflows-http");
  EXPECT_EQ(commands.activity_kinds.at("openapi").task_queue, "stigmer-workflows-http");
  EXPECT_EQ(commands.activity_kinds.at("mcp").task_queue, "stigmer-workflows-http");
  EXPECT_EQ(commands.activity_kinds.at("shell").task_queue, "stigmer-workflows-shell");
  EXPECT_EQ(commands.activity_kinds.at("shell").start_to_close,
            absl::Hours(1) + kActivityTimeoutGrace);

  ActivitySlots slots;
  slots.http = 6;
  const std::vector<temporal::ActivityQueue> queues = ActivityQueuesByKind("q", slots);
  ASSERT_EQ(queues.size(), 2u);
  EXPECT_EQ(queues[0].name, "q-http");
  EXPECT_EQ(queues[0].pollers, 6);
  EXPECT_EQ(queues[1].name, "q-shell");
  EXPECT_EQ(queues[1].pollers, 4);
}

}  // namespace
}  // namespace stigmer::activities
