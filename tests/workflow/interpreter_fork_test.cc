// fork: concurrent branches under deterministic replay, from the text of dsl-reference.md
// (Fork) and workflow_context.h's contract.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using ::testing::ElementsAre;
using json = nlohmann::json;

TEST(InterpreterForkTest, OutputsTheBranchOutputsInDeclarationOrder) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - prepare:
      fork:
        branches:
          - boil:
              set:
                water: hot
          - slice:
              set:
                bread: ${ .loaf }
)",
                                 {{"loaf", "rye"}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json::array({{{"water", "hot"}}, {{"bread", "rye"}}}));
  EXPECT_THAT(context.MarkerPaths(),
              ElementsAre("/do/0/prepare/fork/branches/0/boil",
                          "/do/0/prepare/fork/branches/1/slice", "/do/0/prepare"));
  EXPECT_EQ(context.dropped, 0u);
}

// Two HTTP branches; `compete` is "true" or "false".
std::string Alarm(const std::string& compete) {
  return R"(do:
  - raiseAlarm:
      fork:
        compete: )" +
         compete + R"(
        branches:
          - pageNurse:
              call: http
              with:
                method: put
                endpoint: https://hospital.example.com/alert/nurses
                body:
                  room: ${ .room }
          - pageDoctor:
              call: http
              with:
                method: put
                endpoint: https://hospital.example.com/alert/doctors
                body:
                  room: ${ .room }
  - record:
      set:
        answered: ${ . }
        at: ${ $task.startedAt.epoch.seconds - 1700000000 }
)";
}

constexpr char kNurse[] = "/do/0/raiseAlarm/fork/branches/0/pageNurse";
constexpr char kDoctor[] = "/do/0/raiseAlarm/fork/branches/1/pageDoctor";

TEST(InterpreterForkTest, EveryBranchAsksForItsSideEffectsBeforeTheForkSuspends) {
  for (const char* compete : {"false", "true"}) {
    FakeContext context;
    RunResult result = RunWorkflow(Alarm(compete), {{"room", 12}}, &context);
    EXPECT_EQ(result.state, RunResult::State::kSuspended) << compete;
    ASSERT_EQ(context.calls.size(), 2u) << compete;
    EXPECT_EQ(context.calls[0].path, kNurse);
    EXPECT_EQ(context.calls[1].path, kDoctor);
    EXPECT_EQ(context.calls[1].detail["with"]["body"], json({{"room", 12}}));
    EXPECT_EQ(context.dropped, 0u) << compete;
  }
}

TEST(InterpreterForkTest, WithoutCompeteASuspendedBranchKeepsTheForkWaiting) {
  FakeContext context;
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Completed("doctor");
  RunResult result = RunWorkflow(Alarm("false"), {{"room", 12}}, &context);
  EXPECT_EQ(result.state, RunResult::State::kSuspended);
  EXPECT_EQ(context.dropped, 0u);
}

TEST(InterpreterForkTest, WithoutCompeteTheForkEndsWhenItsLastBranchDoes) {
  FakeContext context;
  context.results_by_path[kNurse] = durable::ActivityOutcome::Completed("nurse");
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Completed("doctor");
  context.observed_at_by_path[kNurse] = 5;
  context.observed_at_by_path[kDoctor] = 3;
  RunResult result = RunWorkflow(Alarm("false"), {{"room", 12}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"answered", {"nurse", "doctor"}}, {"at", 5}}));
}

TEST(InterpreterForkTest, CompeteOutputsTheBranchThatCompletedFirstAndDropsTheOthers) {
  FakeContext context;
  context.results_by_path[kNurse] = durable::ActivityOutcome::Completed("nurse");
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Completed("doctor");
  context.observed_at_by_path[kNurse] = 7;
  context.observed_at_by_path[kDoctor] = 4;
  RunResult result = RunWorkflow(Alarm("true"), {{"room", 12}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"answered", "doctor"}, {"at", 4}}));
  // Calls: 0 nurse http, 1 nurse marker, 2 doctor http, 3 doctor marker, 4 fork marker, ...
  EXPECT_TRUE(context.IsDropped(0));
  EXPECT_TRUE(context.IsDropped(1));
  EXPECT_FALSE(context.IsDropped(2));
  EXPECT_FALSE(context.IsDropped(3));
  EXPECT_EQ(context.calls[4].detail,
            json({{"path", "/do/0/raiseAlarm"}, {"name", "raiseAlarm"}, {"output", "doctor"}}));
}

