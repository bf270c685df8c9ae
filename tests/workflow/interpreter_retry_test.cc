// catch.retry: retrying a try block, from the text of dsl.md ("Retries") and dsl-reference.md
// (Try, Catch, Retry).

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kErrors[] = "https://serverlessworkflow.io/spec/1.0.0/errors/";

durable::WorkflowError Unavailable() {
  return durable::StandardError("communication", "Service Unavailable", "HTTP 503", "");
}

durable::ActivityOutcome Failed503() {
  durable::WorkflowError error = Unavailable();
  error.status = 503;
  return durable::ActivityOutcome::Failed(error);
}

// dsl.md's "Retries" example around an HTTP call: retried on 503.
constexpr char kHealthCheck[] = R"(do:
  - checkHealth:
      try:
        - ping:
            call: http
            with:
              method: get
              endpoint:
                uri: https://example-service.com/healthz
      catch:
        errors:
          with:
            status: 503
        retry:
          delay:
            seconds: 3
          backoff:
            linear: {}
          limit:
            attempt:
              count: 5
)";

std::vector<std::string> Kinds(const std::vector<RecordedCall>& calls) {
  std::vector<std::string> kinds;
  for (const RecordedCall& call : calls) kinds.push_back(call.kind);
  return kinds;
}

TEST(InterpreterRetryTest, RetriesTheTryBlockAfterTheDelayUntilItSucceeds) {
  FakeContext context;
  context.fire_all_timers = true;
  context.results[1] = Failed503();
  context.results[3] = durable::ActivityOutcome::Completed({{"healthy", true}});
  RunResult result = RunWorkflow(kHealthCheck, {{"a", 1}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"healthy", true}}));
  EXPECT_THAT(Kinds(context.calls), ElementsAre("http", "sleep", "http", "marker", "marker"));
  // Every attempt calls the same path; the timer belongs to the try task's catch.retry.
  EXPECT_EQ(context.calls[0].path, "/do/0/checkHealth/try/0/ping");
  EXPECT_EQ(context.calls[2].path, "/do/0/checkHealth/try/0/ping");
  EXPECT_EQ(context.calls[0].detail, context.calls[2].detail);
  EXPECT_EQ(context.calls[1].path, "/do/0/checkHealth/catch/retry");
  EXPECT_EQ(context.calls[1].detail, json(3));
}

TEST(InterpreterRetryTest, SuspendsWhileTheRetryTimerIsPendingAndReplaysToTheEnd) {
  std::map<int, durable::ActivityOutcome> recorded;
  std::set<int> fired;
  std::vector<RecordedCall> previous;
  RunResult result;
  int runs = 0;
  for (; runs < 20 && result.state != RunResult::State::kCompleted; ++runs) {
    FakeContext context;
    context.results = recorded;
    context.fired = fired;
    result = RunWorkflow(kHealthCheck, json::object(), &context);
    ASSERT_GE(context.calls.size(), previous.size());
    for (size_t i = 0; i < previous.size(); ++i) EXPECT_EQ(context.calls[i], previous[i]) << i;
    previous = context.calls;
    if (result.state != RunResult::State::kSuspended) continue;
    const int step = static_cast<int>(context.calls.size());
    if (context.calls.back().kind == "sleep") fired.insert(step);
    // The service answers 503 twice, then 200.
    if (context.calls.back().kind == "http") {
      recorded[step] =
          recorded.size() < 2 ? Failed503() : durable::ActivityOutcome::Completed("up");
    }
  }
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json("up"));
  EXPECT_THAT(Kinds(previous),
              ElementsAre("http", "sleep", "http", "sleep", "http", "marker", "marker"));
  EXPECT_EQ(runs, 6);  // each of the 5 pending steps suspended one run
  // Linear backoff: the n-th retry waits delay * n.
  EXPECT_EQ(previous[1].detail, json(3));
  EXPECT_EQ(previous[3].detail, json(6));
}

// A try whose task always raises a 503, with `catch_yaml` (indented 6) as its catch.
std::string AlwaysFailing(const std::string& catch_yaml, const std::string& use_yaml = "") {
  return use_yaml + R"(do:
  - attempt:
      try:
        - fail:
            raise:
              error:
                type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
                title: Service Unavailable
                status: 503
      catch:
)" + catch_yaml;
}

