// `run: script`, `run: container`, custom functions and use.extensions through the real
// `stigmer` binary, its daemon, the Temporal dev server and workflow-runner.

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/local_container_image.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

class CodeTasksE2e : public ::testing::Test {
 protected:
  // Applies the workflow `name` whose body (YAML from `use:` or `do:` on) is `body`.
  void Apply(const std::string& name, const std::string& body) {
    const std::filesystem::path file = home_.paths().home() / (name + ".yaml");
    ASSERT_TRUE(WriteFileAtomically(file, "document: {dsl: '1.0.3', namespace: test, name: " +
                                              name + ", version: '1.0.0'}\n" + body)
                    .ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  }

  // `stigmer run NAME -o json ARGS...`: the record it prints at the end.
  nlohmann::json Run(const std::string& name, int expected_exit,
                     std::vector<std::string> args = {}) {
    std::vector<std::string> command = {"run", name, "-o", "json"};
    command.insert(command.end(), args.begin(), args.end());
    CommandResult run = home_.Run(command);
    EXPECT_EQ(run.exit_code, expected_exit) << run.out << run.err;
    const size_t start = run.out.find('{');
    if (start == std::string::npos) return nullptr;
    return nlohmann::json::parse(run.out.substr(start), nullptr, false);
  }

  nlohmann::json Get(const std::string& id) {
    CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
    return nlohmann::json::parse(get.out, nullptr, false);
  }

  StigmerHome home_;
};

TEST_F(CodeTasksE2e, ScriptsInEachLanguageRunBesideOnesThatNeverEndOrFloodTheirOutput) {
  Apply("scripts", R"(do:
  - py:
      run:
        script:
          language: python
          code: |
            import os, sys
            print(sys.argv[1], os.environ["GREETING"], sys.stdin.read())
          arguments: ['${ .name }']
          environment:
            GREETING: bonjour
          stdin: '${ .name | ascii_upcase }'
        return: all
  - js:
      run:
        script:
          language: javascript
          arguments: ['${ .stdout }']
          code: |
            import { argv } from 'node:process';
            console.log(`node says: ${argv[2]}`);
)");
  Apply("forever", R"(do:
  - spin:
      run:
        script:
          language: python
          code: |
            while True:
              pass
)");
  Apply("flood", R"(do:
  - shout:
      run:
        script:
          language: js
          code: |
            const chunk = 'x'.repeat(1 << 20);
            for (let i = 0; i < 100; i++) process.stdout.write(chunk);
)");
  CommandResult started = home_.Run({"-q", "run", "forever", "--no-follow"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string forever_id(absl::StripTrailingAsciiWhitespace(started.out));

  const nlohmann::json flooded = Run("flood", 1);
  ASSERT_TRUE(flooded.is_object());
  EXPECT_EQ(flooded["error"]["title"], "Output too large");
  EXPECT_THAT(flooded["error"]["detail"].get<std::string>(),
              HasSubstr("the stdout of the command exceeded 1048576 bytes"));

  const nlohmann::json ran = Run("scripts", 0, {"--input", R"({"name": "ada"})"});
  ASSERT_TRUE(ran.is_object());
  EXPECT_EQ(ran["output"], "node says: ada bonjour ADA");

  ASSERT_EQ(home_.Run({"cancel", forever_id}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return Get(forever_id)["phase"] == "EXECUTION_PHASE_CANCELLED"; },
                      absl::Seconds(60)));

  const nlohmann::json status = home_.StatusJson();
  EXPECT_EQ(status["capabilities"]["node"]["found"], true) << status;
  EXPECT_THAT(status["capabilities"]["node"]["version"].get<std::string>(), HasSubstr("v"));
  EXPECT_EQ(status["capabilities"]["python3"]["found"], true) << status;
  EXPECT_TRUE(status["capabilities"].contains("container_engine")) << status;
}

TEST_F(CodeTasksE2e, FunctionsExtensionsContainersAndAMissingInterpreter) {
  home_.env()["STIGMER_NODE_BIN"] = "/nonexistent/node";
  TempDir podman_home;
  absl::StatusOr<std::map<std::string, std::string>> podman =
      PrepareLocalContainerImage(podman_home.path());
  if (podman.ok()) {
    for (const auto& [name, value] : *podman) home_.env()[name] = value;
  } else {
    home_.env()["PATH"] = "/nonexistent";  // no engine at all: the run is refused
  }

  Apply("nodeless", R"(do:
  - js:
      run:
        script:
          language: js
          code: console.log(1)
)");
  const nlohmann::json nodeless = Run("nodeless", 1);
  ASSERT_TRUE(nodeless.is_object());
  EXPECT_EQ(nodeless["error"]["title"], "Interpreter not found");
  EXPECT_EQ(nodeless["error"]["detail"],
            "STIGMER_NODE_BIN is \"/nonexistent/node\", which is not an executable file: point "
            "it at node or unset it");

  const std::filesystem::path catalog = home_.paths().home() / "catalog";
  std::filesystem::create_directories(catalog / "functions/shout/1.0.0");
  std::ofstream(catalog / "functions/shout/1.0.0/function.yaml")
      << "set:\n  loud: '${ .text | ascii_upcase }'\n";
  Apply("functions", absl::StrCat(R"(use:
  functions:
    greet:
      input:
        schema:
          document:
            type: object
            properties:
              name: {type: string}
            required: [name]
      set:
        greeting: '${ "hello " + .name }'
  catalogs:
    local:
      endpoint:
        uri: file://)",
                                  catalog.string(), R"(
  extensions:
    - mockPets:
        extend: call
        when: '$task.with.endpoint.uri != null and ($task.with.endpoint.uri | startswith("https://mocked.service.com"))'
        before:
          - fake:
              set:
                content: {name: rex}
              then: exit
    - audit:
        extend: set
        after:
          - remember:
              set: '${ . }'
              export:
                as: '${ {audited: (($context.audited // 0) + 1)} }'
do:
  - hi:
      call: greet
      with:
        name: '${ .name }'
  - shout:
      call: shout:1.0.0@local
      with:
        text: '${ .greeting }'
  - pet:
      call: http
      with:
        method: get
        endpoint:
          uri: https://mocked.service.com/pets/1
      output:
        as: '${ {pet: .content.name} }'
  - summary:
      set:
        pet: '${ .pet }'
        audited: '${ $context.audited }'
)"));
  const nlohmann::json good = Run("functions", 0, {"--input", R"({"name": "ada"})"});
  ASSERT_TRUE(good.is_object());
  // The `audit` after-tasks ran after hi's and greet's set tasks (functions' bodies are tasks)
  // and after summary's own set, which read the count before its after-tasks ran.
  EXPECT_EQ(good["output"], nlohmann::json({{"pet", "rex"}, {"audited", 2}}));

  const nlohmann::json bad = Run("functions", 1, {"--input", R"({"name": 7})"});
  ASSERT_TRUE(bad.is_object());
  EXPECT_EQ(bad["error"]["title"], "Invalid input");
  EXPECT_EQ(bad["error"]["status"], 400);
  EXPECT_EQ(bad["error"]["instance"], "/do/0/hi");
  EXPECT_THAT(bad["error"]["detail"].get<std::string>(),
              HasSubstr("the task's input does not match its schema: at /name: "));

  Apply("box", absl::StrCat(R"(do:
  - box:
      run:
        container:
          image: )",
                            kLocalImage, R"(
          pullPolicy: never
          stdin: '${ .message }'
          command: |
            input=$(cat)
            echo "STDIN was: $input"
            echo "ARGS are $1 $2"
          arguments: [Foo, Bar]
          lifetime:
            cleanup: always
)"));
  const nlohmann::json box = Run("box", podman.ok() ? 0 : 1, {"--input", R"({"message": "hi"})"});
  ASSERT_TRUE(box.is_object());
  if (podman.ok()) {
    EXPECT_EQ(box["output"], "STDIN was: hi\nARGS are Foo Bar");
  } else {
    EXPECT_EQ(box["error"]["title"], "No container engine");
    EXPECT_THAT(box["error"]["detail"].get<std::string>(),
                HasSubstr("Install Docker or Podman and make sure `docker info` or `podman "
                          "info` answers"));
  }
}

}  // namespace
}  // namespace stigmer::testing
