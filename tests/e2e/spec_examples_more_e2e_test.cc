// More of the Serverless Workflow specification's own examples (examples/, dsl 1.0.3), written
// again from what each shows and run through the daemon with the real Temporal dev server: the
// gRPC, MCP, custom function, script, extension, cron and container ones. Remote services are
// local stand-ins (a greeter gRPC server, a stdio MCP server, a pet store on loopback, podman
// images imported from a local busybox root filesystem); nothing comes from the internet. Each
// block names the example it stands for.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/executable_search.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/command_runner.h"
#include "testing/grpc_greeter.h"
#include "testing/local_container_image.h"
#include "testing/local_http_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// A stdio MCP server standing in for the Slack one of call-mcp: conversations_add_message
// answers what it was given and whether the token reached its environment.
constexpr char kSlackStandIn[] = R"(import json, os, sys
for line in sys.stdin:
    message = json.loads(line)
    if "id" not in message:
        continue
    method, result = message.get("method"), {}
    if method == "initialize":
        result = {"protocolVersion": message["params"]["protocolVersion"],
                  "capabilities": {"tools": {}}, "serverInfo": {"name": "slack", "version": "1"}}
    elif method == "tools/call":
        params = message["params"]
        posted = dict(params["arguments"], tool=params["name"],
                      token=bool(os.environ.get("SLACK_MCP_XOXP_TOKEN")))
        result = {"content": [{"type": "text", "text": json.dumps(posted, sort_keys=True)}]}
    print(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}), flush=True)
)";

class SpecExamplesMoreE2e : public ::testing::Test {
 protected:
  SpecExamplesMoreE2e()
      : pets_([](const HttpServerRequest& request) -> HttpServerResponse {
          if (request.path.rfind("/v2/pet/", 0) == 0 && request.method == "GET") {
            const std::string id = request.path.substr(8);
            return {200,
                    {{"Content-Type", "application/json"}},
                    json({{"id", std::stoi(id)}, {"name", "Rex"}}).dump()};
          }
          return {404, {}, "no such stand-in"};
        }) {}

  // The text of a workflow document named `name` with `body` (YAML from `use:`/`do:` on).
  static std::string Document(const std::string& name, const std::string& body,
                              const std::string& extra = "") {
    return absl::StrCat("document: {dsl: '1.0.3', namespace: examples, name: ", name,
                        ", version: '0.1.0'}\n", extra, body);
  }

