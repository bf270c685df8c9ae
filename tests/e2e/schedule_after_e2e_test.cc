// `schedule.after` through the daemon: the workflow runs again that long after each run ends
// (a driver workflow on Temporal), one run at a time and in order, also after a failed run;
// `get schedules` shows it; `delete` stops it.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/record_time.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

std::string Write(StigmerHome& home, const std::string& file, const std::string& text) {
  const std::filesystem::path path = home.paths().home() / file;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path.string();
}

nlohmann::json Executions(StigmerHome& home, const std::string& workflow) {
  CommandResult listed = home.Run({"get", "executions", "--workflow", workflow, "-o", "json"});
  if (listed.exit_code != 0) return nlohmann::json::array();
  return nlohmann::json::parse(listed.out, nullptr, false);
}

// The executions in `phase`, oldest first.
std::vector<nlohmann::json> InPhase(const nlohmann::json& executions, const std::string& phase) {
  std::vector<nlohmann::json> found;
  for (auto it = executions.rbegin(); it != executions.rend(); ++it) {
    if (it->value("phase", "") == phase) found.push_back(*it);
  }
  return found;
}

TEST(ScheduleAfter, RunsAgainAfterEachRunEndsInOrderAlsoAfterAFailureAndStopsOnDelete) {
  StigmerHome home;
  const std::string again =
      Write(home, "again.yaml",
            R"(document: {dsl: '1.0.0', namespace: test, name: again, version: '1.0.0'}
schedule:
  after: PT1S
do:
  - pause:
      wait: {milliseconds: 500}
  - note:
      set:
        done: true
)");
  const std::string flaky =
      Write(home, "flaky.yaml",
            R"(document: {dsl: '1.0.0', namespace: test, name: flaky, version: '1.0.0'}
schedule:
  after: PT1S
do:
  - boom:
      raise:
        error: {type: https://example.com/boom, status: 500, title: Boom}
)");
  const std::string too_soon = Write(
      home, "soon.yaml", R"(document: {dsl: '1.0.0', namespace: test, name: soon, version: '1.0.0'}
schedule:
  after: {milliseconds: 100}
do:
  - x:
      set: {x: 1}
)");
  CommandResult refused = home.Run({"apply", "-f", too_soon});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err,
              HasSubstr("/schedule/after: after 100ms is too soon: the shortest wait between runs "
                        "is 1s"));

  CommandResult apply = home.Run({"apply", "-f", again, "-f", flaky});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  // Three runs, each starting at least `after` once the one before ended.
  std::vector<nlohmann::json> completed;
  ASSERT_TRUE(WaitFor(
      [&] {
        completed = InPhase(Executions(home, "again"), "EXECUTION_PHASE_COMPLETED");
        return completed.size() >= 3;
      },
      absl::Seconds(90)))
      << Executions(home, "again").dump(2);
  for (size_t i = 1; i < completed.size(); ++i) {
    EXPECT_GE(RecordTime(completed[i]["started_at"]),
              RecordTime(completed[i - 1]["ended_at"]) + absl::Milliseconds(900))
        << completed[i - 1].dump(2) << completed[i].dump(2);
  }
  EXPECT_THAT(completed[0]["temporal_workflow_id"].get<std::string>(),
              HasSubstr("wfl-again/runs/"));

  // A failed run schedules the next one as a completed one does.
  ASSERT_TRUE(WaitFor(
      [&] { return InPhase(Executions(home, "flaky"), "EXECUTION_PHASE_FAILED").size() >= 2; },
      absl::Seconds(60)))
      << Executions(home, "flaky").dump(2);

  CommandResult schedules = home.Run({"get", "schedules"});
  ASSERT_EQ(schedules.exit_code, 0) << schedules.err;
  EXPECT_THAT(schedules.out, HasSubstr("after 1s"));

  // Delete stops it: its driver is terminated, and no run starts after. Forced: one of its runs
  // may be under way (a second after the last ended), which a plain delete refuses.
  CommandResult deleted = home.Run({"delete", "workflow", "again", "--force"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  auto temporal =
      temporal::TemporalClient::Connect(absl::StrCat("127.0.0.1:", home.temporal_port()));
  ASSERT_TRUE(temporal.ok()) << temporal.status();
  absl::StatusOr<temporal::WorkflowDescription> driver = (*temporal)->Describe("wfl-again");
  ASSERT_TRUE(driver.ok()) << driver.status();
  EXPECT_EQ(driver->status, ::temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_TERMINATED);
  const size_t runs = Executions(home, "again").size();
  EXPECT_FALSE(WaitFor([&] { return Executions(home, "again").size() > runs; }, absl::Seconds(3)));
}

}  // namespace
}  // namespace stigmer::testing