TEST(InterpreterRetryTest, AttemptCountIsTheNumberOfRetriesThenCatchDoRuns) {
  FakeContext context;
  context.fire_all_timers = true;
  RunResult result = RunWorkflow(AlwaysFailing(R"(        as: failure
        retry:
          delay:
            seconds: 1
          limit:
            attempt:
              count: 2
        do:
          - recover:
              set:
                gaveUpOn: ${ $failure.status }
                at: ${ $failure.instance }
)"),
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"gaveUpOn", 503}, {"at", "/do/0/attempt/try/0/fail"}}));
  // Three attempts: the first and two retries.
  EXPECT_THAT(Kinds(context.calls), ElementsAre("sleep", "sleep", "marker", "marker"));
  EXPECT_THAT(context.MarkerPaths(),
              ElementsAre("/do/0/attempt/catch/do/0/recover", "/do/0/attempt"));
}

TEST(InterpreterRetryTest, ExhaustedRetriesWithoutCatchDoOutputTheTryInput) {
  FakeContext context;
  context.fire_all_timers = true;
  RunResult result = RunWorkflow(AlwaysFailing(R"(        retry:
          delay: PT1S
          limit:
            attempt:
              count: 1
)"),
                                 {{"order", 7}}, &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"order", 7}}));
  EXPECT_EQ(context.sleeps, std::vector<absl::Duration>{absl::Seconds(1)});
}

TEST(InterpreterRetryTest, ACountOfZeroNeverRetries) {
  FakeContext context;
  RunResult result = RunWorkflow(AlwaysFailing(R"(        retry:
          delay: PT1S
          limit:
            attempt:
              count: 0
)"),
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_TRUE(context.sleeps.empty());
}

TEST(InterpreterRetryTest, AZeroDelayRetriesWithoutATimer) {
  FakeContext context;
  context.results[1] = Failed503();
  context.results[2] = durable::ActivityOutcome::Completed("ok");
  RunResult result = RunWorkflow(R"(do:
  - attempt:
      try:
        - fetch:
            call: http
            with:
              method: get
              endpoint: https://example.com
      catch:
        retry:
          limit:
            attempt:
              count: 3
)",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json("ok"));
  EXPECT_THAT(Kinds(context.calls), ElementsAre("http", "http", "marker", "marker"));
}

std::vector<absl::Duration> Delays(const std::string& backoff) {
  FakeContext context;
  context.fire_all_timers = true;
  RunWorkflow(AlwaysFailing("        retry:\n          delay:\n            seconds: 2\n" + backoff +
                            "          limit:\n            attempt:\n              count: 4\n"),
              json::object(), &context);
  return context.sleeps;
}

TEST(InterpreterRetryTest, BackoffStrategiesGrowTheDelay) {
  const absl::Duration s = absl::Seconds(1);
  EXPECT_EQ(Delays(""), std::vector<absl::Duration>({2 * s, 2 * s, 2 * s, 2 * s}));
  EXPECT_EQ(Delays("          backoff:\n            constant: {}\n"),
            std::vector<absl::Duration>({2 * s, 2 * s, 2 * s, 2 * s}));
  EXPECT_EQ(Delays("          backoff:\n            linear: {}\n"),
            std::vector<absl::Duration>({2 * s, 4 * s, 6 * s, 8 * s}));
  EXPECT_EQ(Delays("          backoff:\n            exponential: {}\n"),
            std::vector<absl::Duration>({2 * s, 4 * s, 8 * s, 16 * s}));
}

TEST(InterpreterRetryTest, JitterAddsADeterministicDurationWithinItsRange) {
  FakeContext context;
  context.fire_all_timers = true;
  context.random_values = {0, 1500, 2001 * 7 + 2000};
  RunWorkflow(AlwaysFailing(R"(        retry:
          delay:
            seconds: 10
          jitter:
            from:
              seconds: 1
            to:
              seconds: 3
          limit:
            attempt:
              count: 3
)"),
              json::object(), &context);
  const absl::Duration ms = absl::Milliseconds(1);
  // 10 s + 1 s + (random % 2001) ms.
  EXPECT_EQ(context.sleeps, std::vector<absl::Duration>({11000 * ms, 12500 * ms, 13000 * ms}));
}

TEST(InterpreterRetryTest, RetryWhenAndExceptWhenDecideWithTheCaughtError) {
  const std::string when = R"(        retry:
          when: ${ $error.status == 500 }
          delay: PT1S
          limit:
            attempt:
              count: 3
        do:
          - fallback:
              set:
                fellBack: true
)";
  FakeContext no_retry;
  no_retry.fire_all_timers = true;
  RunResult result = RunWorkflow(AlwaysFailing(when), json::object(), &no_retry);
  EXPECT_EQ(result.output, json({{"fellBack", true}}));
  EXPECT_TRUE(no_retry.sleeps.empty());

  FakeContext except;
  except.fire_all_timers = true;
  RunWorkflow(AlwaysFailing(R"(        as: failure
        retry:
          exceptWhen: ${ $failure.status == 500 }
          delay: PT1S
          limit:
            attempt:
              count: 3
)"),
              json::object(), &except);
  EXPECT_EQ(except.sleeps.size(), 3u);
}