TEST(InterpreterForkTest, CompeteWinsOverABranchStillPendingAndDropsItsRequest) {
  FakeContext context;
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Completed("doctor");
  RunResult result = RunWorkflow(Alarm("true"), {{"room", 12}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output["answered"], "doctor");
  EXPECT_EQ(context.dropped_ranges, (std::vector<std::pair<size_t, size_t>>{{0, 1}}));
  // What the losing branch found in flight is cancelled; nothing of the winner's.
  EXPECT_EQ(context.cancelled_ranges, (std::vector<std::pair<size_t, size_t>>{{0, 1}}));
}

TEST(InterpreterForkTest, CompeteTiesGoToTheFirstDeclaredBranch) {
  FakeContext context;
  context.results_by_path[kNurse] = durable::ActivityOutcome::Completed("nurse");
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Completed("doctor");
  context.observed_at_by_path[kNurse] = 4;
  context.observed_at_by_path[kDoctor] = 4;
  RunResult result = RunWorkflow(Alarm("true"), {{"room", 12}}, &context);
  EXPECT_EQ(result.output["answered"], "nurse");
  EXPECT_EQ(context.dropped_ranges, (std::vector<std::pair<size_t, size_t>>{{2, 4}}));
}

durable::WorkflowError Unreachable() {
  return durable::StandardError("communication", "Unreachable", "no route to host", "");
}

TEST(InterpreterForkTest, CompeteIgnoresAFailedBranchWhileAnotherMayStillWin) {
  FakeContext context;
  context.results_by_path[kNurse] = durable::ActivityOutcome::Failed(Unreachable());
  RunResult result = RunWorkflow(Alarm("true"), {{"room", 12}}, &context);
  EXPECT_EQ(result.state, RunResult::State::kSuspended);
  EXPECT_EQ(context.dropped, 0u);

  FakeContext won;
  won.results_by_path[kNurse] = durable::ActivityOutcome::Failed(Unreachable());
  won.results_by_path[kDoctor] = durable::ActivityOutcome::Completed("doctor");
  won.observed_at_by_path[kNurse] = 1;
  won.observed_at_by_path[kDoctor] = 9;
  result = RunWorkflow(Alarm("true"), {{"room", 12}}, &won);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output["answered"], "doctor");
}

TEST(InterpreterForkTest, CompeteRaisesTheFirstErrorWhenEveryBranchFailed) {
  FakeContext context;
  durable::WorkflowError busy = durable::StandardError("communication", "Busy", "line busy", "");
  context.results_by_path[kNurse] = durable::ActivityOutcome::Failed(Unreachable());
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Failed(busy);
  context.observed_at_by_path[kNurse] = 6;
  context.observed_at_by_path[kDoctor] = 2;
  RunResult result = RunWorkflow(Alarm("true"), {{"room", 12}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.title, "Busy");
  EXPECT_EQ(result.error.instance, kDoctor);
}

TEST(InterpreterForkTest, WithoutCompeteTheFirstErrorFailsTheForkAndDropsTheOtherBranches) {
  FakeContext context;
  durable::WorkflowError busy = durable::StandardError("communication", "Busy", "line busy", "");
  context.results_by_path[kNurse] = durable::ActivityOutcome::Failed(Unreachable());
  context.results_by_path[kDoctor] = durable::ActivityOutcome::Failed(busy);
  context.observed_at_by_path[kNurse] = 3;
  context.observed_at_by_path[kDoctor] = 8;
  RunResult result = RunWorkflow(Alarm("false"), {{"room", 12}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.title, "Unreachable");
  EXPECT_EQ(result.error.instance, kNurse);
  EXPECT_EQ(context.dropped_ranges, (std::vector<std::pair<size_t, size_t>>{{1, 2}}));
}

TEST(InterpreterForkTest, WithoutCompeteAnErrorDecidesEvenWhileABranchIsPending) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - work:
      fork:
        branches:
          - slow:
              call: http
              with:
                method: get
                endpoint: https://slow.example.com
          - broken:
              raise:
                error:
                  type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
                  status: 400
)",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.instance, "/do/0/work/fork/branches/1/broken");
  ASSERT_EQ(context.calls.size(), 1u);
  EXPECT_TRUE(context.IsDropped(0));  // the slow branch's request is never sent
}

