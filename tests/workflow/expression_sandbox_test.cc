// The expression sandbox against its real children, exec'd (`stigmer internal
// expression-sandbox`) and forked from a zygote: each bound fails the one evaluation that hit
// it, and the next evaluation works.

#include "workflow/expression_sandbox.h"

#include <signal.h>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"
#include "workflow/expression_evaluator.h"
#include "workflow/sandbox_test_limits.h"
#include "workflow/sandbox_zygote.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

constexpr const char* kIdentity = kSandboxIdentity;

ExpressionLimits Limits() { return SandboxTestLimits(absl::Milliseconds(500)); }

std::string Wrapped(const std::string& body) {
  return ". as [$__stigmer_data] | $__stigmer_data | (" + body + ")";
}

enum class Launch { kExec, kZygote };

class ExpressionSandboxTest : public ::testing::TestWithParam<Launch> {
 protected:
  void SetUp() override {
    launcher_ = ExecSandboxLauncher(testing::StigmerBinary());
    if (GetParam() == Launch::kZygote) {
      auto zygote = SandboxZygote::Fork(launcher_);
      ASSERT_TRUE(zygote.ok()) << zygote.status();
      launcher_ = *std::move(zygote);
    }
  }

  std::unique_ptr<ExpressionSandbox> Sandbox(ExpressionLimits limits = Limits()) {
    return std::make_unique<ExpressionSandbox>(launcher_, limits);
  }

  std::shared_ptr<SandboxLauncher> launcher_;
};

INSTANTIATE_TEST_SUITE_P(Launchers, ExpressionSandboxTest,
                         ::testing::Values(Launch::kExec, Launch::kZygote), [](const auto& info) {
                           return info.param == Launch::kExec ? "Execd" : "ForkedFromZygote";
                         });

TEST_P(ExpressionSandboxTest, AnswersResultsNoResultAndJqErrors) {
  auto sandbox_owner = Sandbox();
  ExpressionSandbox& sandbox = *sandbox_owner;
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

TEST_P(ExpressionSandboxTest, NeverEndingExpressionStopsAtTheTimeLimitAndTheNextOneRuns) {
  auto sandbox_owner = Sandbox();
  ExpressionSandbox& sandbox = *sandbox_owner;
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

TEST_P(ExpressionSandboxTest, ExpressionThatGrowsWithoutBoundStopsAtTheMemoryLimit) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory rules out RLIMIT_DATA";
#endif
  ExpressionLimits limits = Limits();
  limits.timeout = absl::Seconds(60);  // memory, not time, must stop it
  auto sandbox_owner = Sandbox(limits);
  ExpressionSandbox& sandbox = *sandbox_owner;
  auto result = sandbox.Run(Wrapped("[range(1e12)] | length"), "[null]");
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("64 MiB memory limit"));
  EXPECT_THAT(result.status().message(), HasSubstr("STIGMER_EXPRESSION_MEMORY_MB"));

  auto next = sandbox.Run(kIdentity, "[1]");
  ASSERT_TRUE(next.ok()) << next.status();
}

TEST_P(ExpressionSandboxTest, ResultOverTheValueLimitIsRefused) {
  auto sandbox_owner = Sandbox();
  ExpressionSandbox& sandbox = *sandbox_owner;
  auto result = sandbox.Run(Wrapped("[range(30000)] | map(tostring)"), "[null]");
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("more than the 64 KiB one value may hold"));
}

TEST_P(ExpressionSandboxTest, ChildKilledBetweenEvaluationsIsStartedAgain) {
  auto sandbox_owner = Sandbox();
  ExpressionSandbox& sandbox = *sandbox_owner;
  ASSERT_TRUE(sandbox.Run(kIdentity, "[1]").ok());
  const pid_t first = sandbox.child_pid();
  ASSERT_GT(first, 0);
  ::kill(first, SIGKILL);  // the next evaluation may or may not see it gone before it writes
  auto result = sandbox.Run(kIdentity, "[2]");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->value_or(""), "2");
}

TEST_P(ExpressionSandboxTest, WorkflowTaskBudgetStopsEvaluationsThatTogetherTakeTooLong) {
  ExpressionLimits limits = Limits();
  limits.timeout = absl::Seconds(30);
  auto sandbox_owner = Sandbox(limits);
  ExpressionSandbox& sandbox = *sandbox_owner;
  sandbox.set_task_deadline(absl::Now() + absl::Milliseconds(300), absl::Milliseconds(300));
  auto result = sandbox.Run(Wrapped("def f: f; f"), "[null]");
  EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
  EXPECT_THAT(result.status().message(),
              HasSubstr("the expressions of one workflow task may take 300ms together"));
}

TEST_P(ExpressionSandboxTest, EvaluatorNamesTheExpressionThatHitTheBound) {
  ExpressionEvaluator evaluator(Sandbox());
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