TEST(InterpreterRetryTest, ARetryPolicyOfUseRetriesIsReferencedByName) {
  FakeContext context;
  context.fire_all_timers = true;
  RunResult result = RunWorkflow(AlwaysFailing(R"(        as: failure
        retry: transient
)",
                                               R"(use:
  retries:
    transient:
      when: ${ $error.status == 503 }
      delay:
        milliseconds: 500
      backoff:
        exponential: {}
      limit:
        attempt:
          count: 2
)"),
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(context.sleeps,
            std::vector<absl::Duration>({absl::Milliseconds(500), absl::Milliseconds(1000)}));
}

TEST(InterpreterRetryTest, LimitDurationStopsRetriesThatWouldStartTooLate) {
  FakeContext context;
  context.fire_all_timers = true;
  context.observed_at = {{1, 10}, {2, 20}, {3, 30}};  // each timer fires 10 s later
  RunWorkflow(AlwaysFailing(R"(        retry:
          delay:
            seconds: 10
          limit:
            duration:
              seconds: 25
)"),
              json::object(), &context);
  // Retries would start at 10 s and 20 s; the one at 30 s is past the 25 s limit.
  EXPECT_EQ(context.sleeps.size(), 2u);
}

TEST(InterpreterRetryTest, AnErrorTheCatchDoesNotMatchIsNotRetried) {
  FakeContext context;
  context.fire_all_timers = true;
  RunResult result = RunWorkflow(AlwaysFailing(R"(        errors:
          with:
            status: 500
        retry:
          delay: PT1S
          limit:
            attempt:
              count: 3
)"),
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.status, 503);
  EXPECT_EQ(result.error.instance, "/do/0/attempt/try/0/fail");
  EXPECT_TRUE(context.sleeps.empty());
}

TEST(InterpreterRetryTest, AnUnlimitedPolicyStopsAtTheIterationCap) {
  InterpreterOptions options;
  options.max_iterations = 3;
  FakeContext context;
  RunResult result = RunWorkflow(AlwaysFailing("        retry:\n          when: ${ true }\n"),
                                 json::object(), &context, options);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "runtime");
  EXPECT_EQ(result.error.instance, "/do/0/attempt");
  EXPECT_THAT(result.error.detail, HasSubstr("\"attempt\" retried 3 times"));
}

TEST(InterpreterRetryTest, ExponentialBackoffDoublesTheDelayOfEachRetry) {
  FakeContext context;
  context.fire_all_timers = true;
  for (int call = 1; call <= 11; call += 2) context.results[call] = Failed503();
  RunResult result = RunWorkflow(R"(do:
  - callFlakyService:
      try:
        - fetch:
            call: http
            with:
              method: get
              endpoint: https://flaky.example.com
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 503
        as: error
        retry:
          delay:
            seconds: 3
          backoff:
            exponential: {}
          limit:
            attempt:
              count: 5
)",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  const absl::Duration s = absl::Seconds(1);
  EXPECT_EQ(context.sleeps, std::vector<absl::Duration>({3 * s, 6 * s, 12 * s, 24 * s, 48 * s}));
  int http_calls = 0;
  for (const RecordedCall& call : context.calls) http_calls += call.kind == "http";
  EXPECT_EQ(http_calls, 6);
}

}  // namespace
}  // namespace stigmer::workflow
