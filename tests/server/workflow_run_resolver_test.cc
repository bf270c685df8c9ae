// The server resolves the workflows a `run: workflow` starts: by document.version, recursively;
// a missing version and too deep a chain are clear errors.

#include "server/workflow_run_resolver.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/workflow_catalog.h"
#include "testing/test_env.h"
#include "workflow/workflow_document.h"

namespace stigmer::server {
namespace {

using ::testing::HasSubstr;

class WorkflowRunResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.path() / "stigmer.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Applies workflow `name` at document.version `version`, running `child` (if any) at 1.0.0.
  std::string Apply(const std::string& name, const std::string& version, const std::string& child,
                    const std::string& value = "1") {
    std::string text = absl::StrCat("document: {dsl: '1.0.0', namespace: t, name: ", name,
                                    ", version: '", version, "'}\ndo:\n");
    if (child.empty()) {
      absl::StrAppend(&text, "  - v:\n      set: {v: ", value, "}\n");
    } else {
      absl::StrAppend(&text, "  - c:\n      run:\n        workflow: {namespace: t, name: ", child,
                      ", version: '1.0.0'}\n");
    }
    auto applied = ApplyWorkflowDocument(*store_, text, false);
    EXPECT_TRUE(applied.ok()) << applied.status();
    return text;
  }

  absl::StatusOr<nlohmann::json> Resolve(const std::string& name, const std::string& text) {
    auto document = workflow::ParseWorkflowDocument(text);
    if (!document.ok()) return document.status();
    nlohmann::json runtime = nlohmann::json::object();
    const AgentResolver no_agents = [](const std::string&, const nlohmann::ordered_json&,
                                       nlohmann::json&) { return absl::OkStatus(); };
    absl::Status status = ResolveRunWorkflows(*store_, document->json, {name}, "stigmer-workflows",
                                              no_agents, runtime);
    if (!status.ok()) return status;
    return runtime;
  }

  stigmer::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(WorkflowRunResolverTest, ResolvesTheVersionByDocumentVersionRecursively) {
  Apply("leaf", "1.0.0", "", "1");
  Apply("leaf", "2.0.0", "", "2");  // a later version with another document.version
  Apply("middle", "1.0.0", "leaf");
  const std::string top = Apply("top", "1.0.0", "middle");
  auto runtime = Resolve("top", top);
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  EXPECT_EQ((*runtime)["workflow_task_queue"], "stigmer-workflows");
  const nlohmann::json& middle = (*runtime)["workflows"]["middle@1.0.0"];
  EXPECT_EQ(middle["document"]["document"]["name"], "middle");
  const nlohmann::json& leaf = middle["runtime"]["workflows"]["leaf@1.0.0"];
  EXPECT_EQ(leaf["document"]["do"][0]["v"]["set"]["v"], 1) << "not the 1.0.0 document";
}

TEST_F(WorkflowRunResolverTest, AVersionNotAppliedIsNamed) {
  Apply("leaf", "2.0.0", "");
  const std::string top = Apply("top", "1.0.0", "leaf");
  auto runtime = Resolve("top", top);
  EXPECT_TRUE(absl::IsFailedPrecondition(runtime.status()));
  EXPECT_EQ(runtime.status().message(),
            "workflow \"top\" runs workflow \"leaf\" version 1.0.0, which is not applied (its "
            "latest document.version is 2.0.0): apply that version, or change `version`");
}

TEST_F(WorkflowRunResolverTest, TooDeepAChainIsRefused) {
  Apply("w0", "1.0.0", "");
  for (int i = 1; i <= 9; ++i) Apply(absl::StrCat("w", i), "1.0.0", absl::StrCat("w", i - 1));
  auto runtime = Resolve("w9", Apply("w9", "1.0.0", "w8"));
  EXPECT_TRUE(absl::IsFailedPrecondition(runtime.status()));
  EXPECT_THAT(runtime.status().message(),
              HasSubstr("workflows run workflows 9 deep (w9 → w8 → w7 → w6 → w5 → w4 → w3 → w2 → "
                        "w1); the most stigmer runs is 8"));
}

}  // namespace
}  // namespace stigmer::server
