// The server resolves an agent's sub-agents for its start: latest versions, recursively; a
// missing sub-agent, a cycle and too deep a nesting are clear errors.

#include "server/sub_agent_resolver.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/agent_catalog.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class SubAgentResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.path() / "stigmer.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  json Apply(const std::string& name, const std::vector<std::string>& sub_agents,
             const std::string& description = "") {
    json document = {{"kind", "Agent"}, {"name", name}, {"instructions", "Help."}};
    if (!description.empty()) document["description"] = description;
    if (!sub_agents.empty()) document["sub_agents"] = sub_agents;
    auto applied = ApplyAgentDocument(*store_, document.dump(), false);
    EXPECT_TRUE(applied.ok()) << applied.status();
    return document;
  }

  absl::StatusOr<json> Resolve(const json& document) {
    return ResolveSubAgents(*store_, document, {document["name"].get<std::string>()});
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(SubAgentResolverTest, SubAgentsAreResolvedAtTheirLatestVersionRecursively) {
  Apply("leaf", {}, "first");
  Apply("leaf", {}, "second");
  Apply("middle", {"leaf"});
  const json top = Apply("top", {"middle", "leaf"});
  absl::StatusOr<json> resolved = Resolve(top);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ((*resolved)["leaf"]["document"]["description"], "second");
  EXPECT_EQ((*resolved)["middle"]["sub_agents"]["leaf"]["document"]["name"], "leaf");
  EXPECT_FALSE((*resolved)["leaf"].contains("sub_agents"));
}

TEST_F(SubAgentResolverTest, AMissingSubAgentIsNamedWithTheAgentThatNamesIt) {
  const json top = Apply("top", {"ghost"});
  absl::StatusOr<json> resolved = Resolve(top);
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resolved.status().message(),
              HasSubstr("agent \"top\" names sub-agent \"ghost\", which does not exist"));
}

TEST_F(SubAgentResolverTest, ACycleThroughSubAgentsIsRefusedNamingTheChain) {
  Apply("b", {"a"});
  const json a = Apply("a", {"b"});
  absl::StatusOr<json> resolved = Resolve(a);
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resolved.status().message(),
              HasSubstr("agent \"a\" calls itself through its sub-agents: a → b → a"));
}

TEST_F(SubAgentResolverTest, SubAgentsNestedTooDeepAreRefused) {
  Apply("a6", {});
  for (int i = 5; i >= 1; --i) {
    Apply("a" + std::to_string(i), {"a" + std::to_string(i + 1)});
  }
  const json top = Apply("a0", {"a1"});
  absl::StatusOr<json> resolved = Resolve(top);
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resolved.status().message(), HasSubstr("nested more than 5 levels deep"));
}

}  // namespace
}  // namespace stigmer::server
