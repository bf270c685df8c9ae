// `run: script`, custom functions from a file:// catalog and use.extensions through
// workflow-runner's handlers and the real Temporal dev server.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

// The activity types the run scheduled, in order.
std::vector<std::string> ActivityTypes(const std::vector<durable::HistoryEvent>& events) {
  std::vector<std::string> types;
  for (const durable::HistoryEvent& event : events) {
    if (event.has_activity_task_scheduled_event_attributes()) {
      types.push_back(event.activity_task_scheduled_event_attributes().activity_type().name());
    }
  }
  return types;
}

TEST_F(WorkflowRunnerTest, ScriptsInEachLanguageRunAsActivities) {
  const std::string id = Start("scripts", R"(do:
  - py:
      run:
        script:
          language: python
          code: |
            import os, sys
            print(sys.argv[1] + os.environ["SUFFIX"] + sys.stdin.read())
          arguments: ['${ .word }']
          environment:
            SUFFIX: '!'
          stdin: ' (stdin)'
  - js:
      run:
        script:
          language: js
          arguments: ['${ . }']
          code: |
            console.log(`${process.argv[2]} from node`);
            process.exitCode = 2;
        return: all
)",
                               {{"word", "durable"}});
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(
      Output(events),
      nlohmann::json({{"code", 2}, {"stdout", "durable! (stdin) from node"}, {"stderr", ""}}));
  EXPECT_THAT(ActivityTypes(events), ::testing::ElementsAre("script", "script"));
}

TEST_F(WorkflowRunnerTest, CancelKillsAScriptThatNeverEnds) {
  testing::TempDir dir;
  const std::string pid_file = (dir.path() / "pid").string();
  const std::string id = Start("forever",
                               absl::StrCat(R"(do:
  - spin:
      run:
        script:
          language: python
          arguments: [')",
                                            pid_file, R"(']
          code: |
            import os, sys
            open(sys.argv[1], "w").write(str(os.getpid()))
            while True:
              pass
)"),
                               nlohmann::json::object());
  pid_t pid = 0;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::ifstream in(pid_file);
        return static_cast<bool>(in >> pid) && pid > 0;
      },
      absl::Seconds(20)));
  ASSERT_TRUE(client_->RequestCancel(id, "", "stop it").ok());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event_type(), EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  EXPECT_TRUE(testing::WaitFor([&] { return ::kill(pid, 0) != 0; }, absl::Seconds(15)))
      << "the script is still running";
}

TEST_F(WorkflowRunnerTest, CatalogedFunctionAndMockingExtensionRun) {
  testing::TempDir catalog;
  std::filesystem::create_directories(catalog.path() / "functions/shout/1.0.0");
  std::ofstream(catalog.path() / "functions/shout/1.0.0/function.yaml")
      << "input:\n  schema:\n    document:\n      type: object\n      required: [text]\n"
         "set:\n  loud: '${ .text | ascii_upcase }'\n";
  const std::string id = Start("functions",
                               absl::StrCat(R"(use:
  catalogs:
    local:
      endpoint:
        uri: file://)",
                                            catalog.path().string(), R"(
  extensions:
    - mock:
        extend: call
        when: '$task.with.endpoint.uri != null'
        before:
          - fake:
              set:
                content: mocked
              then: exit
do:
  - shout:
      call: shout:1.0.0@local
      with:
        text: ${ .word }
  - fetch:
      call: http
      with:
        method: get
        endpoint:
          uri: https://mocked.service.com/anything
      output:
        as: '${ {fetched: .content} }'
)"),
                               {{"word", "hi"}});
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events), nlohmann::json({{"fetched", "mocked"}}));
  EXPECT_THAT(ActivityTypes(events), ::testing::ElementsAre("resource"));
}

}  // namespace
}  // namespace stigmer::workflow
