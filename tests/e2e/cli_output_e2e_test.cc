// What `stigmer get` prints, through the daemon with the real Temporal: one execution in full,
// JSON with values and one timestamp precision, lists past one page and --limit.
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Example(const std::string& name) { return (SourceDir() / "examples" / name).string(); }

// The execution id in "ℹ running hello as wex-…".
std::string RunId(const std::string& out) {
  const size_t at = out.find("wex-");
  return at == std::string::npos ? "" : out.substr(at, out.find_first_of(" \n", at) - at);
}

size_t LineCount(const std::string& text) {
  return std::vector<std::string>(absl::StrSplit(text, '\n', absl::SkipEmpty())).size();
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

// `get executions ID` used to print the summary row only, and `-o json` strings holding JSON
// with timestamps of mixed precision.
TEST(CliOutput, GetOneExecutionShowsPhaseTasksAndOutputOrError) {
  StigmerHome home;
  const std::filesystem::path broken = home.paths().home() / "broken.yaml";
  ASSERT_TRUE(WriteFileAtomically(
                  broken, R"(document: {dsl: '1.0.0', namespace: t, name: broken, version: '1.0.0'}
do:
  - list:
      run:
        shell:
          command: ls /no/such/folder
)")
                  .ok());
  ASSERT_EQ(home.Run({"apply", "-f", Example("hello.yaml"), "-f", broken.string()}).exit_code, 0);

  CommandResult hello = home.Run({"run", "hello", "--input", R"({"name": "Ada"})"});
  ASSERT_EQ(hello.exit_code, 0) << hello.out << hello.err;
  const std::string id = RunId(hello.out);
  CommandResult one = home.Run({"get", "executions", id});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr(absl::StrCat("ID        ", id, "\n")));
  EXPECT_THAT(one.out, HasSubstr("WORKFLOW  hello (version 1)\n"));
  EXPECT_THAT(one.out, HasSubstr("PHASE     COMPLETED\n"));
  EXPECT_THAT(one.out, HasSubstr("TASK   PATH         STATUS     STARTED"));
  EXPECT_THAT(one.out, HasSubstr("greet  /do/0/greet  COMPLETED  "));
  EXPECT_THAT(one.out, HasSubstr("OUTPUT\n{\n  \"greeting\": \"Hello, Ada!\"\n}\n"));

  CommandResult failed = home.Run({"run", "broken"});
  ASSERT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  CommandResult error = home.Run({"get", "executions", RunId(failed.out)});
  EXPECT_EQ(error.exit_code, 0) << error.err;
  EXPECT_THAT(error.out, HasSubstr("PHASE     FAILED\n"));
  EXPECT_THAT(error.out, HasSubstr("list  /do/0/list  FAILED"));
  EXPECT_THAT(error.out, HasSubstr("ERROR\nCommand failed\n  exit code "));
  EXPECT_THAT(error.out, HasSubstr("No such file or directory"));
  EXPECT_THAT(error.out, HasSubstr("status 500, at /do/0/list\n"));
  EXPECT_THAT(error.out, Not(HasSubstr("OUTPUT")));

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
  EXPECT_TRUE(nlohmann::json::parse(listed.out)[1]["output"].is_object());
  CommandResult workflow = home.Run({"get", "workflows", "hello", "-o", "json"});
  EXPECT_TRUE(std::regex_match(nlohmann::json::parse(workflow.out)["updated_at"].get<std::string>(),
                               millis))
      << workflow.out;
}

// Lists used to stop silently at the first page (500 rows).
TEST(CliOutput, ListsFollowEveryPageAndLimitSaysWhenThereAreMore) {
  StigmerHome home;
  ASSERT_EQ(home.Run({"apply", "-f", (SourceDir() / "examples").string()}).exit_code, 0);
  CommandResult all = home.Run({"get", "workflows"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const size_t workflows = LineCount(all.out) - 1;
  ASSERT_GE(workflows, 5u);
  CommandResult paged = home.Run({"get", "workflows", "--page-size", "2"});
  EXPECT_EQ(paged.out, all.out);
  EXPECT_EQ(paged.err, "");
  CommandResult limited = home.Run({"get", "workflows", "--limit", "3", "--page-size", "2"});
  EXPECT_EQ(limited.exit_code, 0);
  EXPECT_EQ(LineCount(limited.out), 4u) << limited.out;
  EXPECT_THAT(limited.err, HasSubstr("⚠ showing the first 3 workflows; there are more: raise "
                                     "--limit, or leave it out for all"));
  CommandResult exact = home.Run({"get", "workflows", "--limit", absl::StrCat(workflows)});
  EXPECT_EQ(exact.out, all.out);
  EXPECT_EQ(exact.err, "") << "no more rows than the limit";

  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    CommandResult run = home.Run({"-q", "run", "hello", "--no-follow"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ids.emplace_back(absl::StripTrailingAsciiWhitespace(run.out));
  }
  CommandResult executions = home.Run({"get", "executions", "--page-size", "2"});
  EXPECT_EQ(executions.exit_code, 0) << executions.err;
  EXPECT_EQ(LineCount(executions.out), 6u) << executions.out;
  for (const std::string& id : ids) EXPECT_THAT(executions.out, HasSubstr(id));
  CommandResult newest = home.Run({"get", "executions", "--limit", "2", "-o", "json"});
  EXPECT_EQ(newest.exit_code, 0);
  nlohmann::json two = nlohmann::json::parse(newest.out);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0]["id"], ids[4]);
  EXPECT_EQ(two[1]["id"], ids[3]);
  EXPECT_THAT(newest.err, HasSubstr("showing the first 2 executions; there are more"));
  CommandResult bad = home.Run({"get", "executions", "--limit", "-1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--limit takes a number of rows from 1 (0: no limit)"));
}

}  // namespace
}  // namespace stigmer::testing
