// The DSL's semantics as dsl.md ("Task Flow", "Data Flow", "Runtime expression arguments",
// "Errors") and dsl-reference.md (Task, Flow Directive, Error, Export) state them, for what the
// other interpreter tests do not cover already. Each test names the passage it checks.

#include <string>

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

// Runs `body` with `runtime` (RunWorkflow uses default runtime values).
RunResult RunWithRuntime(const std::string& body, const json& input, RuntimeValues runtime,
                         FakeContext& context) {
  absl::StatusOr<RunResult> result = Interpret(TestDocument(body), input, runtime, context);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : RunResult{};
}

// --- Task `if` (dsl-reference.md, Task properties) ---

// `if` is evaluated on the raw task input, before every other expression of the task.
TEST(SpecIfTest, IfIsEvaluatedOnTheRawInputBeforeInputFrom) {
  RunResult result = RunWorkflow(R"(do:
  - greet:
      if: ${ .enabled and $input.enabled }
      input:
        from: .person
      set:
        greeting: ${ "Hi " + .name }
)",
                                 {{"enabled", true}, {"person", {{"name", "Ada"}}}});
  EXPECT_EQ(result.output, json({{"greeting", "Hi Ada"}}));
}

// A task whose `if` does not hold is skipped: its raw input becomes its output, and none of its
// transformations apply, $context included.
TEST(SpecIfTest, ASkippedTaskAppliesNoneOfItsTransformations) {
  RunResult result = RunWorkflow(R"(do:
  - maybe:
      if: ${ false }
      input:
        from: .nothing
      set:
        ran: true
      output:
        as: .nothing
      export:
        as: '${ { exported: true } }'
  - after:
      set:
        input: ${ . }
        context: ${ $context }
)",
                                 {{"a", 1}});
  EXPECT_EQ(result.output, json({{"input", {{"a", 1}}}, {"context", json::object()}}));
}

// --- Data flow (dsl.md, "Data Flow" and the table of runtime expression arguments) ---

// Task descriptor: `input` is the raw input (before input.from), `output` the raw output (before
// output.as); `definition` the task as written.
TEST(SpecDataFlowTest, TheTaskDescriptorHoldsTheRawInputAndTheRawOutput) {
  RunResult result = RunWorkflow(R"(do:
  - pick:
      input:
        from: .inner
      set:
        value: ${ .v * 10 }
      output:
        as: |-
          ${ { transformed: .value, raw: $task.output.value, rawInput: $task.input,
               input: $input, kind: ($task.definition | keys) } }
)",
                                 {{"inner", {{"v", 2}}}});
  EXPECT_EQ(result.output, json({{"transformed", 20},
                                 {"raw", 20},
                                 {"rawInput", {{"inner", {{"v", 2}}}}},
                                 {"input", {{"v", 2}}},
                                 {"kind", {"input", "output", "set"}}}));
}

// dsl-reference.md, Export examples: `$context + .` merges the output into the context, `.`
// replaces the context with it. export.as sees the transformed output as `.` and $output.
TEST(SpecDataFlowTest, ExportAsMergesOrReplacesTheContext) {
  RunResult merged = RunWorkflow(R"(do:
  - first:
      set:
        a: 1
      export:
        as: $context + .
  - second:
      set:
        b: 2
      output:
        as: '${ . + { c: 3 } }'
      export:
        as: $context + $output
  - third:
      set:
        context: ${ $context }
)",
                                 json::object());
  EXPECT_EQ(merged.output, json({{"context", {{"a", 1}, {"b", 2}, {"c", 3}}}}));

  RunResult replaced = RunWorkflow(R"(do:
  - first:
      set:
        a: 1
      export:
        as: $context + .
  - second:
      set:
        replaced: true
      export:
        as: .
  - third:
      set:
        context: ${ $context }
)",
                                   json::object());
  EXPECT_EQ(replaced.output, json({{"context", {{"replaced", true}}}}));
}

// Each task's transformed output is the next task's raw input; the workflow's `output.as`
// works on the last task's transformed output and may use $context (the table of runtime
// expression arguments).
TEST(SpecDataFlowTest, TheWorkflowOutputSeesTheLastTransformedOutputAndTheContext) {
  RunResult result = RunWorkflow(R"(output:
  as: '${ { result: ., audit: $context.audit } }'
do:
  - compute:
      set:
        value: 41
      output:
        as: .value + 1
      export:
        as: '${ { audit: "computed" } }'
)",
                                 json::object());
  EXPECT_EQ(result.output, json({{"result", 42}, {"audit", "computed"}}));
}