TEST(InterpreterForkTest, AForkErrorCanBeCaught) {
  RunResult result = RunWorkflow(R"(do:
  - guarded:
      try:
        - work:
            fork:
              branches:
                - fine:
                    set:
                      ok: true
                - broken:
                    raise:
                      error:
                        type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
                        status: 500
      catch:
        do:
          - report:
              set:
                failedAt: ${ $error.instance }
)",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"failedAt", "/do/0/guarded/try/0/work/fork/branches/1/broken"}}));
}

TEST(InterpreterForkTest, BranchesStartFromTheSameContextAndTheLastToChangeItWins) {
  RunResult result = RunWorkflow(R"(do:
  - both:
      fork:
        branches:
          - first:
              set:
                a: 1
              export:
                as: '${ $context + { first: true } }'
          - second:
              set:
                sawFirst: ${ $context.first }
              export:
                as: '${ $context + { second: true } }'
          - third:
              set:
                c: 3
  - after:
      set:
        branches: ${ . }
        context: ${ $context }
)",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output["branches"],
            json::array({{{"a", 1}}, {{"sawFirst", nullptr}}, {{"c", 3}}}));
  EXPECT_EQ(result.output["context"], json({{"second", true}}));
}

TEST(InterpreterForkTest, ABranchThatEndsTheWorkflowDecidesTheFork) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - split:
      fork:
        branches:
          - stop:
              set:
                stopped: true
              then: end
          - other:
              set:
                other: true
  - never:
      set:
        reached: true
)",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"stopped", true}}));
  EXPECT_THAT(context.MarkerPaths(),
              ElementsAre("/do/0/split/fork/branches/0/stop", "/do/0/split/fork/branches/1/other",
                          "/do/0/split"));
  EXPECT_TRUE(context.IsDropped(1));
}

// The worker's loop: run, record the results of what the run asked for, run again.
TEST(InterpreterForkTest, ReplaysDeterministicallyToTheSameWinner) {
  std::map<std::string, durable::ActivityOutcome> recorded;
  std::map<std::string, int64_t> observed;
  std::vector<RecordedCall> last_calls;
  RunResult result;
  int runs = 0;
  for (; runs < 10 && result.state != RunResult::State::kCompleted; ++runs) {
    FakeContext context;
    context.results_by_path = recorded;
    context.observed_at_by_path = observed;
    result = RunWorkflow(Alarm("true"), {{"room", 12}}, &context);
    last_calls = context.calls;
    for (size_t i = 0; i < context.calls.size(); ++i) {
      const RecordedCall& call = context.calls[i];
      if (call.kind != "http" || recorded.count(call.path) > 0 || context.IsDropped(i)) continue;
      // The doctor answers first.
      recorded[call.path] =
          durable::ActivityOutcome::Completed(call.path == kDoctor ? "doctor" : "nurse");
      observed[call.path] = call.path == kDoctor ? 1 : 2;
    }
  }
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(runs, 2);  // both requests went out in the first run
  EXPECT_EQ(result.output, json({{"answered", "doctor"}, {"at", 1}}));

  FakeContext again;
  again.results_by_path = recorded;
  again.observed_at_by_path = observed;
  RunResult replayed = RunWorkflow(Alarm("true"), {{"room", 12}}, &again);
  EXPECT_EQ(replayed.output, result.output);
  EXPECT_EQ(again.calls, last_calls);
}

TEST(InterpreterForkTest, ForksNestAndEachDropsOnlyWhatItsOwnLosersAskedFor) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - outer:
      fork:
        branches:
          - inner:
              fork:
                compete: true
                branches:
                  - fast:
                      set:
                        speed: fast
                  - slow:
                      call: http
                      with:
                        method: get
                        endpoint: https://slow.example.com
          - sibling:
              call: http
              with:
                method: get
                endpoint: https://sibling.example.com
)",
                                 json::object(), &context);
  // The inner competition is decided (fast wins, slow's request dropped); the outer fork waits
  // for its sibling branch, whose request is kept.
  EXPECT_EQ(result.state, RunResult::State::kSuspended);
  ASSERT_EQ(context.calls.size(), 4u);  // fast marker, slow http, inner marker, sibling http
  EXPECT_EQ(context.calls[1].kind, "http");
  EXPECT_TRUE(context.IsDropped(1));
  EXPECT_EQ(context.calls[3].path, "/do/0/outer/fork/branches/1/sibling");
  EXPECT_FALSE(context.IsDropped(3));
}

}  // namespace
}  // namespace stigmer::workflow
