// `run: container`: the engine command line we build (BuildContainerCommand), the refusal when
// no engine works, and, where podman runs containers here, a real run of an image imported from
// a local busybox root filesystem (nothing is pulled).

#include "activities/container_activity.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "activities/container_command.h"
#include "common/environment.h"
#include "common/executable_search.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/command_runner.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

class Continue : public ActivityControl {
 public:
  bool KeepGoing() override { return true; }
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
    const std::string path = ::getenv("PATH") != nullptr ? ::getenv("PATH") : "";
    auto podman = FindExecutable("podman", path);
    auto busybox = FindExecutable("busybox", path + ":/bin:/usr/bin");
    if (!podman || !busybox) GTEST_SKIP() << "podman or busybox is not installed";
    const auto root = home_.path();
    std::ofstream(root / "containers.conf")
        << "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n"
           "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\n";
    std::ofstream(root / "storage.conf")
        << "[storage]\ndriver = \"vfs\"\ngraphroot = \"" << (root / "graph").string()
        << "\"\nrunroot = \"" << (root / "run").string() << "\"\n";
    ::setenv("CONTAINERS_CONF", (root / "containers.conf").c_str(), 1);
    ::setenv("CONTAINERS_STORAGE_CONF", (root / "storage.conf").c_str(), 1);
    std::filesystem::create_directories(root / "rootfs/bin");
    std::filesystem::copy_file(*busybox, root / "rootfs/bin/busybox");
    for (const char* applet : {"sh", "cat", "echo", "sleep"}) {
      std::filesystem::create_symlink("busybox", root / "rootfs/bin" / applet);
    }
    testing::CommandResult tar = testing::RunCommand(
        {"/bin/tar", "-cf", (root / "rootfs.tar").string(), "-C", (root / "rootfs").string(), "."});
    ASSERT_EQ(tar.exit_code, 0) << tar.err;
    testing::CommandResult imported = testing::RunCommand(
        {podman->string(), "import", (root / "rootfs.tar").string(), "localhost/stigmer-box:1"});
    if (imported.exit_code != 0) GTEST_SKIP() << "podman cannot import here: " << imported.err;
    testing::CommandResult probe =
        testing::RunCommand({podman->string(), "run", "--rm", "--network", "none",
                             "localhost/stigmer-box:1", "/bin/echo", "ok"});
    if (probe.exit_code != 0) GTEST_SKIP() << "podman cannot run containers here: " << probe.err;
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
        {{"image", "localhost/stigmer-box:1"},
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

}  // namespace
}  // namespace stigmer::activities
