// Custom functions (`use.functions`, file:// catalogs, `call: <function>`) and `use.extensions`
// in the interpreter, with a fake context (dsl-reference.md, Use, Catalog, Extension).

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kGreet[] =
    "use:\n"
    "  functions:\n"
    "    greet:\n"
    "      input:\n"
    "        schema:\n"
    "          document:\n"
    "            type: object\n"
    "            properties:\n"
    "              name: {type: string}\n"
    "              times: {type: integer}\n"
    "            required: [name]\n"
    "      set:\n"
    "        greeting: ${ \"hello \" + .name }\n";

TEST(FunctionCallTest, AnInlineFunctionRunsAsItsTaskOnItsArguments) {
  RunResult result = RunWorkflow(std::string(kGreet) +
                                     "do:\n"
                                     "  - hi:\n"
                                     "      call: greet\n"
                                     "      with:\n"
                                     "        name: ${ .dog }\n",
                                 {{"dog", "milou"}});
  ASSERT_EQ(result.state, RunResult::State::kCompleted) << result.error.detail;
  EXPECT_EQ(result.output, json({{"greeting", "hello milou"}}));
}

TEST(FunctionCallTest, ArgumentsThatDoNotMatchTheInputSchemaRaiseAValidationError) {
  RunResult result = RunWorkflow(std::string(kGreet) +
                                     "do:\n"
                                     "  - hi:\n"
                                     "      call: greet\n"
                                     "      with:\n"
                                     "        name: milou\n"
                                     "        times: many\n",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.type, "https://serverlessworkflow.io/spec/1.0.0/errors/validation");
  EXPECT_EQ(result.error.status, 400);
  EXPECT_EQ(result.error.title, "Invalid input");
  EXPECT_THAT(result.error.detail, HasSubstr("the task's input does not match its schema"));
  EXPECT_THAT(result.error.detail, HasSubstr("/times"));
  EXPECT_EQ(result.error.instance, "/do/0/hi");
}

TEST(FunctionCallTest, AFunctionsBodyIsAnyTaskSuchAsAnHttpCall) {
  FakeContext context;
  context.results[1] = durable::ActivityOutcome::Completed({{"id", 69}});
  RunResult result = RunWorkflow(
      "use:\n"
      "  functions:\n"
      "    getPet:\n"
      "      call: http\n"
      "      with:\n"
      "        method: get\n"
      "        endpoint: ${ \"http://127.0.0.1:1/pet/\" + (.petId | tostring) }\n"
      "do:\n"
      "  - fetch:\n"
      "      call: getPet\n"
      "      with:\n"
      "        petId: 69\n",
      json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted) << result.error.detail;
  EXPECT_EQ(result.output, json({{"id", 69}}));
  ASSERT_EQ(context.calls.size(), 2u);  // the http call, then the task's marker
  EXPECT_EQ(context.calls[0].kind, "http");
  EXPECT_EQ(context.calls[0].detail["with"]["endpoint"], "http://127.0.0.1:1/pet/69");
}

TEST(FunctionCallTest, ACatalogedFunctionIsReadFromItsFileByAnActivity) {
  FakeContext context;
  context.results[1] =
      durable::ActivityOutcome::Completed("set:\n  message: '${ \"logged: \" + .message }'\n");
  RunResult result = RunWorkflow(
      "use:\n"
      "  catalogs:\n"
      "    local:\n"
      "      endpoint:\n"
      "        uri: file:///srv/catalog/\n"
      "do:\n"
      "  - log:\n"
      "      call: log:1.0.0@local\n"
      "      with:\n"
      "        message: hi\n",
      json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted) << result.error.detail;
  EXPECT_EQ(result.output, json({{"message", "logged: hi"}}));
  EXPECT_EQ(context.calls[0].kind, "resource");
  EXPECT_EQ(context.calls[0].detail["uri"],
            "file:///srv/catalog/functions/log/1.0.0/function.yaml");
}

TEST(FunctionCallTest, AFunctionThatIsNotATaskIsAConfigurationError) {
  FakeContext context;
  context.results[1] = durable::ActivityOutcome::Completed("- just\n- a list\n");
  RunResult result =
      RunWorkflow("do:\n  - f:\n      call: file:///tmp/f.yaml\n", json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.title, "Invalid function");
  EXPECT_EQ(result.error.detail,
            "file:///tmp/f.yaml does not hold a function (a task): not a mapping");
}

