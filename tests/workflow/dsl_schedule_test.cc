// `schedule` at apply: what is accepted, and each refusal with the pointer and message it names.

#include "workflow/dsl_schedule.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/cron_expression.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ValidationProblem P(std::string pointer, std::string message) {
  return {std::move(pointer), std::move(message)};
}

std::vector<ValidationProblem> ScheduleProblems(const std::string& schedule) {
  return ProblemsOf(WithHeader("schedule:\n" + schedule + "do:\n  - a:\n      set: {a: 1}\n"));
}

TEST(ScheduleValidationTest, AcceptsEveryAndCron) {
  EXPECT_THAT(ScheduleProblems("  every: PT2S\n"), IsEmpty());
  EXPECT_THAT(ScheduleProblems("  every: {minutes: 5}\n"), IsEmpty());
  EXPECT_THAT(ScheduleProblems("  cron: 0 0 * * *\n"), IsEmpty());
  EXPECT_THAT(ScheduleProblems("  cron: '*/15 9-17 * JAN-MAR mon-fri'\n"), IsEmpty());
  EXPECT_THAT(ScheduleProblems("  cron: '@daily'\n"), IsEmpty());
  EXPECT_THAT(ScheduleProblems("  every: PT1H\n  cron: 30 6 1 * *\n"), IsEmpty());
}

TEST(ScheduleValidationTest, EveryOneMillisecondIsRefusedBelowTheFloor) {
  EXPECT_THAT(ScheduleProblems("  every: {milliseconds: 1}\n"),
              ElementsAre(P("/schedule/every",
                            "every 1ms is too often: the shortest schedule interval is 1s")));
  EXPECT_THAT(ScheduleProblems("  every: PT0S\n"),
              ElementsAre(P("/schedule/every",
                            "every 0 is too often: the shortest schedule interval is 1s")));
  EXPECT_THAT(ScheduleProblems("  every: PT1S\n"), IsEmpty());
}

TEST(ScheduleValidationTest, EveryMustBeADuration) {
  EXPECT_THAT(ScheduleProblems("  every: often\n"),
              ElementsAre(::testing::Field(&ValidationProblem::pointer, "/schedule/every")));
}

TEST(ScheduleValidationTest, CronThatNeverParsesIsRefusedNamingTheField) {
  EXPECT_THAT(ScheduleProblems("  cron: not a cron\n"),
              ElementsAre(P("/schedule/cron",
                            "\"not a cron\" is not a cron expression: it has 3 fields, a cron "
                            "expression has 5 (minute hour day-of-month month day-of-week), e.g. "
                            "\"0 0 * * *\" for every day at midnight UTC")));
  EXPECT_THAT(ScheduleProblems("  cron: 0 25 * * *\n"),
              ElementsAre(P("/schedule/cron",
                            "the cron hour field \"25\" is not *, a value from 0 to 23, nor a "
                            "range of them (a-b)")));
  EXPECT_THAT(ScheduleProblems("  cron: 0 0 * FOO *\n"),
              ElementsAre(P("/schedule/cron",
                            "the cron month field \"FOO\" is not *, a value from 1 to 12 (or a "
                            "name such as JAN), nor a range of them (a-b)")));
  EXPECT_THAT(ScheduleProblems("  cron: '*/0 * * * *'\n"),
              ElementsAre(P("/schedule/cron",
                            "the cron minute field \"*/0\" has a step that is not a number from 1 "
                            "to 59")));
  EXPECT_THAT(ScheduleProblems("  cron: 0 0 5-1 * *\n"),
              ElementsAre(P("/schedule/cron",
                            "the cron day of month field \"5-1\" is a range that ends before it "
                            "starts")));
  EXPECT_THAT(ScheduleProblems("  cron: '@sometimes'\n"),
              ElementsAre(P("/schedule/cron",
                            "\"@sometimes\" is not a cron shorthand stigmer knows: use @yearly, "
                            "@monthly, @weekly, @daily or @hourly, five fields, or `every` for an "
                            "interval")));
  EXPECT_THAT(ScheduleProblems("  cron: 5\n"),
              ElementsAre(P("/schedule/cron", "must be a string")));
}

TEST(ScheduleValidationTest, HugeCronIsRefusedNotParsed) {
  EXPECT_THAT(CheckCronExpression(std::string(100000, '*')).message(),
              "the cron expression is longer than 256 characters");
}

TEST(ScheduleValidationTest, AfterIsAcceptedAloneAtLeastOneSecondAndOnIsAccepted) {
  EXPECT_THAT(ScheduleProblems("  after: PT1M\n"), ::testing::IsEmpty());
  EXPECT_THAT(ScheduleProblems("  after: {milliseconds: 10}\n"),
              ElementsAre(P("/schedule/after",
                            "after 10ms is too soon: the shortest wait between runs is 1s")));
  EXPECT_THAT(ScheduleProblems("  after: PT1M\n  every: PT1M\n"),
              ElementsAre(P("/schedule/after",
                            "`after` runs the workflow again once each run ends: it does not "
                            "combine with `every` or `cron`; keep one of them")));
  EXPECT_THAT(ScheduleProblems("  on: {one: {with: {type: x}}}\n"), ::testing::IsEmpty());
  EXPECT_THAT(ScheduleProblems("  every: PT1M\n  on: {one: {with: {type: x}}}\n"),
              ElementsAre(P("/schedule/on",
                            "`on` starts runs on events: it does not combine with "
                            "every, cron or after")));
}

TEST(ScheduleValidationTest, EmptyOrUnknownScheduleIsRefused) {
  EXPECT_THAT(ScheduleProblems("  {}\n"),
              ElementsAre(P("/schedule",
                            "a schedule needs `every` (a duration), `cron` or `on` (events)")));
  EXPECT_THAT(ScheduleProblems("  every: PT1M\n  hourly: true\n"),
              ElementsAre(P("/schedule/hourly", "unknown property \"hourly\"")));
  EXPECT_THAT(ProblemsOf(WithHeader("schedule: daily\ndo:\n  - a:\n      set: {a: 1}\n")),
              ElementsAre(P("/schedule", "must be an object (a mapping)")));
}

TEST(ScheduleOfTest, ReadsEveryAndCron) {
  auto document = ParseWorkflowDocument(
      WithHeader("schedule:\n  every: PT2S\n  cron: 0 0 * * *\ndo:\n  - a:\n      set: {a: 1}\n"));
  ASSERT_TRUE(document.ok()) << document.status();
  std::optional<WorkflowSchedule> schedule = ScheduleOf(document->json);
  ASSERT_TRUE(schedule.has_value());
  EXPECT_EQ(schedule->every, absl::Seconds(2));
  EXPECT_EQ(schedule->cron, "0 0 * * *");
  auto plain = ParseWorkflowDocument(WithHeader("do:\n  - a:\n      set: {a: 1}\n"));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(ScheduleOf(plain->json).has_value());
}

}  // namespace
}  // namespace stigmer::workflow
