// `stigmer apply`, `run`, `get`, `cancel` and `delete` through the daemon, with the real Temporal.
#include <sys/stat.h>

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

// The id in "✓ started wex-… (hello version 1)".
std::string StartedId(const std::string& out) {
  const size_t at = out.find("wex-");
  return at == std::string::npos ? "" : out.substr(at, out.find_first_of(" \n", at) - at);
}

TEST(Workflows, ApplyRunGetCancelDeleteThroughTheDaemon) {
  StigmerHome home;
  // apply starts the daemon when it is not running.
  CommandResult apply = home.Run({"apply", "-f", Example("hello.yaml")});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("starting it"));
  EXPECT_THAT(apply.out, HasSubstr("NAME            VERSION  STATUS   ID"));
  EXPECT_THAT(apply.out, HasSubstr("workflow/hello  1        created  wfl-"));

  CommandResult again = home.Run({"apply", "-f", Example("hello.yaml")});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("workflow/hello  1        unchanged"));

  CommandResult workflows = home.Run({"get", "workflows"});
  EXPECT_EQ(workflows.exit_code, 0);
  EXPECT_THAT(workflows.out, HasSubstr("hello"));
  CommandResult as_json = home.Run({"get", "workflow", "hello", "-o", "json"});
  ASSERT_EQ(as_json.exit_code, 0);
  nlohmann::json workflow = nlohmann::json::parse(as_json.out);
  EXPECT_EQ(workflow["name"], "hello");
  EXPECT_EQ(workflow["version"], 1);
  EXPECT_THAT(workflow["definition"].get<std::string>(), HasSubstr("greet"));

  // A workflow that waits long enough to be cancelled.
  const std::filesystem::path slow = home.paths().home() / "slow.yaml";
  ASSERT_TRUE(WriteFileAtomically(
                  slow, R"(document: {dsl: '1.0.0', namespace: test, name: slow, version: '1.0.0'}
do:
  - pause:
      wait: {minutes: 10}
)")
                  .ok());
  ASSERT_EQ(home.Run({"apply", "-f", slow.string()}).exit_code, 0);
  CommandResult run = home.Run(
      {"run", "slow", "--no-follow", "--input", R"({"name": "Ada"})", "--secret", "TOKEN=hunter2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string id = StartedId(run.out);
  ASSERT_FALSE(id.empty()) << run.out;

  // Quiet: the id alone, for scripts.
  CommandResult quiet = home.Run({"-q", "run", "slow", "--no-follow"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_THAT(quiet.out, ::testing::MatchesRegex("wex-[0-9A-Z]+\n"));
  ASSERT_EQ(
      home.Run({"cancel", std::string(absl::StripTrailingAsciiWhitespace(quiet.out))}).exit_code,
      0);

  CommandResult executions = home.Run({"get", "executions"});
  EXPECT_EQ(executions.exit_code, 0);
  EXPECT_THAT(executions.out, HasSubstr(id));
  EXPECT_THAT(executions.out, HasSubstr("slow"));
  CommandResult one = home.Run({"get", "executions", id, "-o", "json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  nlohmann::json execution = nlohmann::json::parse(one.out);
  EXPECT_EQ(execution["temporal_workflow_id"], id);
  EXPECT_EQ(execution["input"]["name"], "Ada");
  EXPECT_THAT(one.out, Not(HasSubstr("hunter2")));
  absl::StatusOr<std::string> store = ReadFileToString(home.paths().StoreDatabase());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(store->find("hunter2"), std::string::npos) << "a secret reached the store";

  // Deleting a workflow with a running execution needs --force.
  CommandResult refused = home.Run({"delete", "workflow", "slow"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--force"));

  CommandResult cancel = home.Run({"cancel", id});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_THAT(cancel.out, HasSubstr(absl::StrCat("cancel requested for ", id)));

  CommandResult forced = home.Run({"delete", "workflow", "slow", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(forced.out, HasSubstr("workflow slow deleted"));
}

TEST(Workflows, InvalidDocumentsAreRefusedWholeWithTheirPointer) {
  StigmerHome home;
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() / "a.yaml",
                                  "document: {dsl: '1.0.0', namespace: t, name: good, version: "
                                  "'1.0.0'}\ndo:\n  - one:\n      set: {a: 1}\n")
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(dir.path() / "b.yaml",
                                  "document: {dsl: '1.0.0', namespace: t, name: bad, version: "
                                  "'1.0.0'}\ndo:\n  - fetch:\n      call: smtp\n")
                  .ok());
  CommandResult apply = home.Run({"apply", "-f", dir.path().string()});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.err, HasSubstr("/do/0/fetch/call: unknown call type \"smtp\""));
  EXPECT_THAT(apply.err, HasSubstr("nothing was applied"));
  CommandResult workflows = home.Run({"get", "workflows"});
  EXPECT_THAT(workflows.out, Not(HasSubstr("good")));

  CommandResult missing = home.Run({"apply", "-f", (dir.path() / "none.yaml").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("none.yaml"));

  CommandResult unknown = home.Run({"run", "nope", "--no-follow"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("workflow \"nope\" not found"));
  CommandResult bad_input = home.Run({"run", "good", "--input", "[1, 2]"});
  EXPECT_EQ(bad_input.exit_code, 2);
  EXPECT_THAT(bad_input.err, HasSubstr("--input must be a JSON object"));
}

TEST(Workflows, GrpcurlListsOurServicesAndCallsThemWithTheToken) {
  const std::string grpcurl = (SourceDir() / ".cache" / "bin" / "grpcurl").string();
  ASSERT_TRUE(std::filesystem::exists(grpcurl)) << "run scripts/setup.sh --test-tools";
  StigmerHome home;
  ASSERT_EQ(home.Run({"server"}).exit_code, 0);
  const std::string address = absl::StrCat("127.0.0.1:", home.server_port());
  const std::string header = absl::StrCat("authorization: Bearer ", home.ApiToken());
  CommandResult list = RunCommand({grpcurl, "-plaintext", "-H", header, address, "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  for (const char* service :
       {"stigmer.v1.WorkflowService", "stigmer.v1.ExecutionService", "stigmer.v1.AgentService",
        "stigmer.v1.InfoService", "grpc.health.v1.Health"}) {
    EXPECT_THAT(list.out, HasSubstr(service));
  }
  CommandResult info =
      RunCommand({grpcurl, "-plaintext", "-H", header, address, "stigmer.v1.InfoService/GetInfo"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("\"version\""));

  // Health answers anyone; the API answers only the token's holder.
  CommandResult health =
      RunCommand({grpcurl, "-plaintext", address, "grpc.health.v1.Health/Check"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr("SERVING"));
  CommandResult without =
      RunCommand({grpcurl, "-plaintext", address, "stigmer.v1.WorkflowService/List"});
  EXPECT_NE(without.exit_code, 0);
  EXPECT_THAT(without.err, HasSubstr("Code: Unauthenticated"));
  EXPECT_THAT(without.err, HasSubstr("missing bearer token"));
  EXPECT_THAT(without.err, HasSubstr(home.paths().ApiTokenFile().string()));
  const std::string wrong(64, '0');
  CommandResult wrong_token =
      RunCommand({grpcurl, "-plaintext", "-H", absl::StrCat("authorization: Bearer ", wrong),
                  address, "stigmer.v1.WorkflowService/List"});
  EXPECT_NE(wrong_token.exit_code, 0);
  EXPECT_THAT(wrong_token.err, HasSubstr("Code: Unauthenticated"));
  EXPECT_THAT(wrong_token.err, HasSubstr("wrong bearer token"));
  // stigmer-server logged both refusals (warnings go to daemon.err), never the token.
  std::string refusals;
  EXPECT_TRUE(WaitFor(
      [&] {
        refusals = ReadFileToString(home.paths().StderrLog("stigmer-server")).value_or("");
        return refusals.find("WorkflowService/List: wrong bearer token") != std::string::npos;
      },
      absl::Seconds(10)))
      << refusals;
  EXPECT_THAT(refusals, HasSubstr("refused a call to /stigmer.v1.WorkflowService/List: missing "
                                  "bearer token (user agent \"grpcurl/"));
  EXPECT_THAT(refusals, Not(HasSubstr(wrong)));

  // The CLI of a home without the token says why it cannot call this server.
  TempDir elsewhere;
  CommandResult stranger =
      RunCommand({StigmerBinary(), "get", "workflows"},
                 {{"STIGMER_HOME", elsewhere.path().string()}, {"STIGMER_SERVER_ADDR", address}});
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_THAT(stranger.err,
              HasSubstr(absl::StrCat("cannot read the API token at ", elsewhere.path().string(),
                                     "/data/api.token: No such file or directory; the "
                                     "stigmer-server at ",
                                     address, " was not started from this STIGMER_HOME")));
}

// Another account may not read anything in STIGMER_HOME: not the token, the store, Temporal's
// database or the logs.
TEST(Workflows, NothingUnderStigmerHomeIsReadableByOthersAfterARun) {
  StigmerHome home;
  // As an older version left them: Temporal's database was 0644.
  const std::filesystem::path older = home.paths().TemporalDataDir() / "left-by-an-older-version";
  ASSERT_TRUE(MakeDirectories(older.parent_path(), 0755).ok());
  ASSERT_TRUE(WriteFileAtomically(older, "x", 0644).ok());
  ASSERT_EQ(home.Run({"apply", "-f", Example("hello.yaml")}).exit_code, 0);
  CommandResult run = home.Run({"run", "hello", "--input", R"({"name": "Ada"})"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<std::string> open_to_others;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(home.paths().home())) {
    struct stat info {};
    if (::lstat(entry.path().c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
      open_to_others.push_back(absl::StrCat(entry.path().string(), " ", info.st_mode & 0777));
    }
  }
  EXPECT_THAT(open_to_others, ::testing::IsEmpty());
  EXPECT_TRUE(std::filesystem::exists(home.paths().TemporalDatabase()));
  EXPECT_TRUE(std::filesystem::exists(home.paths().ApiTokenFile()));
}

}  // namespace
}  // namespace stigmer::testing
