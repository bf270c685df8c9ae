// The interpreter's pure tasks, data flow and flow directives, from the text of dsl.md and
// dsl-reference.md (serverlessworkflow/specification).

#include "workflow/interpreter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

TEST(InterpreterSetTest, SetsTheTaskOutputFromItsExpressions) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - setShape:
      set:
        shape: circle
        size: ${ .configuration.size }
        fill: ${ .configuration.fill }
)",
                                 {{"configuration", {{"size", 10}, {"fill", "red"}}}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"shape", "circle"}, {"size", 10}, {"fill", "red"}}));
  ASSERT_EQ(context.calls.size(), 1u);
  EXPECT_EQ(context.calls[0].kind, "marker");
  EXPECT_EQ(context.calls[0].detail,
            json({{"path", "/do/0/setShape"}, {"name", "setShape"}, {"output", result.output}}));
}

TEST(InterpreterSetTest, EachTaskGetsThePreviousTasksOutput) {
  RunResult result = RunWorkflow(R"(do:
  - first:
      set:
        value: 1
  - second:
      set:
        value: ${ .value + 1 }
)",
                                 json::object());
  EXPECT_EQ(result.output, json({{"value", 2}}));
}

TEST(InterpreterDoTest, NestedTasksHaveNestedPaths) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - outer:
      do:
        - inner:
            set:
              a: 1
  - after:
      set:
        b: ${ .a }
)",
                                 json::object(), &context);
  EXPECT_EQ(result.output, json({{"b", 1}}));
  EXPECT_THAT(context.MarkerPaths(),
              ElementsAre("/do/0/outer/do/0/inner", "/do/0/outer", "/do/1/after"));
}

TEST(InterpreterDataFlowTest, InputFromOutputAsAndExportAsAtTaskLevel) {
  RunResult result = RunWorkflow(R"(do:
  - pick:
      input:
        from: .order.pet
      set:
        name: ${ .name }
        original: ${ $input.name }
      output:
        as: '${ . + { checked: true } }'
      export:
        as: '${ $context + { lastPet: $output.name } }'
  - use:
      set:
        fromContext: ${ $context.lastPet }
        previous: ${ .checked }
)",
                                 {{"order", {{"pet", {{"name", "Rex"}}}}}});
  EXPECT_EQ(result.output, json({{"fromContext", "Rex"}, {"previous", true}}));
}

TEST(InterpreterDataFlowTest, WorkflowInputFromAndOutputAs) {
  RunResult result = RunWorkflow(R"(input:
  from: .payload
output:
  as: .greeting
do:
  - greet:
      set:
        greeting: ${ "Hello, " + .name }
)",
                                 {{"payload", {{"name", "Ada"}}}});
  EXPECT_EQ(result.output, json("Hello, Ada"));
}

TEST(InterpreterDataFlowTest, DescriptorsAreBound) {
  RunResult result = RunWorkflow(R"(do:
  - describe:
      set:
        task: ${ $task.name }
        reference: ${ $task.reference }
        workflow: ${ $workflow.id }
        rawInput: ${ $workflow.input.x }
        runtime: ${ $runtime.name }
        started: ${ $task.startedAt.epoch.seconds }
)",
                                 {{"x", 7}});
  EXPECT_EQ(result.output, json({{"task", "describe"},
                                 {"reference", "/do/0/describe"},
                                 {"workflow", "wex-test"},
                                 {"rawInput", 7},
                                 {"runtime", "stigmer"},
                                 {"started", 1700000000}}));
}

TEST(InterpreterIfTest, ASkippedTaskPassesItsInputOnAndRecordsNoMarker) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - maybe:
      if: ${ .run }
      set:
        ran: true
  - always:
      set:
        seen: ${ . }
)",
                                 {{"run", false}}, &context);
  EXPECT_EQ(result.output, json({{"seen", {{"run", false}}}}));
  EXPECT_THAT(context.MarkerPaths(), ElementsAre("/do/1/always"));
}

constexpr char kOrderSwitch[] = R"(do:
  - processOrder:
      switch:
        - case1:
            when: .orderType == "electronic"
            then: processElectronicOrder
        - case2:
            when: .orderType == "physical"
            then: processPhysicalOrder
        - default:
            then: handleUnknownOrderType
  - processElectronicOrder:
      set:
        handled: electronic
      then: exit
  - processPhysicalOrder:
      set:
        handled: physical
      then: exit
  - handleUnknownOrderType:
      set:
        handled: unknown
)";

TEST(InterpreterSwitchTest, TheFirstMatchingCaseChoosesTheNextTask) {
  EXPECT_EQ(RunWorkflow(kOrderSwitch, {{"orderType", "electronic"}}).output,
            json({{"handled", "electronic"}}));
  EXPECT_EQ(RunWorkflow(kOrderSwitch, {{"orderType", "physical"}}).output,
            json({{"handled", "physical"}}));
}

TEST(InterpreterSwitchTest, TheDefaultCaseWhenNoneMatches) {
  EXPECT_EQ(RunWorkflow(kOrderSwitch, {{"orderType", "digital"}}).output,
            json({{"handled", "unknown"}}));
}

