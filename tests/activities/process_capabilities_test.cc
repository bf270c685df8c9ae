// What `stigmer server status --json` says this machine offers scripts and containers.

#include "activities/process_capabilities.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::HasSubstr;

TEST(ProcessCapabilitiesTest, ListsWhatIsFoundWithItsVersionAndWhatToInstallOtherwise) {
  testing::TempDir bin;
  const std::filesystem::path python = bin.path() / "python3";
  std::ofstream(python) << "#!/bin/sh\necho 'Python 3.13.1'\n";
  std::filesystem::permissions(python, std::filesystem::perms::owner_all);
  const nlohmann::json capabilities =
      ProcessCapabilities(testing::FakeEnvironment({{"PATH", bin.path().string()}}));
  EXPECT_EQ(
      capabilities["python3"],
      nlohmann::json({{"found", true}, {"path", python.string()}, {"version", "Python 3.13.1"}}));
  EXPECT_EQ(capabilities["node"]["found"], false);
  EXPECT_EQ(capabilities["node"]["detail"],
            "node is not installed (not found on PATH): install node or set STIGMER_NODE_BIN to "
            "its path");
  EXPECT_EQ(capabilities["container_engine"]["found"], false);
  EXPECT_THAT(capabilities["container_engine"]["detail"].get<std::string>(),
              HasSubstr("docker is not installed; podman is not installed"));
}

}  // namespace
}  // namespace stigmer::activities
