// raise, try/catch, side effects (call, run, wait, do), suspension and replay, from the text of
// dsl.md and dsl-reference.md (serverlessworkflow/specification).

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using ::testing::ElementsAre;
using json = nlohmann::json;

constexpr char kErrors[] = "https://serverlessworkflow.io/spec/1.0.0/errors/";

TEST(InterpreterRaiseTest, AnUncaughtErrorFailsTheWorkflowWithTheTaskAsInstance) {
  RunResult result = RunWorkflow(R"(do:
  - processTicket:
      set:
        id: 7
  - raiseNotSupported:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
          status: 500
          title: Not Supported
          detail: ${ "The ticket \(.id) is not supported" }
)",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.ToJson(), json({{"type", std::string(kErrors) + "runtime"},
                                         {"status", 500},
                                         {"title", "Not Supported"},
                                         {"detail", "The ticket 7 is not supported"},
                                         {"instance", "/do/1/raiseNotSupported"}}));
}

TEST(InterpreterRaiseTest, ReferencesUseErrorsAndTakesTheStandardStatus) {
  RunResult result = RunWorkflow(R"(use:
  errors:
    notAllowed:
      type: https://serverlessworkflow.io/spec/1.0.0/errors/authorization
      status: 403
      title: Not allowed
do:
  - outer:
      do:
        - check:
            raise:
              error: notAllowed
)",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "authorization");
  EXPECT_EQ(result.error.status, 403);
  EXPECT_EQ(result.error.instance, "/do/0/outer/do/0/check");
}

TEST(StandardErrorTest, DefaultStatusesOfTheStandardTypes) {
  const std::pair<const char*, int> expected[] = {
      {"configuration", 400}, {"validation", 400}, {"expression", 400},    {"authentication", 401},
      {"authorization", 403}, {"timeout", 408},    {"communication", 500}, {"runtime", 500}};
  for (const auto& [kind, status] : expected) {
    EXPECT_EQ(durable::StandardError(kind, "", "", "/do/0/x").status, status) << kind;
    EXPECT_EQ(durable::StandardErrorStatus(std::string(kErrors) + kind), status) << kind;
  }
  EXPECT_EQ(durable::StandardErrorStatus("https://example.com/errors/mine"), 0);
}

// A try whose task raises `status`; the catch is `catch_yaml` (indented 6).
std::string TryDocument(int status, const std::string& catch_yaml) {
  return R"(do:
  - attempt:
      try:
        - fail:
            raise:
              error:
                type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
                title: Service Unavailable
                status: )" +
         std::to_string(status) + "\n      catch:\n" + catch_yaml;
}

TEST(InterpreterTryTest, CatchesAMatchingErrorAndRunsCatchDoWithIt) {
  RunResult result = RunWorkflow(TryDocument(503, R"(        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 503
        as: failure
        do:
          - recover:
              set:
                recovered: ${ $failure.status }
                at: ${ $failure.instance }
)"),
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"recovered", 503}, {"at", "/do/0/attempt/try/0/fail"}}));
}

TEST(InterpreterTryTest, AnErrorNotMatchingTheFilterIsNotCaught) {
  RunResult result = RunWorkflow(TryDocument(500, R"(        errors:
          with:
            status: 503
)"),
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.status, 500);
  EXPECT_EQ(result.error.instance, "/do/0/attempt/try/0/fail");
}

TEST(InterpreterTryTest, WhenAndExceptWhenDecideWithTheCaughtError) {
  const std::string when = R"(        when: ${ $error.status == 503 }
)";
  EXPECT_EQ(RunWorkflow(TryDocument(503, when), {{"a", 1}}).state, RunResult::State::kCompleted);
  EXPECT_EQ(RunWorkflow(TryDocument(504, when), {{"a", 1}}).state, RunResult::State::kFailed);
  const std::string except = R"(        exceptWhen: ${ $error.status == 503 }
)";
  EXPECT_EQ(RunWorkflow(TryDocument(503, except), {{"a", 1}}).state, RunResult::State::kFailed);
  EXPECT_EQ(RunWorkflow(TryDocument(504, except), {{"a", 1}}).state, RunResult::State::kCompleted);
}