TEST(InterpreterThenTest, EndStopsTheWorkflowFromANestedTask) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - outer:
      do:
        - stop:
            set:
              stopped: true
            then: end
        - skipped:
            set:
              no: true
  - alsoSkipped:
      set:
        no: true
)",
                                 json::object(), &context);
  EXPECT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"stopped", true}}));
  // The `do` that `then: end` left is recorded too: it started, and completed.
  EXPECT_THAT(context.MarkerPaths(), ElementsAre("/do/0/outer/do/0/stop", "/do/0/outer"));
}

TEST(InterpreterThenTest, ExitLeavesOnlyTheEnclosingList) {
  RunResult result = RunWorkflow(R"(do:
  - outer:
      do:
        - leave:
            set:
              n: 1
            then: exit
        - skipped:
            set:
              n: 100
  - next:
      set:
        n: ${ .n + 1 }
)",
                                 json::object());
  EXPECT_EQ(result.output, json({{"n", 2}}));
}

TEST(InterpreterThenTest, JumpingBackLoopsUntilASwitchLeaves) {
  RunResult result = RunWorkflow(R"(do:
  - increment:
      set:
        n: ${ .n + 1 }
  - check:
      switch:
        - again:
            when: .n < 3
            then: increment
        - done:
            then: continue
  - finish:
      set:
        total: ${ .n }
)",
                                 {{"n", 0}});
  EXPECT_EQ(result.output, json({{"total", 3}}));
}

TEST(InterpreterThenTest, AnEndlessJumpLoopIsStoppedWithARuntimeError) {
  InterpreterOptions options;
  options.max_iterations = 5;
  RunResult result = RunWorkflow(R"(do:
  - spin:
      set:
        x: 1
      then: spin
)",
                                 json::object(), nullptr, options);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, "https://serverlessworkflow.io/spec/1.0.0/errors/runtime");
  EXPECT_EQ(result.error.instance, "/do/0/spin");
  EXPECT_THAT(result.error.detail, HasSubstr("\"spin\""));
}

TEST(InterpreterForTest, IteratesWithEachAndAtAndChainsIterationOutputs) {
  RunResult result =
      RunWorkflow(R"(do:
  - checkup:
      for:
        each: pet
        in: .pets
        at: index
      do:
        - record:
            set:
              seen: '${ .seen + [{ id: $pet.id, at: $index }] }'
)",
                  {{"pets", {{{"id", "a"}}, {{"id", "b"}}}}, {"seen", json::array()}});
  EXPECT_EQ(result.output, json({{"seen", {{{"id", "a"}, {"at", 0}}, {{"id", "b"}, {"at", 1}}}}}));
}

TEST(InterpreterForTest, DefaultVariableNamesAreItemAndIndex) {
  RunResult result = RunWorkflow(R"(do:
  - sum:
      for:
        in: ${ .numbers }
      do:
        - add:
            set:
              total: ${ .total + $item * ($index + 1) }
)",
                                 {{"numbers", {1, 2, 3}}, {"total", 0}});
  EXPECT_EQ(result.output, json({{"total", 14}}));
}

TEST(InterpreterForTest, WhileStopsTheIterationWhenItNoLongerHolds) {
  RunResult result = RunWorkflow(R"(do:
  - collect:
      for:
        in: .items
      while: .count < 2
      do:
        - take:
            set:
              count: ${ .count + 1 }
              last: ${ $item }
)",
                                 {{"items", {"a", "b", "c", "d"}}, {"count", 0}});
  EXPECT_EQ(result.output, json({{"count", 2}, {"last", "b"}}));
}

TEST(InterpreterForTest, TheIterationCapIsARuntimeErrorNamingTheTask) {
  InterpreterOptions options;
  options.max_iterations = 3;
  RunResult result = RunWorkflow(R"(do:
  - many:
      for:
        in: .items
      do:
        - step:
            set:
              x: 1
)",
                                 {{"items", {1, 2, 3, 4}}}, nullptr, options);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, "https://serverlessworkflow.io/spec/1.0.0/errors/runtime");
  EXPECT_EQ(result.error.status, 500);
  EXPECT_EQ(result.error.instance, "/do/0/many");
  EXPECT_THAT(result.error.detail, HasSubstr("\"many\" reached 3 iterations"));
}

TEST(InterpreterExpressionTest, AFailingExpressionIsAnExpressionErrorNamingIt) {
  RunResult result = RunWorkflow(R"(do:
  - ok:
      set:
        a: {}
  - broken:
      set:
        b: ${ .a + 1 }
)",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, "https://serverlessworkflow.io/spec/1.0.0/errors/expression");
  EXPECT_EQ(result.error.status, 400);
  EXPECT_EQ(result.error.instance, "/do/1/broken");
  EXPECT_THAT(result.error.detail, HasSubstr("`${ .a + 1 }`"));
  EXPECT_THAT(result.error.detail, HasSubstr("cannot be added"));
}

}  // namespace
}  // namespace stigmer::workflow
