// `schedule` through the daemon: Temporal Schedules fire runs that `get executions` lists,
// `get schedules` shows them, `delete` stops them; hostile schedules are refused at apply.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Document(const std::string& name, const std::string& schedule) {
  return absl::StrCat("document: {dsl: '1.0.0', namespace: test, name: ", name,
                      ", version: '1.0.0'}\nschedule:\n", schedule,
                      "do:\n  - tick:\n      set:\n        at: ${ $workflow.startedAt }\n");
}

std::string Write(StigmerHome& home, const std::string& file, const std::string& text) {
  const std::filesystem::path path = home.paths().home() / file;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path.string();
}

// The executions of `workflow`, as `get executions --workflow W -o json` gives them.
nlohmann::json Executions(StigmerHome& home, const std::string& workflow) {
  CommandResult listed = home.Run({"get", "executions", "--workflow", workflow, "-o", "json"});
  if (listed.exit_code != 0) return nlohmann::json::array();
  return nlohmann::json::parse(listed.out, nullptr, false);
}

int Completed(const nlohmann::json& executions) {
  int completed = 0;
  for (const auto& execution : executions) {
    if (execution.value("phase", "") == "EXECUTION_PHASE_COMPLETED") ++completed;
  }
  return completed;
}

TEST(Schedules, EveryTwoSecondsFiresThreeRunsThenDeleteStopsThem) {
  StigmerHome home;
  // A bad schedule beside a good one: the batch is refused whole, nothing is scheduled.
  const std::string good = Write(home, "ticker.yaml", Document("ticker", "  every: PT2S\n"));
  const std::string fast =
      Write(home, "fast.yaml", Document("fast", "  every: {milliseconds: 1}\n"));
  CommandResult refused = home.Run({"apply", "-f", good, "-f", fast});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("/schedule/every: every 1ms is too often: the shortest "
                                     "schedule interval is 1s"));
  EXPECT_THAT(refused.err, HasSubstr("nothing was applied"));
  CommandResult none = home.Run({"get", "schedules"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, Not(HasSubstr("ticker")));

  CommandResult apply = home.Run({"apply", "-f", good});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  CommandResult schedules = home.Run({"get", "schedules"});
  ASSERT_EQ(schedules.exit_code, 0) << schedules.err;
  EXPECT_THAT(schedules.out, HasSubstr("NAME"));
  EXPECT_THAT(schedules.out, HasSubstr("SPEC"));
  EXPECT_THAT(schedules.out, HasSubstr("NEXT RUNS"));
  EXPECT_THAT(schedules.out, HasSubstr("every 2s"));

  // Every scheduled run gets an execution record, projected to completion like any other.
  nlohmann::json executions;
  ASSERT_TRUE(WaitFor(
      [&] {
        executions = Executions(home, "ticker");
        return Completed(executions) >= 3;
      },
      absl::Seconds(60)))
      << executions.dump(2);
  const nlohmann::json first = executions.back();
  EXPECT_EQ(first["workflow"], "ticker");
  EXPECT_THAT(first["temporal_workflow_id"].get<std::string>(), HasSubstr("wfl-ticker-"));
  CommandResult one = home.Run({"get", "executions", first["id"].get<std::string>()});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("tick"));
  EXPECT_THAT(one.out, HasSubstr("COMPLETED"));

  CommandResult as_json = home.Run({"get", "schedules", "-o", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  nlohmann::json listed = nlohmann::json::parse(as_json.out);
  ASSERT_EQ(listed.size(), 1u) << as_json.out;
  EXPECT_EQ(listed[0]["workflow"], "ticker");
  EXPECT_EQ(listed[0]["schedule_id"], "wfl-ticker");
  EXPECT_EQ(listed[0]["every"], "2s");
  EXPECT_FALSE(listed[0]["next_runs"].empty());

  CommandResult deleted = home.Run({"delete", "workflow", "ticker", "--force"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  CommandResult after_delete = home.Run({"get", "schedules"});
  EXPECT_THAT(after_delete.out, Not(HasSubstr("ticker")));
  // No run starts after the delete: Temporal has no schedule left to start one.
  auto temporal =
      temporal::TemporalClient::Connect(absl::StrCat("127.0.0.1:", home.temporal_port()));
  ASSERT_TRUE(temporal.ok()) << temporal.status();
  ::temporal::api::workflowservice::v1::DescribeScheduleRequest describe;
  describe.set_namespace_("default");
  describe.set_schedule_id("wfl-ticker");
  ::temporal::api::workflowservice::v1::DescribeScheduleResponse described;
  grpc::ClientContext context;
  EXPECT_EQ((*temporal)->stub().DescribeSchedule(&context, describe, &described).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(Schedules, CronIsAcceptedWithItsNextFireTimesAndBadCronIsRefused) {
  StigmerHome home;
  const std::string nightly =
      Write(home, "nightly.yaml", Document("nightly", "  cron: '30 2 * * *'\n"));
  CommandResult apply = home.Run({"apply", "-f", nightly});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  // Temporal computes a schedule's next fire times itself, and may list them a moment after the
  // schedule is created.
  CommandResult listed;
  nlohmann::json schedules;
  ASSERT_TRUE(WaitFor(
      [&] {
        listed = home.Run({"get", "schedules", "-o", "json"});
        schedules = nlohmann::json::parse(listed.out, nullptr, false);
        return listed.exit_code == 0 && schedules.is_array() && schedules.size() == 1 &&
               schedules[0]["next_runs"].size() >= 2;
      },
      absl::Seconds(10)))
      << listed.out << listed.err;
  EXPECT_EQ(schedules[0]["cron"], "30 2 * * *");
  for (const auto& next : schedules[0]["next_runs"]) {
    EXPECT_THAT(next.get<std::string>(), HasSubstr("T02:30:00")) << listed.out;
  }
  CommandResult table = home.Run({"get", "schedules"});
  EXPECT_THAT(table.out, HasSubstr("cron 30 2 * * *"));

  const std::string broken =
      Write(home, "broken.yaml", Document("broken", "  cron: 'every night'\n"));
  CommandResult refused = home.Run({"apply", "-f", broken});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("/schedule/cron: \"every night\" is not a cron expression"));

  // A new version updates the schedule: its spec, and the version its runs start.
  const std::string hourly =
      Write(home, "nightly-hourly.yaml",
            "document: {dsl: '1.0.0', namespace: test, name: nightly, version: '1.0.1'}\n"
            "schedule:\n  cron: '15 * * * *'\ndo:\n  - tick:\n      set: {a: 2}\n");
  ASSERT_EQ(home.Run({"apply", "-f", hourly}).exit_code, 0);
  CommandResult updated = home.Run({"get", "schedules", "-o", "json"});
  nlohmann::json after_update = nlohmann::json::parse(updated.out);
  ASSERT_EQ(after_update.size(), 1u) << updated.out;
  EXPECT_EQ(after_update[0]["workflow_version"], 2);
  EXPECT_EQ(after_update[0]["cron"], "15 * * * *");
  for (const auto& next : after_update[0]["next_runs"]) {
    EXPECT_THAT(next.get<std::string>(), HasSubstr(":15:00")) << updated.out;
  }

  // A new version without a schedule removes it.
  const std::string plain =
      Write(home, "nightly2.yaml",
            "document: {dsl: '1.0.0', namespace: test, name: nightly, version: '1.0.2'}\n"
            "do:\n  - tick:\n      set: {a: 1}\n");
  ASSERT_EQ(home.Run({"apply", "-f", plain}).exit_code, 0);
  CommandResult gone = home.Run({"get", "schedules", "-o", "json"});
  EXPECT_EQ(nlohmann::json::parse(gone.out).size(), 0u) << gone.out;
}

TEST(Schedules, RunsFiredWhileStigmerServerRestartsAreRecordedOnceAfterIt) {
  StigmerHome home;
  const std::string ticker = Write(home, "ticker.yaml", Document("ticker", "  every: PT2S\n"));
  ASSERT_EQ(home.Run({"apply", "-f", ticker}).exit_code, 0);
  ASSERT_TRUE(
      WaitFor([&] { return Completed(Executions(home, "ticker")) >= 1; }, absl::Seconds(30)));
  CommandResult restart = home.Run({"server", "restart", "-c", "stigmer-server"});
  ASSERT_EQ(restart.exit_code, 0) << restart.out << restart.err;
  nlohmann::json executions;
  ASSERT_TRUE(WaitFor(
      [&] {
        executions = Executions(home, "ticker");
        return Completed(executions) >= 5;
      },
      absl::Seconds(60)))
      << executions.dump(2);
  ASSERT_EQ(home.Run({"delete", "workflow", "ticker", "--force"}).exit_code, 0);
  // One record per run, and no fire time missing: Temporal's ids end with the nominal time.
  std::vector<absl::Time> fired;
  for (const auto& execution : executions) {
    const std::string id = execution["temporal_workflow_id"].get<std::string>();
    absl::Time time;
    std::string error;
    ASSERT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", id.substr(id.size() - 20), &time, &error))
        << id;
    fired.push_back(time);
  }
  std::sort(fired.begin(), fired.end());
  for (size_t i = 1; i < fired.size(); ++i) {
    EXPECT_EQ(fired[i] - fired[i - 1], absl::Seconds(2)) << executions.dump(2);
  }
}

}  // namespace
}  // namespace stigmer::testing
