// The expression sandbox against the real `stigmer internal expression-sandbox` child: each
// bound fails the one evaluation that hit it, and the next evaluation works.

#include "workflow/expression_sandbox.h"

#include <signal.h>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"
#include "workflow/expression_evaluator.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

constexpr char kIdentity[] = ". as [$__stigmer_data] | $__stigmer_data | (.)";

ExpressionLimits Limits() {
  ExpressionLimits limits;
  limits.timeout = absl::Milliseconds(500);
  limits.memory_bytes = size_t{64} << 20;
  limits.max_result_bytes = size_t{64} << 10;
  return limits;
}

std::string Wrapped(const std::string& body) {
  return ". as [$__stigmer_data] | $__stigmer_data | (" + body + ")";
}

TEST(ExpressionSandboxTest, AnswersResultsNoResultAndJqErrors) {
  ExpressionSandbox sandbox(testing::StigmerBinary(), Limits());
  auto result = sandbox.Run(Wrapped(".a + 1"), R"([{"a": 41}])");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->value_or("none"), "42");

  result = sandbox.Run(Wrapped("empty"), "[null]");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->has_value());

  result = sandbox.Run(Wrapped(".a + 1"), R"([{"a": {}}])");
  EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("cannot be added"));
}

TEST(ExpressionSandboxTest, NeverEndingExpressionStopsAtTheTimeLimitAndTheNextOneRuns) {
  ExpressionSandbox sandbox(testing::StigmerBinary(), Limits());
  for (const char* never_ends : {"def f: f; f", "last(repeat(1))"}) {
    const absl::Time start = absl::Now();
    auto result = sandbox.Run(Wrapped(never_ends), "[null]");
    EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << never_ends;
    EXPECT_THAT(result.status().message(), HasSubstr("stopped after 500ms"));
    EXPECT_THAT(result.status().message(), HasSubstr("STIGMER_EXPRESSION_TIMEOUT_MS"));
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));
    EXPECT_EQ(sandbox.child_pid(), 0) << "the stuck child was not killed";

    auto next = sandbox.Run(kIdentity, "[7]");
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(next->value_or(""), "7");
  }
}

TEST(ExpressionSandboxTest, ExpressionThatGrowsWithoutBoundStopsAtTheMemoryLimit) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory rules out RLIMIT_DATA";
#endif
  ExpressionLimits limits = Limits();
  limits.timeout = absl::Seconds(60);  // memory, not time, must stop it
  ExpressionSandbox sandbox(testing::StigmerBinary(), limits);
  auto result = sandbox.Run(Wrapped("[range(1e12)] | length"), "[null]");
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("64 MiB memory limit"));
  EXPECT_THAT(result.status().message(), HasSubstr("STIGMER_EXPRESSION_MEMORY_MB"));

  auto next = sandbox.Run(kIdentity, "[1]");
  ASSERT_TRUE(next.ok()) << next.status();
}

TEST(ExpressionSandboxTest, ResultOverTheValueLimitIsRefused) {
  ExpressionSandbox sandbox(testing::StigmerBinary(), Limits());
  auto result = sandbox.Run(Wrapped("[range(30000)] | map(tostring)"), "[null]");
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("more than the 64 KiB one value may hold"));
}

TEST(ExpressionSandboxTest, ChildKilledBetweenEvaluationsIsStartedAgain) {
  ExpressionSandbox sandbox(testing::StigmerBinary(), Limits());
  ASSERT_TRUE(sandbox.Run(kIdentity, "[1]").ok());
  const pid_t first = sandbox.child_pid();
  ASSERT_GT(first, 0);
  ::kill(first, SIGKILL);  // the next evaluation may or may not see it gone before it writes
  auto result = sandbox.Run(kIdentity, "[2]");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->value_or(""), "2");
}

TEST(ExpressionSandboxTest, WorkflowTaskBudgetStopsEvaluationsThatTogetherTakeTooLong) {
  ExpressionLimits limits = Limits();
  limits.timeout = absl::Seconds(30);
  ExpressionSandbox sandbox(testing::StigmerBinary(), limits);
  sandbox.set_task_deadline(absl::Now() + absl::Milliseconds(300), absl::Milliseconds(300));
  auto result = sandbox.Run(Wrapped("def f: f; f"), "[null]");
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(),
              HasSubstr("the expressions of one workflow task may take 300ms together"));
}

TEST(ExpressionSandboxTest, EvaluatorNamesTheExpressionThatHitTheBound) {
  ExpressionEvaluator evaluator(
      std::make_unique<ExpressionSandbox>(testing::StigmerBinary(), Limits()));
  auto result = evaluator.Evaluate("${ def f: f; f }", nullptr, ExpressionVariables{});
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(),
              HasSubstr("expression `${ def f: f; f }`: stopped after 500ms"));
  auto fine =
      evaluator.Evaluate("${ $input.n * 2 }", nullptr, ExpressionVariables{.input = {{"n", 21}}});
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(*fine, 42);
}

}  // namespace
}  // namespace stigmer::workflow