TEST(InterpreterTryTest, ACaughtErrorWithoutCatchDoOutputsTheTryInput) {
  RunResult result = RunWorkflow(TryDocument(503, "        as: e\n"), {{"a", 1}});
  EXPECT_EQ(result.output, json({{"a", 1}}));
}

constexpr char kCallThenWait[] = R"(do:
  - getPet:
      call: http
      with:
        method: get
        endpoint: https://petstore.swagger.io/v2/pet/{petId}
        headers:
          x-pet: ${ .petId | tostring }
  - pause:
      wait:
        seconds: 2
  - run:
      run:
        shell:
          command: echo
          arguments:
            name: ${ .name }
)";

TEST(InterpreterSideEffectTest, SuspendsOnAPendingCallWithADescribedRequest) {
  FakeContext context;
  RunResult result = RunWorkflow(kCallThenWait, {{"petId", 42}}, &context);
  EXPECT_EQ(result.state, RunResult::State::kSuspended);
  ASSERT_EQ(context.calls.size(), 1u);
  EXPECT_EQ(context.calls[0].kind, "http");
  EXPECT_EQ(context.calls[0].detail,
            json({{"task", "/do/0/getPet"},
                  {"input", {{"petId", 42}}},
                  {"with",
                   {{"method", "get"},
                    {"endpoint", "https://petstore.swagger.io/v2/pet/{petId}"},
                    {"headers", {{"x-pet", "42"}}}}}}));
}

TEST(InterpreterSideEffectTest, RecordedResultsCarryTheRunToItsEnd) {
  FakeContext context;
  context.results[1] = durable::ActivityOutcome::Completed({{"name", "Rex"}});
  context.fired.insert(3);  // 1 http, 2 marker, 3 the timer
  context.results[5] = durable::ActivityOutcome::Completed("Rex\n");
  RunResult result = RunWorkflow(kCallThenWait, {{"petId", 42}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json("Rex\n"));
  std::vector<std::string> kinds;
  for (const RecordedCall& call : context.calls) kinds.push_back(call.kind);
  EXPECT_THAT(kinds, ElementsAre("http", "marker", "sleep", "marker", "shell", "marker"));
  EXPECT_EQ(context.calls[2].detail, json(2));
  EXPECT_EQ(context.calls[4].detail["shell"],
            json({{"command", "echo"}, {"arguments", {{"name", "Rex"}}}}));
  EXPECT_EQ(context.calls[4].detail["return"], "stdout");
}

TEST(InterpreterSideEffectTest, AFailedActivityIsRaisedAtItsTaskAndCanBeCaught) {
  FakeContext context;
  context.results[1] = durable::ActivityOutcome::Failed(
      durable::StandardError("communication", "Service Unavailable", "HTTP 503", ""));
  RunResult result = RunWorkflow(kCallThenWait, {{"petId", 42}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "communication");
  EXPECT_EQ(result.error.instance, "/do/0/getPet");
}

TEST(InterpreterSideEffectTest, APendingTimerSuspends) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - pause:
      wait: PT1M
)",
                                 {{"a", 1}}, &context);
  EXPECT_EQ(result.state, RunResult::State::kSuspended);
  ASSERT_EQ(context.calls.size(), 1u);
  EXPECT_EQ(context.calls[0].detail, json(60));
}