TEST(FunctionCallTest, FunctionsCallingEachOtherForeverStopAtADepthLimit) {
  RunResult result = RunWorkflow(
      "use:\n"
      "  functions:\n"
      "    ping:\n"
      "      call: pong\n"
      "    pong:\n"
      "      call: ping\n"
      "do:\n"
      "  - start:\n"
      "      call: ping\n",
      json::object());
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.title, "Function depth limit reached");
  EXPECT_THAT(result.error.detail, HasSubstr("runs inside 16 other functions"));
}

constexpr char kMock[] =
    "use:\n"
    "  extensions:\n"
    "    - mockService:\n"
    "        extend: call\n"
    "        when: '$task.with.endpoint.uri != null and ($task.with.endpoint.uri | "
    "startswith(\"https://mocked.service.com\"))'\n"
    "        before:\n"
    "          - mockResponse:\n"
    "              set:\n"
    "                statusCode: 200\n"
    "                content: {foo: {bar: baz}}\n"
    "              then: exit\n";

TEST(ExtensionTest, ABeforeTaskThatExitsMocksTheExtendedCall) {
  FakeContext context;
  context.results_by_path["/do/1/real"] = durable::ActivityOutcome::Completed("real");
  RunResult result = RunWorkflow(std::string(kMock) +
                                     "do:\n"
                                     "  - mocked:\n"
                                     "      call: http\n"
                                     "      with:\n"
                                     "        method: get\n"
                                     "        endpoint:\n"
                                     "          uri: https://mocked.service.com/sample\n"
                                     "  - real:\n"
                                     "      call: http\n"
                                     "      with:\n"
                                     "        method: get\n"
                                     "        endpoint:\n"
                                     "          uri: http://127.0.0.1:1/sample\n"
                                     "      output:\n"
                                     "        as: '${ {real: ., before: $context} }'\n"
                                     "      export:\n"
                                     "        as: ${ . }\n"
                                     "  - both:\n"
                                     "      set: ${ $context }\n",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted) << result.error.detail;
  // Only the second call reached the network; the first answered what the mock set.
  std::vector<std::string> kinds;
  for (const RecordedCall& call : context.calls) kinds.push_back(call.kind);
  EXPECT_THAT(kinds, ElementsAre("marker", "marker", "http", "marker", "marker"));
  EXPECT_THAT(context.MarkerPaths(),
              ElementsAre("/do/0/mocked/extensions/mockService/before/0/mockResponse",
                          "/do/0/mocked", "/do/1/real", "/do/2/both"));
  EXPECT_EQ(result.output["real"], "real");
}

TEST(ExtensionTest, TheMockedOutputIsTheTasksOutput) {
  RunResult result = RunWorkflow(std::string(kMock) +
                                     "do:\n"
                                     "  - mocked:\n"
                                     "      call: http\n"
                                     "      with:\n"
                                     "        method: get\n"
                                     "        endpoint:\n"
                                     "          uri: https://mocked.service.com/sample\n",
                                 json::object());
  ASSERT_EQ(result.state, RunResult::State::kCompleted) << result.error.detail;
  EXPECT_EQ(result.output, json({{"statusCode", 200}, {"content", {{"foo", {{"bar", "baz"}}}}}}));
}

TEST(ExtensionTest, AfterTasksRunAfterEveryExtendedTaskAndKeepItsOutput) {
  FakeContext context;
  RunResult result = RunWorkflow(
      "use:\n"
      "  extensions:\n"
      "    - audit:\n"
      "        extend: set\n"
      "        before:\n"
      "          - note:\n"
      "              set: {ignored: true}\n"
      "        after:\n"
      "          - record:\n"
      "              set: '${ {seen: .} }'\n"
      "              export:\n"
      "                as: '${ {seen: (($context.seen // []) + [.seen])} }'\n"
      "do:\n"
      "  - one:\n"
      "      set: {n: 1}\n"
      "  - two:\n"
      "      set: '${ {n: (.n + 1), audit: $context.seen} }'\n",
      json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kCompleted) << result.error.detail;
  EXPECT_EQ(result.output, json({{"n", 2}, {"audit", json::array({{{"n", 1}}})}}));
  EXPECT_THAT(context.MarkerPaths(),
              ElementsAre("/do/0/one/extensions/audit/before/0/note",
                          "/do/0/one/extensions/audit/after/0/record", "/do/0/one",
                          "/do/1/two/extensions/audit/before/0/note",
                          "/do/1/two/extensions/audit/after/0/record", "/do/1/two"));
}

}  // namespace
}  // namespace stigmer::workflow
