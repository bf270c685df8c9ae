#include "agent/model_activity.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

EnvironmentLookup Env(std::map<std::string, std::string> values) {
  return [values](absl::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(ResolveModel, LocalIsTheDefaultServedWhereTheSupervisorSaysInJsonSchemaMode) {
  auto model = ResolveModel({{"kind", "Agent"}}, nlohmann::json::object(),
                            Env({{"STIGMER_LLM_BASE_URL", "http://127.0.0.1:9999/v1"}}));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->endpoint.provider.base_url, "http://127.0.0.1:9999/v1");
  EXPECT_EQ(model->endpoint.tool_mode, ToolMode::kJsonSchema);
  EXPECT_EQ(model->model, "SmolLM2-135M-Instruct");
  EXPECT_TRUE(model->endpoint.api_key.empty());
}

TEST(ResolveModel, OpenAiReadsItsKeyFromTheEnvironmentAndSaysWhichWhenMissing) {
  const nlohmann::json agent = {{"model", {{"provider", "openai"}, {"name", "gpt-4o-mini"}}}};
  auto missing = ResolveModel(agent, nlohmann::json::object(), Env({}));
  EXPECT_THAT(missing.status().message(), HasSubstr("OPENAI_API_KEY"));
  auto model = ResolveModel(agent, nlohmann::json::object(), Env({{"OPENAI_API_KEY", "sk-1"}}));
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->endpoint.api_key, "sk-1");
  EXPECT_EQ(model->endpoint.provider.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(model->endpoint.tool_mode, ToolMode::kNative);
  EXPECT_EQ(model->endpoint.provider.key_source, "the environment variable OPENAI_API_KEY");
}

TEST(ResolveModel, AKeyFromASecretComesFromTheRunsSecretsOnly) {
  const nlohmann::json agent = {
      {"model", {{"provider", "anthropic"}, {"name", "claude"}, {"api_key", {{"secret", "ANT"}}}}}};
  auto missing = ResolveModel(agent, nlohmann::json::object(), Env({{"ANT", "no"}}));
  EXPECT_THAT(missing.status().message(), HasSubstr("--secret ANT="));
  auto model = ResolveModel(agent, {{"ANT", "sk-ant"}}, Env({}));
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->endpoint.api_key, "sk-ant");
  EXPECT_EQ(model->endpoint.format, WireFormat::kAnthropicMessages);
}

TEST(ResolveModel, AnUnknownProviderIsNamed) {
  auto model =
      ResolveModel({{"model", {{"provider", "mystery"}}}}, nlohmann::json::object(), Env({}));
  EXPECT_THAT(model.status().message(), HasSubstr("\"mystery\""));
}

}  // namespace
}  // namespace stigmer::agent
