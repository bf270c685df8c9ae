// `run: container`: the engine command line we build (BuildContainerCommand), the refusal when
// no engine works, and, where podman runs containers here, a real run of an image imported from
// a local busybox root filesystem (nothing is pulled).

#include "activities/container_activity.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "activities/container_command.h"
#include "common/environment.h"
#include "common/executable_search.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/command_runner.h"
#include "testing/local_container_image.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

class Continue : public ActivityControl {
 public:
  bool KeepGoing() override { return true; }
};

// Says stop at its third question (the activity asks about once a second).
class StopSoon : public ActivityControl {
 public:
  bool KeepGoing() override { return ++asked_ < 3; }

 private:
  int asked_ = 0;
};

TEST(ContainerCommandTest, BuildsTheEngineCommandLineFromEveryField) {
  const json container = {{"image", "alpine"},
                          {"name", "my box"},
                          {"command", "echo \"$1 $2\""},
                          {"arguments", {"Foo", "Bar"}},
                          {"ports", {{"8080", 80}}},
                          {"volumes", {{"/data", "/mnt"}}},
                          {"environment", {{"COLOR", "blue"}}},
                          {"pullPolicy", "always"},
                          {"lifetime", {{"cleanup", "always"}}}};
  absl::StatusOr<ContainerCommand> command =
      BuildContainerCommand("/usr/bin/podman", container, "unused", absl::ZeroDuration());
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_THAT(command->argv,
              ElementsAre("/usr/bin/podman", "run", "-i", "--name", "my-box", "--rm",
                          "--pull=always", "-p", "8080:80", "-v", "/data:/mnt", "-e", "COLOR=blue",
                          "alpine", "/bin/sh", "-c", "echo \"$1 $2\"", "sh", "Foo", "Bar"));
  EXPECT_TRUE(command->remove_after);
}

TEST(ContainerCommandTest, DefaultsNameAndPullAndPassesArgumentsAsTheImagesCommand) {
  absl::StatusOr<ContainerCommand> command =
      BuildContainerCommand("docker",
                            {{"image", "hello-world"},
                             {"arguments", {"--version"}},
                             {"pullPolicy", "ifNotPresent"},
                             {"lifetime", {{"cleanup", "eventually"}}}},
                            "stigmer-wex-1/do/0", absl::Minutes(30));
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_THAT(command->argv, ElementsAre("docker", "run", "-i", "--name", "stigmer-wex-1-do-0",
                                         "--pull=missing", "hello-world", "--version"));
  EXPECT_EQ(command->remove_eventually, absl::Minutes(30));
}

TEST(ContainerCommandTest, MalformedFieldsAreNamed) {
  EXPECT_EQ(BuildContainerCommand("docker", {{"name", "x"}}, "n", absl::ZeroDuration())
                .status()
                .message(),
            "`run.container.image` is required");
  EXPECT_EQ(BuildContainerCommand("docker", {{"image", "a"}, {"pullPolicy", "sometimes"}}, "n",
                                  absl::ZeroDuration())
                .status()
                .message(),
            "`run.container.pullPolicy` must be ifNotPresent, always or never");
  EXPECT_EQ(BuildContainerCommand("docker", {{"image", "a"}, {"ports", {1, 2}}}, "n",
                                  absl::ZeroDuration())
                .status()
                .message(),
            "`run.container.ports` must be a map");
}

TEST(ContainerActivityTest, WithoutAWorkingEngineTheRunIsRefusedSayingWhatToDo) {
  testing::TempDir bin;
  // A docker client that cannot reach its engine, as on a machine without the daemon.
  const std::filesystem::path docker = bin.path() / "docker";
  std::ofstream(docker) << "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n";
  std::filesystem::permissions(docker, std::filesystem::perms::owner_all);
  Continue control;
  ActivityResult result =
      RunContainerActivity({{"task", "/do/0/box"}, {"container", {{"image", "alpine"}}}}, "box", {},
                           control, testing::FakeEnvironment({{"PATH", bin.path().string()}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "No container engine");
  EXPECT_EQ(result.error.instance, "/do/0/box");
  EXPECT_EQ(result.error.detail,
            "no working container engine: docker is installed (" + docker.string() +
                ") but `docker info` failed: Cannot connect to the Docker daemon; podman is not "
                "installed. Install Docker or Podman and make sure `docker info` or `podman "
                "info` answers");
}

// Podman with its configuration and image store in a temporary folder, where this machine lets
// it run containers; skipped (saying why) where it cannot.
class PodmanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::map<std::string, std::string>> env =
        testing::PrepareLocalContainerImage(home_.path());
    if (!env.ok()) GTEST_SKIP() << env.status().message();
    for (const auto& [name, value] : *env) ::setenv(name.c_str(), value.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("CONTAINERS_CONF");
    ::unsetenv("CONTAINERS_STORAGE_CONF");
  }

  testing::TempDir home_;
};

TEST_F(PodmanTest, RunsACommandWithStdinArgumentsAndEnvironment) {
  Continue control;
  ActivityResult result = RunContainerActivity(
      {{"task", "/do/0/box"},
       {"return", "all"},
       {"container",
        {{"image", testing::kLocalImage},
         {"pullPolicy", "never"},
         {"stdin", "Hello World"},
         {"command", "input=$(cat); echo \"STDIN was: $input\"; echo \"ARGS are $1 $2 $COLOR\""},
         {"arguments", {"Foo", "Bar"}},
         {"environment", {{"COLOR", "blue"}}},
         {"lifetime", {{"cleanup", "always"}}}}}},
      "stigmer-test-box", {}, control, ProcessEnvironment());
  ASSERT_TRUE(result.ok()) << result.error.title << ": " << result.error.detail;
  EXPECT_EQ(result.output["code"], 0);
  EXPECT_EQ(result.output["stdout"], "STDIN was: Hello World\nARGS are Foo Bar blue");
}

TEST_F(PodmanTest, ACancelledOrTimedOutContainerIsRemoved) {
  const json container = {
      {"image", testing::kLocalImage}, {"pullPolicy", "never"}, {"command", "sleep 600"}};
  StopSoon stop;
  ActivityResult cancelled =
      RunContainerActivity({{"task", "/do/0/box"}, {"container", container}},
                           "stigmer-test-cancelled", {}, stop, ProcessEnvironment());
  EXPECT_EQ(cancelled.state, ActivityResult::State::kCancelled);
  Continue control;
  ActivityResult timed_out =
      RunContainerActivity({{"task", "/do/0/box"}, {"container", container}, {"timeout_ms", 1500}},
                           "stigmer-test-timed-out", {}, control, ProcessEnvironment());
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error.title, "Command timed out");
  testing::CommandResult listed = testing::RunCommand(
      {FindExecutable("podman", ::getenv("PATH"))->string(), "ps", "-a", "--format", "{{.Names}}"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, Not(HasSubstr("stigmer-test-cancelled")));
  EXPECT_THAT(listed.out, Not(HasSubstr("stigmer-test-timed-out")));
}

}  // namespace
}  // namespace stigmer::activities