// The workflow's `input.from` evaluates the raw workflow input; "$workflow.input" stays the raw
// input; the first task receives the transformed one. $context starts empty.
TEST(SpecDataFlowTest, TheWorkflowInputIsTransformedOnceAndStaysRawInTheDescriptor) {
  RunResult result = RunWorkflow(R"(input:
  from: .request
do:
  - look:
      set:
        received: ${ . }
        raw: ${ $workflow.input }
        context: ${ $context }
)",
                                 {{"request", {{"id", 3}}}, {"noise", true}});
  EXPECT_EQ(result.output, json({{"received", {{"id", 3}}},
                                 {"raw", {{"request", {{"id", 3}}}, {"noise", true}}},
                                 {"context", json::object()}}));
}

// Runtime expression arguments: $secrets, $runtime (name, version), $workflow (id, definition,
// startedAt) and $authorization (no authentication: null) are bound.
TEST(SpecDataFlowTest, SecretsRuntimeAndWorkflowDescriptorsAreBound) {
  RuntimeValues runtime;
  runtime.workflow_id = "wex-42";
  runtime.secrets = {{"apiKey", "s3cr3t"}};
  FakeContext context;
  RunResult result = RunWithRuntime(R"(do:
  - describe:
      input:
        from: '${ { key: $secrets.apiKey } }'
      set:
        key: ${ .key }
        runtime: ${ $runtime.name + "/" + $runtime.version }
        id: ${ $workflow.id }
        name: ${ $workflow.definition.document.name }
        started: ${ $workflow.startedAt.iso8601 }
        authorization: ${ $authorization }
)",
                                    json::object(), runtime, context);
  EXPECT_EQ(result.output, json({{"key", "s3cr3t"},
                                 {"runtime", "stigmer/0.1.0"},
                                 {"id", "wex-42"},
                                 {"name", "interpreter"},
                                 {"started", "2023-11-14T22:13:20.000Z"},
                                 {"authorization", nullptr}}));
}

// dsl.md, Secret: a secret the workflow may not have raises an authorization error (403).
TEST(SpecDataFlowTest, ADeclaredSecretTheRunWasNotGivenRaisesAnAuthorizationError) {
  const std::string body = R"(use:
  secrets: [apiKey, region]
do:
  - call:
      set:
        key: ${ $secrets.apiKey }
)";
  RuntimeValues runtime;
  runtime.secrets = {{"apiKey", "s3cr3t"}};
  FakeContext context;
  RunResult result = RunWithRuntime(body, json::object(), runtime, context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "authorization");
  EXPECT_EQ(result.error.status, 403);
  EXPECT_EQ(result.error.instance, "/use/secrets/1");
  EXPECT_EQ(result.error.detail,
            "the workflow uses the secret \"region\" (use.secrets) and the run was not given it: "
            "run it with --secret region=VALUE");
  EXPECT_EQ(context.TasksRecorded(), 0u);

  runtime.secrets["region"] = "eu";
  FakeContext given;
  EXPECT_EQ(RunWithRuntime(body, json::object(), runtime, given).output, json({{"key", "s3cr3t"}}));
}

// --- Flow directives (dsl-reference.md, Flow Directive; dsl.md, Task Flow) ---

// `then` defaults to continue; a named task continues the flow there, skipping what is between.
TEST(SpecFlowTest, ThenNamesTheNextTaskAndDefaultsToContinue) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
  - start:
      set:
        path: [start]
      then: finish
  - skipped:
      set:
        path: ${ .path + ["skipped"] }
  - finish:
      set:
        path: ${ .path + ["finish"] }
      then: continue
)",
                                 json::object(), &context);
  EXPECT_EQ(result.output, json({{"path", {"start", "finish"}}}));
  EXPECT_THAT(context.MarkerPaths(), ElementsAre("/do/0/start", "/do/2/finish"));
}