  // Writes the workflow as `file` and applies it with `stigmer apply -f file` from the test's
  // own working folder (not the file's).
  void Apply(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    ASSERT_TRUE(WriteFileAtomically(file, text).ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << file << ": " << apply.out << apply.err;
  }

  // `stigmer run NAME -o json --input INPUT`: the final record; the exit code is checked.
  json Run(const std::string& name, const json& input, int expected_exit = 0) {
    CommandResult run = home_.Run({"run", name, "-o", "json", "--input", input.dump()});
    EXPECT_EQ(run.exit_code, expected_exit) << name << ": " << run.out << run.err;
    const size_t start = run.out.find('{');
    if (start == std::string::npos) return nullptr;
    return json::parse(run.out.substr(start), nullptr, false);
  }

  std::filesystem::path Home() const { return home_.paths().home(); }

  StigmerHome home_;
  LocalHttpServer pets_;
};

TEST_F(SpecExamplesMoreE2e, GrpcMcpFunctionScriptExtensionAndCronExamples) {
  // call-grpc: the proto is app/greet.proto next to the workflow, named file://app/greet.proto;
  // the greeter serves GreeterApi.Greeter on a free port (the example's 5011 may be taken).
  GrpcGreeter greeter;
  const std::filesystem::path flows = Home() / "flows";
  std::filesystem::create_directories(flows / "app");
  std::ofstream(flows / "app/greet.proto")
      << absl::StrReplaceAll(kGreeterProto, {{"package greet;", "package GreeterApi;"}});
  const std::string grpc = Document("grpc-example", absl::StrCat(R"(do:
  - greet:
      call: grpc
      with:
        proto:
          endpoint: file://app/greet.proto
        service:
          name: GreeterApi.Greeter
          host: localhost
          port: )",
                                                                 greeter.port(), R"(
        method: SayHello
        arguments:
          name: ${ .user.preferredDisplayName }
)"));
  Apply(flows / "call-grpc.yaml", grpc);
  EXPECT_EQ(Run("grpc-example", {{"user", {{"preferredDisplayName", "Ada"}}}})["output"],
            json({{"message", "Hello, Ada"}}));

  // The same document from stdin has no folder to read app/greet.proto from: refused, named.
  CommandResult piped = home_.RunWithInput({"apply", "-f", "-"}, grpc);
  EXPECT_EQ(piped.exit_code, 1);
  EXPECT_THAT(piped.err,
              HasSubstr("the workflow names files by relative paths (file://app/greet.proto), "
                        "which are read from the folder of the applied file; this one has no "
                        "folder (stdin): apply it with `stigmer apply -f FILE`, or give absolute "
                        "paths (file:///…)"));

  // A proto that is not there: the error names the path it was looked for at.
  Apply(Home() / "elsewhere/call-grpc.yaml",
        absl::StrReplaceAll(grpc, {{"grpc-example", "grpc-missing"},
                                   {"file://app/greet.proto", "../protos/greet.proto"}}));
  json missing = Run("grpc-missing", {{"user", {{"preferredDisplayName", "Ada"}}}}, 1);
  EXPECT_EQ(
      missing["error"]["detail"],
      absl::StrCat("the proto file ", (Home() / "protos/greet.proto").string(), " does not exist"));

  // call-mcp: tools/call of conversations_add_message on a stdio server, its token in its
  // environment (a local stand-in for the Slack server the example starts with npx).
  std::ofstream(flows / "slack_stand_in.py") << kSlackStandIn;
  Apply(flows / "call-mcp.yaml",
        Document("mcp-example", absl::StrCat(R"(do:
  - publishMessageToSlack:
      call: mcp
      with:
        method: tools/call
        parameters:
          name: conversations_add_message
          arguments:
            channel_id: 'C1234567890'
            thread_ts: '1623456789.123456'
            payload: 'Hello, world! :wave:'
            content_type: text/markdown
        transport:
          stdio:
            command: python3
            arguments: [ ')",
                                             (flows / "slack_stand_in.py").string(),
                                             R"(' ]
            environment:
              SLACK_MCP_XOXP_TOKEN: xoxp-not-a-real-token
)")));
  json mcp = Run("mcp-example", json::object());
  ASSERT_TRUE(mcp["output"]["content"].is_array()) << mcp.dump();
  EXPECT_EQ(json::parse(mcp["output"]["content"][0]["text"].get<std::string>()),
            json({{"channel_id", "C1234567890"},
                  {"thread_ts", "1623456789.123456"},
                  {"payload", "Hello, world! :wave:"},
                  {"content_type", "text/markdown"},
                  {"tool", "conversations_add_message"},
                  {"token", true}}));

  // call-custom-function-inline: getPetById checks its input against its schema, then calls
  // the pet store (a local stand-in) with the petId in the URI template.
  Apply(flows / "call-custom-function-inline.yaml",
        Document("call-custom-function-inline", absl::StrCat(R"(use:
  functions:
    getPetById:
      input:
        schema:
          document:
            type: object
            properties:
              petId:
                type: integer
            required: [ petId ]
      call: http
      with:
        method: get
        endpoint: )",
                                                             pets_.url(), R"(/v2/pet/{petId}
do:
  - getPet:
      call: getPetById
      with:
        petId: 69
)")));
  EXPECT_EQ(Run("call-custom-function-inline", json::object())["output"],
            json({{"id", 69}, {"name", "Rex"}}));

  // run-script-with-stdin-and-arguments: an ES module reading stdin, argv and its environment.
  Apply(flows / "run-script.yaml", Document("run-script-with-stdin-and-arguments", R"(do:
  - runScript:
      run:
        script:
          language: javascript
          stdin: "Hello Workflow"
          environment:
           foo: bar
          arguments:
          - hello
          code: |
            import { readFileSync } from 'node:fs';
            const stdin = readFileSync(process.stdin.fd, 'utf8');
            console.log('stdin > ', stdin)
            const [_, __, arg] = process.argv;
            console.log('arg > ', arg)
            const foo = process.env.foo;
            console.log('env > ', foo)
)"));
  EXPECT_EQ(Run("run-script-with-stdin-and-arguments", json::object())["output"],
            "stdin >  Hello Workflow\narg >  hello\nenv >  bar");

  // mock-service-extension as the spec writes it: its `when` pipes an endpoint object into
  // startswith, which jq refuses. The run fails with that error, naming the extension.
  Apply(flows / "mock-service-extension.yaml", Document("sample-workflow", R"(use:
  extensions:
    - mockService:
        extend: call
        when: ($task.with.endpoint != null and ($task.with.endpoint | startswith("https://mocked.service.com"))) or ($task.with.endpoint.uri != null and ($task.with.endpoint.uri | startswith("https://mocked.service.com")))
        before:
          - mockResponse:
              set:
                statusCode: 200
                headers:
                  Content-Type: application/json
                content:
                  foo:
                    bar: baz
              then: exit
do:
  - callHttp:
      call: http
      with:
        method: get
        endpoint:
          uri: https://fake.com/sample
)"));
  json mocked = Run("sample-workflow", json::object(), 1);
  EXPECT_EQ(mocked["error"]["title"], "Expression error") << mocked.dump();
  EXPECT_EQ(mocked["error"]["instance"], "/do/0/callHttp");
  EXPECT_THAT(mocked["error"]["detail"].get<std::string>(),
              HasSubstr("the `when` of extension \"mockService\" failed: "));
  EXPECT_THAT(mocked["error"]["detail"].get<std::string>(), HasSubstr("startswith"));

  // schedule-cron: a Temporal Schedule firing at midnight every day (not waited for).
  Apply(flows / "schedule-cron.yaml", Document("cron-schedule", R"(do:
  - backup:
      call: http
      with:
        method: post
        endpoint: https://example.com/api/v1/backup/start
)",
                                               "schedule:\n  cron: 0 0 * * *\n"));
  CommandResult schedules = home_.Run({"get", "schedules", "-o", "json"});
  ASSERT_EQ(schedules.exit_code, 0) << schedules.err;
  const json listed = json::parse(schedules.out, nullptr, false);
  ASSERT_TRUE(listed.is_array() && listed.size() == 1) << schedules.out;
  EXPECT_EQ(listed[0]["workflow"], "cron-schedule");
  EXPECT_EQ(listed[0]["cron"], "0 0 * * *");
  ASSERT_FALSE(listed[0]["next_runs"].empty()) << schedules.out;
  const std::string tomorrow =
      absl::FormatTime("%Y-%m-%dT00:00:00", absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  const std::string next = listed[0]["next_runs"][0].get<std::string>();
  // Just before midnight the next fire may be tomorrow's already.
  EXPECT_TRUE(
      absl::StartsWith(next, tomorrow) ||
      absl::StartsWith(next, absl::FormatTime("%Y-%m-%dT00:00:00", absl::Now() + absl::Hours(48),
                                              absl::UTCTimeZone())))
      << next;
}

TEST_F(SpecExamplesMoreE2e, ContainerExamplesRunLocalStandInImages) {
  TempDir podman_home;
  absl::StatusOr<std::map<std::string, std::string>> podman =
      PrepareLocalContainerImage(podman_home.path());
  if (!podman.ok()) GTEST_SKIP() << "podman cannot run containers here: " << podman.status();
  // What `image: hello-world` and `image: alpine` resolve to, imported from busybox.
  ASSERT_TRUE(ImportLocalImageAs(podman_home.path(), *podman,
                                 "docker.io/library/hello-world:latest",
                                 {"/bin/echo", "Hello from the local hello-world"})
                  .ok());
  ASSERT_TRUE(
      ImportLocalImageAs(podman_home.path(), *podman, "docker.io/library/alpine:latest", {}).ok());
  for (const auto& [name, value] : *podman) home_.env()[name] = value;
  const std::string podman_bin = FindExecutable("podman", ::getenv("PATH"))->string();
  // The names of the containers left in the test's podman storage.
  const auto containers = [&] {
    CommandResult ps = RunCommand({podman_bin, "ps", "-a", "--format", "{{.Names}}"}, *podman);
    EXPECT_EQ(ps.exit_code, 0) << ps.err;
    return ps.out;
  };

  // run-container: the image's own command runs; its stdout is the output.
  const std::string hello = R"(do:
  - runContainer:
      run:
        container:
          image: hello-world
)";
  Apply(Home() / "run-container.yaml", Document("run-container", hello));
  EXPECT_EQ(Run("run-container", json::object())["output"], "Hello from the local hello-world");

  // run-container-cleanup-always: the container is removed once it ended.
  const std::string before = containers();
  EXPECT_THAT(before, HasSubstr("\n"));  // run-container's, named after its execution
  Apply(Home() / "run-container-cleanup-always.yaml",
        Document("run-container-cleanup-always", absl::StrCat(hello, R"(          lifetime:
            cleanup: always
)")));
  EXPECT_EQ(Run("run-container-cleanup-always", json::object())["output"],
            "Hello from the local hello-world");
  EXPECT_EQ(containers(), before);

  // run-container-cleanup-eventually: it runs; removal is left for after 30 minutes.
  Apply(Home() / "run-container-cleanup-eventually.yaml",
        Document("run-container-cleanup-eventually", absl::StrCat(hello, R"(          lifetime:
            cleanup: eventually
            after:
              minutes: 30
)")));
  EXPECT_EQ(Run("run-container-cleanup-eventually", json::object())["output"],
            "Hello from the local hello-world");

  // run-container-with-name: the name is an expression over the task's input (the example's
  // `.workflow` and `.task` are fields of the input, given here).
  Apply(Home() / "run-container-with-name.yaml", Document("run-container-with-name", R"yaml(do:
  - runContainer:
      run:
        container:
          image: hello-world
          name: ${ "hello-\(.workflow.document.name)-\(.task.name)-\(.workflow.id)" }
)yaml"));
  EXPECT_EQ(
      Run("run-container-with-name", {{"workflow", {{"document", {{"name", "wf"}}}, {"id", "1"}}},
                                      {"task", {{"name", "t"}}}})["output"],
      "Hello from the local hello-world");
  EXPECT_THAT(containers(), HasSubstr("hello-wf-t-1"));

  // run-container-with-pull-policy: `always` pulls, which no registry here answers: a clear
  // failure, and nothing came from the internet.
  Apply(
      Home() / "run-container-with-pull-policy.yaml",
      Document("run-container-with-pull-policy", absl::StrCat(hello, R"(          pullPolicy: always
)")));
  json pulled = Run("run-container-with-pull-policy", json::object(), 1);
  EXPECT_THAT(pulled["error"]["detail"].get<std::string>(), HasSubstr("127.0.0.1:1"))
      << pulled.dump();

  // run-container-stdin-and-arguments: alpine's /bin/sh reads the input and the arguments.
  Apply(Home() / "run-container-stdin-and-arguments.yaml",
        Document("run-container-stdin-and-arguments", R"(do:
  - setInput:
      set:
        message: Hello World
  - runContainer:
      input:
        from: ${ .message }
      run:
        container:
          image: alpine
          command: |
            input=$(cat)
            echo "STDIN was: $input"
            echo "ARGS are $1 $2"
          stdin: ${ . }
          arguments:
          - Foo
          - Bar
)"));
  EXPECT_EQ(Run("run-container-stdin-and-arguments", json::object())["output"],
            "STDIN was: Hello World\nARGS are Foo Bar");

  // run-return-all, -code, -none and -stderr: hello-world's run in each return mode.
  const std::map<std::string, json> returns = {
      {"all", {{"code", 0}, {"stdout", "Hello from the local hello-world"}, {"stderr", ""}}},
      {"code", 0},
      {"none", nullptr},
      {"stderr", ""}};
  for (const auto& [mode, output] : returns) {
    const std::string name = absl::StrCat("run-return-", mode);
    Apply(Home() / absl::StrCat(name, ".yaml"),
          Document(name, absl::StrCat(hello, "        return: ", mode, "\n")));
    EXPECT_EQ(Run(name, json::object())["output"], output) << name;
  }
}

}  // namespace
}  // namespace stigmer::testing
