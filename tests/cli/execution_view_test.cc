#include "cli/execution_view.h"

#include <regex>

#include "cli/resource_output.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace stigmer::cli {
namespace {

using ::google::protobuf::util::TimeUtil;
using stigmer::v1::Execution;
using ::testing::HasSubstr;
using ::testing::Not;

google::protobuf::Timestamp At(int64_t millis) { return TimeUtil::MillisecondsToTimestamp(millis); }

constexpr int64_t kStart = 1795804160000;  // 2026-11-27T18:29:20.000Z: a whole second

Execution Completed() {
  Execution execution;
  execution.set_id("wex-01M8F49RA5FCZBVMNAVCPMTZ2G");
  execution.set_workflow("wait");
  execution.set_workflow_version(3);
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_COMPLETED);
  execution.set_input(R"({"name":"Ada","tags":[1,2]})");
  execution.set_output(R"({"waited":"2s"})");
  *execution.mutable_created_at() = At(kStart);
  *execution.mutable_started_at() = At(kStart + 372);
  *execution.mutable_ended_at() = At(kStart + 2472);
  const char* names[] = {"before", "pause", "after"};
  for (int i = 0; i < 3; ++i) {
    auto* task = execution.add_tasks();
    task->set_name(names[i]);
    task->set_path(absl::StrCat("/do/", i, "/", names[i]));
    task->set_phase(stigmer::v1::TASK_PHASE_COMPLETED);
    *task->mutable_started_at() = At(kStart + 400 + i * 1000);
    *task->mutable_ended_at() = At(kStart + 400 + i * 1000 + (i == 1 ? 2100 : 0));
  }
  return execution;
}

// `get executions ID` used to print the summary row only.
TEST(ExecutionViewTest, DetailShowsPhaseTasksAndOutput) {
  const std::string text = RenderExecutionDetail(Completed(), absl::UTCTimeZone());
  EXPECT_THAT(text, HasSubstr("ID        wex-01M8F49RA5FCZBVMNAVCPMTZ2G\n"));
  EXPECT_THAT(text, HasSubstr("WORKFLOW  wait (version 3)\n"));
  EXPECT_THAT(text, HasSubstr("PHASE     COMPLETED\n"));
  EXPECT_THAT(text, HasSubstr("CREATED   2026-11-27 18:29:20\n"));
  EXPECT_THAT(text, HasSubstr("DURATION  2.1s\n"));
  EXPECT_THAT(text, HasSubstr("TASK    PATH          STATUS     STARTED   DURATION\n"
                              "before  /do/0/before  COMPLETED  18:29:20  0.0s\n"
                              "pause   /do/1/pause   COMPLETED  18:29:21  2.1s\n"
                              "after   /do/2/after   COMPLETED  18:29:22  0.0s\n"));
  EXPECT_THAT(text, HasSubstr("\nOUTPUT\n{\n  \"waited\": \"2s\"\n}\n"));
  EXPECT_THAT(text, Not(HasSubstr("ERROR")));
}

TEST(ExecutionViewTest, DetailOfAFailedExecutionShowsTheErrorAndTheTaskStillRunningHasNoEnd) {
  Execution execution = Completed();
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_FAILED);
  execution.clear_output();
  execution.mutable_tasks(2)->set_phase(stigmer::v1::TASK_PHASE_FAILED);
  execution.mutable_tasks(2)->clear_ended_at();
  auto* error = execution.mutable_error();
  error->set_type("https://serverlessworkflow.io/spec/1.0.0/errors/runtime");
  error->set_status(500);
  error->set_title("Command failed");
  error->set_detail("exit code 2: ls: cannot access '/no/such/folder'");
  error->set_instance("/do/2/after");
  const std::string text = RenderExecutionDetail(execution, absl::UTCTimeZone());
  EXPECT_THAT(text, HasSubstr("PHASE     FAILED\n"));
  EXPECT_THAT(text, HasSubstr("after   /do/2/after   FAILED     18:29:22  -\n"));
  EXPECT_THAT(text, HasSubstr("\nERROR\nCommand failed\n"
                              "  exit code 2: ls: cannot access '/no/such/folder'\n"
                              "  type https://serverlessworkflow.io/spec/1.0.0/errors/runtime, "
                              "status 500, at /do/2/after\n"));
  EXPECT_THAT(text, Not(HasSubstr("OUTPUT")));

  Execution pending;
  pending.set_id("wex-1");
  pending.set_phase(stigmer::v1::EXECUTION_PHASE_PENDING);
  EXPECT_THAT(RenderExecutionDetail(pending, absl::UTCTimeZone()), HasSubstr("no tasks yet"));
}

TEST(ExecutionViewTest, DetailLinksAChildToItsParentAndAParentToItsChildren) {
  Execution child = Completed();
  child.set_parent_execution("wex-PARENT");
  const std::string text = RenderExecutionDetail(child, absl::UTCTimeZone());
  EXPECT_THAT(text, HasSubstr("DURATION  2.1s\nPARENT    wex-PARENT\n"));
  EXPECT_THAT(text, Not(HasSubstr("CHILDREN")));

  Execution parent = Completed();
  parent.add_child_executions("wex-A");
  parent.add_child_executions("wex-B");
  EXPECT_THAT(RenderExecutionDetail(parent, absl::UTCTimeZone()),
              HasSubstr("CHILDREN  wex-A, wex-B\n"));
  EXPECT_THAT(RenderExecutionDetail(Completed(), absl::UTCTimeZone()), Not(HasSubstr("PARENT")));
}

// `-o json` used to carry input and output as strings holding JSON.
TEST(ExecutionViewTest, JsonHasInputAndOutputAsValues) {
  nlohmann::json json = ExecutionToJson(Completed());
  EXPECT_EQ(json["input"], nlohmann::json::parse(R"({"name":"Ada","tags":[1,2]})"));
  EXPECT_EQ(json["output"]["waited"], "2s");
  EXPECT_EQ(json["phase"], "EXECUTION_PHASE_COMPLETED");
  EXPECT_THAT(JsonToYaml(json), HasSubstr("input:\n  name: Ada\n"));
  Execution running = Completed();
  running.clear_output();
  EXPECT_FALSE(ExecutionToJson(running).contains("output"));
}

// Timestamps used to come with 0, 3, 6 or 9 fraction digits, whatever protobuf chose.
TEST(ExecutionViewTest, JsonTimestampsAllHaveMilliseconds) {
  Execution execution = Completed();
  *execution.mutable_ended_at() = At(kStart + 2472) + TimeUtil::NanosecondsToDuration(123456);
  nlohmann::json json = ExecutionToJson(execution);
  EXPECT_EQ(json["created_at"], "2026-11-27T18:29:20.000Z");
  EXPECT_EQ(json["started_at"], "2026-11-27T18:29:20.372Z");
  EXPECT_EQ(json["ended_at"], "2026-11-27T18:29:22.472Z");
  const std::regex millis(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const auto& task : json["tasks"]) {
    for (const char* field : {"started_at", "ended_at"}) {
      EXPECT_TRUE(std::regex_match(task[field].get<std::string>(), millis)) << task[field];
    }
  }
  EXPECT_EQ(json["tasks"][1]["started_at"], "2026-11-27T18:29:21.400Z");
}

}  // namespace
}  // namespace stigmer::cli
