// A run's children shown nested: the children a history started, found by their ids, and their
// tasks placed under the step that started them.

#include "server/child_progress.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::server {
namespace {

using ::testing::ElementsAre;

::temporal::api::history::v1::HistoryEvent ChildStarted(const std::string& id) {
  ::temporal::api::history::v1::HistoryEvent event;
  auto* execution = event.mutable_child_workflow_execution_started_event_attributes()
                        ->mutable_workflow_execution();
  execution->set_workflow_id(id);
  execution->set_run_id("run-" + id);
  return event;
}

stigmer::v1::Execution WithTasks(const std::vector<std::string>& paths) {
  stigmer::v1::Execution execution;
  for (const std::string& path : paths) execution.add_tasks()->set_path(path);
  return execution;
}

std::vector<std::string> Paths(const stigmer::v1::Execution& execution) {
  std::vector<std::string> paths;
  for (const auto& task : execution.tasks()) paths.push_back(task.path());
  return paths;
}

TEST(ChildProgressTest, TheChildrenOfARunAreFoundByTheirIds) {
  const std::vector<StartedChild> children = StartedChildren(
      "wex-1", {ChildStarted("wex-1/turns/1/tools/c1#1"), ChildStarted("other/turns/1#1"),
                ChildStarted("wex-12/turns/1/tools/c1#1")});
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].path, "/turns/1/tools/c1");
  EXPECT_EQ(children[0].run_id, "run-wex-1/turns/1/tools/c1#1");
}

TEST(ChildProgressTest, AChildsTasksArePlacedBeforeTheStepThatStartedItOrAtTheEnd) {
  const stigmer::v1::Execution parent =
      WithTasks({"/turns/0/user", "/turns/1/model", "/turns/1/tools/a", "/turns/2/model"});
  std::map<std::string, stigmer::v1::Execution> children = {
      {"/turns/1/tools/a", WithTasks({"/turns/0/user", "/turns/1/model", "/turns/1/tools/x"})},
      {"/turns/1/tools/b", WithTasks({"/turns/1/model"})},
      {"/turns/1/tools/a/turns/1/tools/x", WithTasks({"/turns/1/model"})}};
  EXPECT_THAT(Paths(WithChildTasks(parent, children)),
              ElementsAre("/turns/0/user", "/turns/1/model", "/turns/1/tools/a/turns/0/user",
                          "/turns/1/tools/a/turns/1/model",
                          "/turns/1/tools/a/turns/1/tools/x/turns/1/model",
                          "/turns/1/tools/a/turns/1/tools/x", "/turns/1/tools/a", "/turns/2/model",
                          "/turns/1/tools/b/turns/1/model"));
}

}  // namespace
}  // namespace stigmer::server