// dsl-reference.md, Wait: a duration object; the task outputs its input.
TEST(SpecSideEffectTest, WaitSleepsForTheDurationAndPassesItsInputOn) {
  FakeContext context;
  context.fire_all_timers = true;
  RunResult result = RunWorkflow(R"(do:
  - waitAWhile:
      wait:
        minutes: 1
        seconds: 30
)",
                                 {{"kept", true}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"kept", true}}));
  ASSERT_FALSE(context.calls.empty());
  EXPECT_EQ(context.calls[0].path, "/do/0/waitAWhile");
  EXPECT_EQ(context.sleeps, std::vector<absl::Duration>{absl::Seconds(90)});
}

// dsl-reference.md, Run: `await` and `return` reach the shell activity, whose result is the
// task's raw output (then transformed by output.as).
TEST(SpecSideEffectTest, RunShellPassesAwaitAndReturnAndTransformsTheResult) {
  FakeContext context;
  context.results[1] =
      durable::ActivityOutcome::Completed({{"code", 0}, {"stdout", "hi\n"}, {"stderr", ""}});
  RunResult result = RunWorkflow(R"(do:
  - runShell:
      run:
        shell:
          command: echo
          arguments:
            - ${ .word }
        return: all
        await: true
      output:
        as: .stdout
)",
                                 {{"word", "hi"}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json("hi\n"));
  EXPECT_EQ(context.calls[0].kind, "shell");
  EXPECT_EQ(context.calls[0].detail["shell"], json({{"command", "echo"}, {"arguments", {"hi"}}}));
  EXPECT_EQ(context.calls[0].detail["return"], "all");
  EXPECT_EQ(context.calls[0].detail["await"], true);
}

// dsl-reference.md, Do: subtasks run in sequence, each one completed before the next begins.
TEST(SpecSideEffectTest, DoRunsCallsOneAfterTheOther) {
  FakeContext context;
  RunResult first = RunWorkflow(R"(do:
  - bookHotel:
      call: http
      with:
        method: post
        endpoint: https://booking.example.com/hotels
        body:
          city: Antwerp
  - bookFlight:
      call: http
      with:
        method: post
        endpoint: https://booking.example.com/flights
        body:
          to: Lisbon
)",
                                json::object(), &context);
  EXPECT_EQ(first.state, RunResult::State::kSuspended);
  ASSERT_EQ(context.calls.size(), 1u);  // the flight waits for the hotel
  EXPECT_EQ(context.calls[0].path, "/do/0/bookHotel");
}

// Replays kCallThenWait like the worker does: run, record the pending step's result, run again
// from the start. Every run repeats the calls of the one before it, in the same order.
TEST(InterpreterReplayTest, RerunsWithRecordedResultsRepeatTheSameCallsAndOutput) {
  std::map<int, durable::ActivityOutcome> recorded;
  std::set<int> fired;
  std::vector<RecordedCall> previous;
  RunResult result;
  for (int run = 0; run < 10 && result.state != RunResult::State::kCompleted; ++run) {
    FakeContext context;
    context.results = recorded;
    context.fired = fired;
    result = RunWorkflow(kCallThenWait, {{"petId", 42}}, &context);
    ASSERT_GE(context.calls.size(), previous.size());
    for (size_t i = 0; i < previous.size(); ++i) EXPECT_EQ(context.calls[i], previous[i]) << i;
    previous = context.calls;
    if (result.state != RunResult::State::kSuspended) continue;
    const int step = static_cast<int>(context.calls.size());
    const RecordedCall& pending = context.calls.back();
    if (pending.kind == "sleep") fired.insert(step);
    if (pending.kind == "http")
      recorded[step] = durable::ActivityOutcome::Completed({{"name", "Rex"}});
    if (pending.kind == "shell") recorded[step] = durable::ActivityOutcome::Completed("Rex\n");
  }
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json("Rex\n"));

  FakeContext again;
  again.results = recorded;
  again.fired = fired;
  RunResult replayed = RunWorkflow(kCallThenWait, {{"petId", 42}}, &again);
  EXPECT_EQ(replayed.output, result.output);
  EXPECT_EQ(again.calls, previous);
}

}  // namespace
}  // namespace stigmer::workflow