// A switch whose cases all fail to match, without a default case, continues with its input.
TEST(SpecFlowTest, ASwitchWithoutAMatchingCaseContinues) {
  RunResult result = RunWorkflow(R"(do:
  - route:
      switch:
        - big:
            when: .size > 10
            then: end
  - next:
      set:
        routed: ${ .size }
)",
                                 {{"size", 3}});
  EXPECT_EQ(result.output, json({{"routed", 3}}));
}

// `end` concludes the whole workflow gracefully, also from inside a loop.
TEST(SpecFlowTest, EndInsideAForLoopEndsTheWorkflow) {
  RunResult result = RunWorkflow(R"(do:
  - scan:
      for:
        in: .items
      do:
        - check:
            switch:
              - found:
                  when: $item == "needle"
                  then: end
  - notReached:
      set:
        reached: true
)",
                                 {{"items", {"hay", "needle", "hay"}}});
  EXPECT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"items", {"hay", "needle", "hay"}}}));
}

// --- Errors (dsl.md, "Errors"; dsl-reference.md, Error and Standard Error Types) ---

// A failed expression is an error of the standard `expression` type with status 400 (dsl.md,
// Runtime Expressions); its instance is the task (a JSON pointer).
TEST(SpecErrorTest, AFailingIfIsAnExpressionErrorOfItsTask) {
  RunResult result = RunWorkflow(R"(do:
  - outer:
      do:
        - guarded:
            if: ${ .a.b.c | tonumber }
            set:
              x: 1
)",
                                 {{"a", {{"b", {{"c", "not a number"}}}}}});
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  const json error = result.error.ToJson();
  EXPECT_EQ(error["type"], std::string(kErrors) + "expression");
  EXPECT_EQ(error["status"], 400);
  EXPECT_EQ(error["instance"], "/do/0/outer/do/0/guarded");
  EXPECT_THAT(error["detail"].get<std::string>(), HasSubstr("tonumber"));
}

TEST(SpecErrorTest, WorkflowLevelExpressionErrorsNameTheirPlace) {
  RunResult input = RunWorkflow("input:\n  from: .a + 1\ndo:\n  - s:\n      set:\n        a: 1\n",
                                {{"a", "text"}});
  ASSERT_EQ(input.state, RunResult::State::kFailed);
  EXPECT_EQ(input.error.instance, "/input/from");
  EXPECT_EQ(input.error.status, 400);
  RunResult output =
      RunWorkflow("output:\n  as: .a + 1\ndo:\n  - s:\n      set:\n        a: x\n", json::object());
  ASSERT_EQ(output.state, RunResult::State::kFailed);
  EXPECT_EQ(output.error.instance, "/output/as");
}

// dsl.md's example error: a communication error with status 503, caught by its status, its
// problem details available to the catch under `as`.
TEST(SpecErrorTest, AnActivitysProblemDetailsReachTheCatch) {
  FakeContext context;
  durable::WorkflowError unavailable = durable::StandardError(
      "communication", "Service Unavailable", "The service is currently unavailable.", "");
  unavailable.status = 503;
  context.results[1] = durable::ActivityOutcome::Failed(unavailable);
  RunResult result = RunWorkflow(R"(do:
  - getPet:
      try:
        - getPetById:
            call: http
            with:
              method: get
              endpoint: https://petstore.example.com/pets/1
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 503
        as: problem
        do:
          - describe:
              set: ${ $problem }
)",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"type", std::string(kErrors) + "communication"},
                                 {"status", 503},
                                 {"title", "Service Unavailable"},
                                 {"detail", "The service is currently unavailable."},
                                 {"instance", "/do/0/getPet/try/0/getPetById"}}));
}

// A raised error's title and detail may be runtime expressions (dsl-reference.md, Error).
TEST(SpecErrorTest, RaisedTitleAndDetailAreEvaluated) {
  RunResult result = RunWorkflow(R"yaml(do:
  - reject:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
          status: 400
          title: ${ "Invalid " + .field }
          detail: ${ "\(.field) must be positive, got \(.value)" }
)yaml",
                                 {{"field", "quantity"}, {"value", -2}});
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.ToJson(), json({{"type", std::string(kErrors) + "validation"},
                                         {"status", 400},
                                         {"title", "Invalid quantity"},
                                         {"detail", "quantity must be positive, got -2"},
                                         {"instance", "/do/0/reject"}}));
}

}  // namespace
}  // namespace stigmer::workflow
