// What `stigmer get` prints, through the daemon with the real Temporal.
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

std::string Example(const std::string& name) { return (SourceDir() / "examples" / name).string(); }

// The execution id in "ℹ running hello as wex-…".
std::string RunId(const std::string& out) {
  const size_t at = out.find("wex-");
  return at == std::string::npos ? "" : out.substr(at, out.find_first_of(" \n", at) - at);
}

// Every value under a key ending in "_at", anywhere in `json`.
void CollectTimestamps(const nlohmann::json& json, std::vector<std::string>* out) {
  if (json.is_array()) {
    for (const auto& item : json) CollectTimestamps(item, out);
  } else if (json.is_object()) {
    for (const auto& [key, value] : json.items()) {
      if (absl::EndsWith(key, "_at") && value.is_string()) {
        out->push_back(value.get<std::string>());
      } else if (key != "input" && key != "output") {
        CollectTimestamps(value, out);
      }
    }
  }
}

// `-o json` used to carry input and output as strings holding JSON, with timestamps of mixed
// precision.
TEST(CliOutput, JsonHasInputAndOutputAsValuesAndMillisecondTimestamps) {
  StigmerHome home;
  ASSERT_EQ(home.Run({"apply", "-f", Example("hello.yaml")}).exit_code, 0);
  CommandResult hello = home.Run({"run", "hello", "--input", R"({"name": "Ada"})"});
  ASSERT_EQ(hello.exit_code, 0) << hello.out << hello.err;
  const std::string id = RunId(hello.out);
  CommandResult as_json = home.Run({"get", "executions", id, "-o", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  nlohmann::json execution = nlohmann::json::parse(as_json.out);
  EXPECT_EQ(execution["input"], nlohmann::json({{"name", "Ada"}}));
  EXPECT_EQ(execution["output"], nlohmann::json({{"greeting", "Hello, Ada!"}}));
  std::vector<std::string> timestamps;
  CollectTimestamps(execution, &timestamps);
  EXPECT_GE(timestamps.size(), 5u);  // created, started, ended, and the task's two
  const std::regex millis(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const std::string& timestamp : timestamps) {
    EXPECT_TRUE(std::regex_match(timestamp, millis)) << timestamp;
  }
  CommandResult as_yaml = home.Run({"get", "executions", id, "-o", "yaml"});
  EXPECT_THAT(as_yaml.out, HasSubstr("input:\n  name: Ada\n"));
  CommandResult listed = home.Run({"get", "executions", "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(nlohmann::json::parse(listed.out)[0]["output"].is_object());
  CommandResult workflow = home.Run({"get", "workflows", "hello", "-o", "json"});
  EXPECT_TRUE(std::regex_match(nlohmann::json::parse(workflow.out)["updated_at"].get<std::string>(),
                               millis))
      << workflow.out;
}

}  // namespace
}  // namespace stigmer::testing
