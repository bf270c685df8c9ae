// One execution must never stall or crash the others (issue: a jq expression that never ends
// wedged workflow-runner for good). Each bad run is started together with a good one: the bad
// run fails with an error naming its task and the bound, the good one completes in its usual
// time, and the worker goes on serving.

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

constexpr char kGood[] = R"(do:
  - total:
      set:
        sum: ${ [.numbers[]] | add }
  - twice:
      set:
        sum: ${ .sum * 2 }
)";

class ExpressionIsolationTest : public WorkflowRunnerTest {
 protected:
  void Configure(ServerlessWorkflowOptions& options) override {
    options.sandbox_launcher = ExecSandboxLauncher(testing::StigmerBinary());
    options.expression_limits.timeout = absl::Seconds(3);
    options.expression_limits.memory_bytes = size_t{64} << 20;
    options.expression_limits.max_result_bytes = size_t{256} << 10;
    options.payload_limits.max_payload_bytes = size_t{256} << 10;
  }

  // Starts `bad` and, at once, a good run; checks that the good one completes within a few
  // seconds (it takes well under one alone) and returns the bad run's problem details.
  nlohmann::json RunBesideAGoodOne(const std::string& name, const std::string& bad) {
    const std::string bad_id = Start(name, bad, nlohmann::json::object());
    const absl::Time start = absl::Now();
    const std::string good_id = Start(name + "_good", kGood, {{"numbers", {1, 2, 3}}});
    const std::vector<durable::HistoryEvent> good = WaitClosed(good_id);
    EXPECT_EQ(Output(good), nlohmann::json({{"sum", 12}}));
    EXPECT_LT(absl::Now() - start, absl::Seconds(2.5)) << "the good run was held up";

    const std::vector<durable::HistoryEvent> events = WaitClosed(bad_id);
    if (events.empty() || !events.back().has_workflow_execution_failed_event_attributes()) {
      ADD_FAILURE() << bad_id << " did not fail";
      return nlohmann::json::object();
    }
    const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
    auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
    EXPECT_TRUE(problem.ok());

    // And the worker still serves: another good run completes.
    const std::string after = Start(name + "_after", kGood, {{"numbers", {1}}});
    EXPECT_EQ(Output(WaitClosed(after)), nlohmann::json({{"sum", 2}}));
    return problem.ok() && problem->is_object() ? *problem : nlohmann::json::object();
  }
};

TEST_F(ExpressionIsolationTest, NeverEndingExpressionFailsItsRunNotTheWorker) {
  const nlohmann::json problem = RunBesideAGoodOne("spin", R"(do:
  - spin:
      set:
        forever: '${ def f: f; f }'
)");
  EXPECT_EQ(problem["type"], "https://serverlessworkflow.io/spec/1.0.0/errors/expression");
  EXPECT_EQ(problem["instance"], "/do/0/spin");
  EXPECT_THAT(problem.value("detail", ""),
              HasSubstr("stopped after 3s, the limit for one expression"));
}

TEST_F(ExpressionIsolationTest, ExpressionThatGrowsMemoryWithoutBoundFailsItsRun) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory rules out RLIMIT_DATA";
#endif
  const nlohmann::json problem = RunBesideAGoodOne("grow", R"(do:
  - grow:
      set:
        count: ${ [range(1e12)] | length }
)");
  EXPECT_EQ(problem["instance"], "/do/0/grow");
  EXPECT_THAT(problem.value("detail", ""), HasSubstr("64 MiB memory limit"));
}

TEST_F(ExpressionIsolationTest, SetResultOverTheValueLimitFailsItsRunInsteadOfLoopingForever) {
  const nlohmann::json problem = RunBesideAGoodOne("huge", R"(do:
  - huge:
      set:
        all: ${ [range(100000)] | map(tostring) }
)");
  EXPECT_EQ(problem["instance"], "/do/0/huge");
  EXPECT_THAT(problem.value("detail", ""), HasSubstr("more than the 256 KiB one value may hold"));
}

TEST_F(ExpressionIsolationTest, TaskOutputOverTheValueLimitFailsItsRunWithTheTaskNamed) {
  // Each half fits; the task's output, recorded in one marker, does not.
  const nlohmann::json problem = RunBesideAGoodOne("halves", R"(do:
  - halves:
      set:
        a: ${ [range(20000)] | map(tostring) | join(",") }
        b: ${ [range(20000)] | map(tostring) | join(",") }
        c: ${ [range(20000)] | map(tostring) | join(",") }
)");
  EXPECT_EQ(problem["status"], 413);
  EXPECT_THAT(problem.value("detail", ""), HasSubstr("the output of task /do/0/halves is"));
  EXPECT_THAT(problem.value("detail", ""), HasSubstr("at most 256 KiB"));
}

// valijson runs `pattern` with std::regex, which recursed through the worker's stack on a long
// string; schemas run in the sandbox, so only the run that brought one fails.
TEST_F(ExpressionIsolationTest, SchemaPatternOnAHugeStringFailsItsRunNotTheWorker) {
  const nlohmann::json problem = RunBesideAGoodOne("pattern", R"(do:
  - make:
      set:
        text: ${ "a" * 100000 }
  - check:
      input:
        schema:
          document: {type: object, properties: {text: {type: string, pattern: "(a|b)*c"}}}
      set: {checked: true}
)");
  EXPECT_EQ(problem["type"], "https://serverlessworkflow.io/spec/1.0.0/errors/validation");
  EXPECT_EQ(problem["instance"], "/do/1/check");
  EXPECT_THAT(problem.value("detail", ""), HasSubstr("bound the string with maxLength"));
}

}  // namespace
}  // namespace stigmer::workflow
